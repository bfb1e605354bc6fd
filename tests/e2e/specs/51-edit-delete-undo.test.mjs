// Changing and deleting events in the window (issue 19 items 1, 3, 4): the details panel's Edit
// opens the full editor filled with the event; Delete (the key) deletes the selected event; the
// toast's Undo and Ctrl+Z put back the last change; a repeating event asks once which
// occurrences a change is for, and "This and following" splits the series on the server.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { goToDay, launchApp, screenshot, textOf } from "./app.mjs";
import { syncUntil, timedEvent, waitForEvent, weekWithFixtures } from "./editing.mjs";
import { addDays, eventByUid, instantOf, listEvents, prop, quietTuesday, vevents } from "./server.mjs";

const TUE = quietTuesday(52);
const SINGLE = { uid: "e2e-edit@almanac.test", summary: "Quarterly planning", start: `${TUE}T10:00:00Z`, end: `${TUE}T11:00:00Z` };
const SERIES = {
  uid: "e2e-editor-series@almanac.test",
  summary: "Weekly sync",
  start: `${TUE}T15:00:00Z`,
  end: `${TUE}T15:30:00Z`,
  extra: ["RRULE:FREQ=WEEKLY;COUNT=6"],
};

let browser;
before(async () => {
  browser = await launchApp();
  await weekWithFixtures(browser, [SINGLE, SERIES], TUE, "Weekly sync");
  await waitForEvent(browser, "Quarterly planning");
});
after(async () => {
  await browser?.deleteSession();
});

async function toastSays(words) {
  await browser.waitUntil(async () => (await textOf(await browser.$(".toast-line"))) === words, {
    timeout: 10_000,
    timeoutMsg: `the toast does not say "${words}" but "${await textOf(await browser.$(".toast-line"))}"`,
  });
}

async function shown(title) {
  return browser.execute((t) => [...document.querySelectorAll(".fc-event-title")].some((el) => el.textContent === t), title);
}

async function openDetails(title) {
  await (await timedEvent(browser, title)).click();
  await browser.waitUntil(async () => (await textOf(await browser.$("#details .details-title"))) === title, {
    timeout: 10_000,
    timeoutMsg: `the details of ${title} did not open`,
  });
}

test("Edit opens the full editor filled with the event; a changed field reaches the server", async () => {
  await openDetails("Quarterly planning");
  await browser.$("#details .details-edit").click();
  await browser.$("dialog.editor-dialog").waitForDisplayed({ timeout: 5_000 });
  assert.equal(await browser.$("#editor-title").getValue(), "Quarterly planning");
  assert.equal(await browser.$("#editor-start-day").getValue(), TUE);
  assert.equal(await browser.$("#editor-start-time").getValue(), "10:00");
  assert.equal(await browser.$("#editor-end-time").getValue(), "11:00");
  await browser.$("#editor-location").setValue("Room 4");
  await screenshot(browser, "editor-edit");
  await browser.keys("Enter");
  await browser.$("dialog.editor-dialog").waitForDisplayed({ reverse: true, timeout: 5_000 });
  await toastSays("Event changed.");
  await syncUntil(browser, "the new location", async () => prop((await eventByUid("home", SINGLE.uid))?.lines ?? [], "LOCATION") === "Room 4");
  const event = await eventByUid("home", SINGLE.uid);
  // Only what was changed changed.
  assert.equal(prop(event.lines, "SUMMARY"), "Quarterly planning");
  assert.equal(instantOf(event.lines, "DTSTART"), SINGLE.start);
});

