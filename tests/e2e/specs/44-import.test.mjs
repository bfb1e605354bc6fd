// Import (issue 19 item 9): an .ics file dropped on the window opens a preview (how many events,
// into which calendar, what is new, updated or skipped); importing stores them through the
// outbox, and they reach the server with the next sync.
//
// WebDriver cannot drop a file from the desktop onto the window, so the spec hands the file's
// path to the same handler Tauri's drop event calls, through the window's documented test hook
// (`almanac:test-drop`, main.ts; listened to only when the shell runs on a pinned clock, as
// under this suite).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launchApp, screenshot, textOf } from "./app.mjs";
import { syncUntil } from "./editing.mjs";
import { eventByUid, instantOf, prop, putEvent, vcalendar } from "./server.mjs";
import { signedIn } from "./session.mjs";

const TRIP = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "trip.ics");

let browser;

/** Drops the trip file (through the test hook), chooses `calendar` in the preview and returns
 * the preview's words once it has them. */
async function dropInto(calendar) {
  await browser.execute((file) => window.dispatchEvent(new CustomEvent("almanac:test-drop", { detail: [file] })), TRIP);
  await browser.waitUntil(async () => (await browser.$$("#import-calendar option")).length > 0, { timeout: 10_000 });
  await browser.execute((name) => {
    const select = document.getElementById("import-calendar");
    const option = [...select.options].find((o) => o.textContent === name);
    if (option && select.value !== option.value) {
      select.value = option.value;
      select.dispatchEvent(new Event("change"));
    }
  }, calendar);
  await browser.waitUntil(async () => /events? into|no events/.test(await textOf(await browser.$(".import-preview"))), { timeout: 10_000 });
  return textOf(await browser.$(".import-preview"));
}

before(async () => {
  browser = await launchApp();
  await signedIn(browser);
  // The dinner is on the server already, at its old time: the file's copy (SEQUENCE 2) updates it.
  await putEvent("home", "e2e-import-dinner.ics", vcalendar({
    uid: "e2e-import-dinner@almanac.test",
    summary: "Dinner with Ana",
    start: "2029-05-16T18:00:00Z",
    end: "2029-05-16T20:00:00Z",
    extra: ["SEQUENCE:1"],
  }));
  await syncUntil(browser, "the dinner in the app", async () => /1 updated/.test(await dropInto("Home")));
});
after(async () => {
  await browser?.deleteSession();
});

test("a dropped .ics file is previewed: how many, into which calendar, new and updated", async () => {
  const dialog = await browser.$("#import-dialog");
  await dialog.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await textOf(await browser.$(".import-file")), "trip.ics");
  const calendar = await browser.execute(() => {
    const select = document.getElementById("import-calendar");
    return select.options[select.selectedIndex].textContent;
  });
  assert.equal(calendar, "Home");
  assert.equal(await textOf(await browser.$(".import-preview")), "3 events into Home: 2 new, 1 updated.");
  await screenshot(browser, "import-preview");
});

test("importing stores the events, and the server gets them", async () => {
  await browser.$("#import-confirm").click();
  await browser.waitUntil(async () => (await textOf(await browser.$(".import-preview"))) === "3 events imported into Home.", {
    timeout: 10_000,
    timeoutMsg: "the dialog did not say what was imported",
  });
  await screenshot(browser, "import-done");
  await browser.$("//dialog[@id='import-dialog']//button[text()='Close']").click();
  await browser.$("#import-dialog").waitForDisplayed({ reverse: true, timeout: 10_000 });
  await syncUntil(browser, "the imported events", async () => {
    const flight = await eventByUid("home", "e2e-import-flight@almanac.test");
    const hotel = await eventByUid("home", "e2e-import-hotel@almanac.test");
    const dinner = await eventByUid("home", "e2e-import-dinner@almanac.test");
    return flight && hotel && dinner && prop(dinner.lines, "SUMMARY") === "Dinner with Ana (new time)";
  });
  const flight = await eventByUid("home", "e2e-import-flight@almanac.test");
  assert.equal(instantOf(flight.lines, "DTSTART"), "2029-05-15T07:00:00Z");
  assert.equal(prop(flight.lines, "LOCATION"), "Terminal 2");
  const hotel = await eventByUid("home", "e2e-import-hotel@almanac.test");
  assert.equal(instantOf(hotel.lines, "DTEND"), "2029-05-18");
});

test("a file that is not a calendar is refused in words", async () => {
  await browser.execute(() => window.dispatchEvent(new CustomEvent("almanac:test-drop", { detail: ["/etc/hostname"] })));
  await browser.waitUntil(async () => /imports calendar files/.test(await browser.execute(() => document.body.textContent)), {
    timeout: 10_000,
    timeoutMsg: "a dropped non-calendar file was not refused in words",
  });
  assert.equal(await browser.$("#import-dialog").isDisplayed(), false);
});
