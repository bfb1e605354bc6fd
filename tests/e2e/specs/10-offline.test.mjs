// Offline: when the server cannot be reached the account says so in words, and the saved
// calendars stay browsable (views, details, search); back online, it comes up to date again.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { clickSyncNow, columnTitlesOn, goToDay, launchApp, monthTitlesOn, screenshot, showView, textOf, waitUpToDate } from "./app.mjs";
import { control } from "./emulator.mjs";
import { signedIn } from "./session.mjs";

let browser;
before(async () => {
  browser = await launchApp();
  await signedIn(browser);
});
after(async () => {
  await control("clear-faults", {}).catch(() => {});
  await browser?.deleteSession();
});

test("an unreachable server is said in words", async () => {
  // Every connection is reset: to the client that is a network failure, as when offline.
  await control("inject", { fault: { kind: "connection-reset" }, scope: { for_millis: 120_000 } });
  await clickSyncNow(browser);
  await browser.waitUntil(async () => /offline/i.test(await textOf(await browser.$(".account-state"))), {
    timeout: 60_000,
    timeoutMsg: "the account did not say it is offline",
  });
  assert.match(await textOf(await browser.$(".account-saved")), /^Saved data as of /);
  assert.equal(await browser.$(".account").getAttribute("data-state"), "offline");
});

test("saved data stays browsable offline", async () => {
  await showView(browser, "Month");
  await goToDay(browser, "2026-12-24");
  await browser.waitUntil(async () => (await monthTitlesOn(browser, "2026-12-24")).includes("Christmas Eve"), {
    timeout: 20_000,
    timeoutMsg: "saved events are not shown offline",
  });
  await screenshot(browser, "offline-month");
  await showView(browser, "Day");
  await goToDay(browser, "2026-12-01");
  await browser.waitUntil(async () => (await columnTitlesOn(browser, "2026-12-01")).includes("Design review"), {
    timeout: 20_000,
  });
  for (const event of await browser.$$(".fc-timegrid-event")) {
    if ((await textOf(await event.$(".fc-event-title"))) === "Design review") await event.click();
  }
  await browser.waitUntil(async () => /Every 2 weeks/.test(await textOf(await browser.$("#details"))), {
    timeout: 10_000,
    timeoutMsg: "details are not available offline",
  });
  await browser.keys("Escape");
  await browser.$("#search-input").setValue("kickoff");
  await browser.waitUntil(async () => (await browser.$$(".search-hit")).length > 0, {
    timeout: 10_000,
    timeoutMsg: "search does not work offline",
  });
  await screenshot(browser, "offline-search");
  await browser.$("#search-input").clearValue();
});

test("back online, the account comes up to date", async () => {
  await control("clear-faults", {});
  await clickSyncNow(browser);
  await waitUpToDate(browser);
  await showView(browser, "Month");
});