test("Delete on the selected event deletes it; Ctrl+Z puts it back", async () => {
  await browser.keys("Escape");
  await browser.$("#details").waitForDisplayed({ reverse: true, timeout: 5_000 });
  // Escape gave focus back to the event: it is the selected one.
  const focused = await browser.execute(() => document.activeElement?.querySelector(".fc-event-title")?.textContent ?? "");
  assert.equal(focused, "Quarterly planning");
  await browser.keys("Delete");
  await toastSays("Event deleted.");
  await browser.waitUntil(async () => !(await shown("Quarterly planning")), { timeout: 5_000, timeoutMsg: "the deleted event is still shown" });
  await screenshot(browser, "editor-deleted-toast");
  await syncUntil(browser, "the deletion", async () => (await eventByUid("home", SINGLE.uid)) === undefined);

  await browser.keys(["Control", "z"]);
  await toastSays("Undone.");
  await waitForEvent(browser, "Quarterly planning", 5_000);
  await syncUntil(browser, "the event back", async () => (await eventByUid("home", SINGLE.uid)) !== undefined);
  const back = await eventByUid("home", SINGLE.uid);
  assert.equal(prop(back.lines, "LOCATION"), "Room 4");
});

test("the toast's Undo puts back an edit", async () => {
  await openDetails("Quarterly planning");
  await browser.$("#details .details-edit").click();
  await browser.$("dialog.editor-dialog").waitForDisplayed({ timeout: 5_000 });
  await browser.$("#editor-title").setValue("Quarterly planning (draft)");
  await browser.$(".editor-save").click();
  await toastSays("Event changed.");
  await waitForEvent(browser, "Quarterly planning (draft)", 5_000);
  await browser.$(".toast-undo").click();
  await toastSays("Undone.");
  await waitForEvent(browser, "Quarterly planning", 5_000);
  await syncUntil(browser, "the old title", async () => prop((await eventByUid("home", SINGLE.uid))?.lines ?? [], "SUMMARY") === "Quarterly planning");
});

test("a repeating event asks once; 'This and following' splits the series on the server", async () => {
  await browser.keys("Escape");
  const third = addDays(TUE, 14);
  await goToDay(browser, third);
  await waitForEvent(browser, "Weekly sync");
  await openDetails("Weekly sync");
  await browser.$("#details .details-edit").click();
  await browser.$("dialog.editor-dialog").waitForDisplayed({ timeout: 5_000 });
  assert.equal(await browser.$("#editor-start-day").getValue(), third);
  await browser.$("#editor-title").setValue("Weekly sync (new room)");
  await browser.$(".editor-save").click();
  const question = await browser.$("dialog.scope-dialog");
  await question.waitForDisplayed({ timeout: 5_000 });
  const choices = await browser.execute(() => [...document.querySelectorAll(".scope-choices button")].filter((b) => !b.hidden).map((b) => b.textContent));
  assert.deepEqual(choices, ["Only this event", "This and following events", "All events"]);
  await screenshot(browser, "editor-scope-question");
  await browser.$("[data-scope='following']").click();
  await question.waitForDisplayed({ reverse: true, timeout: 5_000 });
  await toastSays("Event changed.");
  await waitForEvent(browser, "Weekly sync (new room)", 5_000);
  await syncUntil(browser, "the split series", async () =>
    (await listEvents("home")).some((o) => vevents(o.text).some((lines) => prop(lines, "SUMMARY") === "Weekly sync (new room)")),
  );
  const objects = await listEvents("home");
  const newer = objects.flatMap((o) => vevents(o.text)).find((lines) => prop(lines, "SUMMARY") === "Weekly sync (new room)");
  assert.equal(instantOf(newer, "DTSTART"), `${third}T15:00:00Z`);
  assert.match(prop(newer, "RRULE") ?? "", /FREQ=WEEKLY/);
  // The original ends before the third week.
  const original = await eventByUid("home", SERIES.uid);
  assert.equal(prop(original.lines, "SUMMARY"), "Weekly sync");
  const rule = prop(original.lines, "RRULE") ?? "";
  // Its last occurrence is the second week's: UNTIL before the third's start, or COUNT=2.
  const until = rule.match(/UNTIL=(\d{8}(?:T\d{6}Z?)?)/)?.[1];
  const count = rule.match(/COUNT=(\d+)/)?.[1];
  assert.ok((until && until < `${third.replaceAll("-", "")}T150000Z` && until >= addDays(TUE, 7).replaceAll("-", "")) || count === "2", `the original's rule: ${rule}`);
});
