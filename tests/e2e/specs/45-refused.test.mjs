// A change the server refuses (issue 19 item 5) stays here, marked on the event with the
// server's reason (on hover and in the details), counted in the sidebar, and is sent again at
// each sync: once the server takes it, the mark goes.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { clickSyncNow, launchApp, screenshot, textOf } from "./app.mjs";
import { control } from "./emulator.mjs";
import { placeOf, pressOn, syncUntil, timedEvent, weekWithFixtures } from "./editing.mjs";
import { eventByUid, instantOf, quietTuesday } from "./server.mjs";

const TUE = quietTuesday(48);
const EVENT = { uid: "e2e-refused@almanac.test", summary: "Too big to move", start: `${TUE}T10:00:00Z`, end: `${TUE}T11:00:00Z` };

let browser;
before(async () => {
  browser = await launchApp();
  await weekWithFixtures(browser, [EVENT], TUE, EVENT.summary);
});
after(async () => {
  await control("quirks", { max_resource_size: 1_048_576 }).catch(() => {});
  await browser?.deleteSession();
});

const refusedText = () => browser.execute(() => document.querySelector(".account-changes .changes-refused")?.textContent ?? "");

test("a refused change is marked with the server's reason and counted", async () => {
  // The server now takes no object over 100 bytes: iCloud's own limit, made small.
  await control("quirks", { max_resource_size: 100 });
  await pressOn(browser, EVENT.summary, ["Alt", "ArrowDown"]);
  await clickSyncNow(browser);
  await browser.waitUntil(async () => (await placeOf(browser, EVENT.summary))?.classes.includes("event-refused"), {
    timeout: 60_000,
    timeoutMsg: "the refused change is not marked on the event",
  });
  const place = await placeOf(browser, EVENT.summary);
  assert.match(place.hover, /the server refused the change: .+/);
  // The sidebar's counts follow the event's mark with the next overview.
  await browser.waitUntil(async () => /^1 change refused by the server$/.test(await refusedText()), {
    timeout: 10_000,
    timeoutMsg: "the sidebar does not count one refused change",
  });
  await (await timedEvent(browser, EVENT.summary)).click();
  await browser.waitUntil(async () => /The server refused the last change: .+/.test(await textOf(await browser.$("#details"))), {
    timeout: 10_000,
    timeoutMsg: "the details do not give the server's reason",
  });
  await screenshot(browser, "edit-refused");
  await browser.keys("Escape");
  assert.equal(instantOf((await eventByUid("home", EVENT.uid)).lines, "DTSTART"), EVENT.start);
});

test("the refused change is sent again, and the mark goes once the server takes it", async () => {
  await control("quirks", { max_resource_size: 1_048_576 });
  await syncUntil(browser, "the change refused before", async () => instantOf((await eventByUid("home", EVENT.uid))?.lines ?? [], "DTSTART") === `${TUE}T10:15:00Z`);
  await browser.waitUntil(async () => !(await placeOf(browser, EVENT.summary))?.classes.includes("event-refused") && (await refusedText()) === "", {
    timeout: 20_000,
    timeoutMsg: "the refused mark stayed after the server took the change",
  });
});
