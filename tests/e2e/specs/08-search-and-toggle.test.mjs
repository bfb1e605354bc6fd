// Search over the saved events jumps to the chosen one's date; unchecking a calendar hides its
// events, and the choice survives a restart of the window.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { goToDay, launchApp, monthTitlesOn, screenshot, showView, textOf, textsOf } from "./app.mjs";
import { signedIn } from "./session.mjs";

let browser;
before(async () => {
  browser = await launchApp();
  await signedIn(browser);
});
after(async () => {
  await browser?.deleteSession();
});

/** The sidebar checkbox of the calendar with this name. */
async function calendarBox(name) {
  for (const row of await browser.$$(".calendar-row")) {
    if ((await textOf(await row.$(".calendar-name"))) === name) return row.$("input[type=checkbox]");
  }
  throw new Error(`no calendar named ${name}`);
}

test("search finds an event and jumps to its date", async () => {
  await showView(browser, "Month");
  const field = await browser.$("#search-input");
  await field.setValue("design review");
  await browser.waitUntil(async () => (await browser.$$(".search-hit")).length > 0, {
    timeout: 10_000,
    timeoutMsg: "search found nothing",
  });
  const hits = await browser.$$(".search-hit");
  let chosen;
  for (const hit of hits) {
    const text = await textOf(hit);
    if (text.includes("Design review") && text.includes("Work")) chosen ??= hit;
  }
  assert.ok(chosen, "no Design review in Work among the results");
  await screenshot(browser, "search-results");
  await chosen.click();
  await browser.waitUntil(async () => (await textOf(await browser.$(".fc-toolbar-title"))).includes("December 2026"), {
    timeout: 10_000,
    timeoutMsg: "choosing the result did not jump to December 2026",
  });
  await field.clearValue();
});

test("search finds hostile text as text", async () => {
  const field = await browser.$("#search-input");
  await field.setValue("onerror");
  const hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>";
  await browser.waitUntil(async () => (await textsOf(browser, ".search-title")).includes(hostile), {
    timeout: 10_000,
    timeoutMsg: "search did not find the hostile title",
  });
  assert.equal((await browser.$$("#search-results img, #search-results script")).length, 0);
  await field.clearValue();
});

test("unchecking a calendar hides its events; the choice is kept", async () => {
  await goToDay(browser, "2026-12-01");
  await browser.waitUntil(async () => (await monthTitlesOn(browser, "2026-12-01")).includes("Planning kickoff"), {
    timeout: 20_000,
  });
  await (await calendarBox("Work")).click();
  await browser.waitUntil(async () => !(await monthTitlesOn(browser, "2026-12-01")).includes("Planning kickoff"), {
    timeout: 10_000,
    timeoutMsg: "Work's events stayed visible",
  });
  assert.ok(!(await monthTitlesOn(browser, "2026-12-18")).includes("Design review (moved)"));
  await screenshot(browser, "calendar-hidden");

  // A new window (the app restarted) reads the choice from the store.
  await browser.deleteSession();
  browser = await launchApp();
  await signedIn(browser);
  assert.equal(await (await calendarBox("Work")).isSelected(), false, "the unchecked calendar came back checked");
  await goToDay(browser, "2026-12-01");
  assert.ok(!(await monthTitlesOn(browser, "2026-12-01")).includes("Planning kickoff"));

  await (await calendarBox("Work")).click();
  await browser.waitUntil(async () => (await monthTitlesOn(browser, "2026-12-01")).includes("Planning kickoff"), {
    timeout: 10_000,
    timeoutMsg: "Work's events did not come back",
  });
});
