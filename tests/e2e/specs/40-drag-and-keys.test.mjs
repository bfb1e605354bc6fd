// Direct manipulation in the week view (issue 19 items 2, 5, 10): dragging an event moves it,
// dragging its bottom edge makes it longer, Alt+arrows move and Alt+Shift+arrows resize the
// focused event; each change shows at once with the quiet "not yet on the server" mark and the
// sidebar's count, says so in the details, and reaches the server with the next sync. A
// read-only calendar's event cannot be dragged or moved from the keyboard.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { goToDay, launchApp, screenshot, textOf } from "./app.mjs";
import { control } from "./emulator.mjs";
import { drag, focusEvent, placeOf, pressOn, syncUntil, timedEvent, waitForEvent, waitingText, weekWithFixtures } from "./editing.mjs";
import { addDays, eventByUid, instantOf, listEvents, prop, quietTuesday, vevents } from "./server.mjs";

const TUE = quietTuesday(40);
const WED = addDays(TUE, 1);
const THU = addDays(TUE, 2);
const FRI = addDays(TUE, 3);
const FIXTURES = [
  { uid: "e2e-drag@almanac.test", summary: "Drag me", start: `${TUE}T10:00:00Z`, end: `${TUE}T11:00:00Z` },
  { uid: "e2e-stretch@almanac.test", summary: "Stretch me", start: `${TUE}T14:00:00Z`, end: `${TUE}T15:00:00Z` },
  { uid: "e2e-keys@almanac.test", summary: "Keys move me", start: `${THU}T10:00:00Z`, end: `${THU}T11:00:00Z` },
  {
    uid: "e2e-series@almanac.test",
    summary: "Weekly one-to-one",
    start: `${TUE}T16:00:00Z`,
    end: `${TUE}T16:30:00Z`,
    extra: ["RRULE:FREQ=WEEKLY;COUNT=4"],
  },
];

let browser;
before(async () => {
  browser = await launchApp();
  await weekWithFixtures(browser, FIXTURES, TUE, "Keys move me");
});
after(async () => {
  await control("clear-faults", {}).catch(() => {});
  await browser?.deleteSession();
});

/** The server's DTSTART and DTEND of a fixture, as ISO instants. */
async function onServer(uid) {
  const event = await eventByUid("home", uid);
  return event && { start: instantOf(event.lines, "DTSTART"), end: instantOf(event.lines, "DTEND") };
}

/** A 30-minute slot's height and a day column's width in the week view. */
async function grid() {
  return browser.execute(() => ({
    slot: document.querySelector(".fc-timegrid-slot-lane").getBoundingClientRect().height,
    column: document.querySelector(".fc-timegrid-col[data-date]").getBoundingClientRect().width,
  }));
}

test("dragging an event moves it at once, marked until the server has it", async (t) => {
  // The server cannot be reached: the change must show and wait.
  await control("inject", { fault: { kind: "connection-reset" }, scope: { for_millis: 600_000 } });
  t.after(() => control("clear-faults", {}));
  await waitForEvent(browser, "Drag me");
  await (await timedEvent(browser, "Drag me")).scrollIntoView({ block: "center" });
  const before = await placeOf(browser, "Drag me");
  assert.equal(before.day, TUE);
  // Grabbed 8 px below its top (its 10:00 line), let go 8 px below Wednesday's 13:00 line.
  const from = { x: Math.round((before.left + before.right) / 2), y: Math.round(before.top + 8) };
  const to = await browser.execute((day) => {
    const line = document.querySelector('.fc-timegrid-slot-lane[data-time="13:00:00"]').getBoundingClientRect();
    const column = document.querySelector(`.fc-timegrid-col[data-date="${day}"]`).getBoundingClientRect();
    return { x: Math.round(column.left + column.width / 2), y: Math.round(line.top + 8) };
  }, WED);
  await drag(browser, from, to);
  await browser.waitUntil(async () => (await placeOf(browser, "Drag me"))?.day === WED, {
    timeout: 5_000,
    timeoutMsg: "the dragged event is not on Wednesday",
  });
  await browser.waitUntil(async () => (await placeOf(browser, "Drag me")).classes.includes("event-pending"), {
    timeout: 5_000,
    timeoutMsg: "the moved event has no pending mark",
  });
  // Where the window put it (a pointer lands on a 15-minute step near 13:00) is what the server
  // must get.
  const moved = await placeOf(browser, "Drag me");
  const shownStart = moved.occurrence.split("|").at(-1);
  assert.match(shownStart, new RegExp(`^${WED}T1[23]:[0-5][05]:00$`), moved.occurrence);
  const expected = { start: `${shownStart}Z`, end: new Date(Date.parse(`${shownStart}Z`) + 3_600_000).toISOString().replace(".000Z", "Z") };
  assert.match(moved.hover, /not yet on the server/);
  await browser.waitUntil(async () => /^1 change not yet on the server$/.test(await waitingText(browser)), {
    timeout: 10_000,
    timeoutMsg: `the sidebar does not count the change: "${await waitingText(browser)}"`,
  });
  // The details say it too.
  await (await timedEvent(browser, "Drag me")).click();
  await browser.waitUntil(async () => /Not yet on the server/.test(await textOf(await browser.$("#details"))), {
    timeout: 10_000,
    timeoutMsg: "the details do not say the change waits",
  });
  await screenshot(browser, "edit-drag-pending");
  await browser.keys("Escape");
  assert.deepEqual(await onServer("e2e-drag@almanac.test"), { start: `${TUE}T10:00:00Z`, end: `${TUE}T11:00:00Z` });

  await control("clear-faults", {});
  await syncUntil(browser, `the moved event (${expected.start})`, async () => {
    const server = await onServer("e2e-drag@almanac.test");
    return server?.start === expected.start && server.end === expected.end;
  });
  await browser.waitUntil(async () => !(await placeOf(browser, "Drag me"))?.classes.includes("event-pending"), {
    timeout: 20_000,
    timeoutMsg: "the pending mark stayed after the server had the change",
  });
  // The sidebar's count follows the mark with the next overview.
  await browser.waitUntil(async () => (await waitingText(browser)) === "", {
    timeout: 10_000,
    timeoutMsg: "the sidebar still counts a waiting change",
  });
});

test("dragging the bottom edge makes an event longer", async () => {
  const event = await timedEvent(browser, "Stretch me");
  await event.scrollIntoView({ block: "center" });
  await event.moveTo();
  await (await event.$(".fc-event-resizer-end")).waitForExist({ timeout: 5_000 });
  // The handle straddles the bottom edge and the event clips what is outside: grab it 2 px above
  // the edge (its 15:00 line), let go 2 px above the 15:30 line.
  const place = await placeOf(browser, "Stretch me");
  const from = { x: Math.round((place.left + place.right) / 2), y: Math.round(place.bottom - 2) };
  const line = await browser.execute(() => document.querySelector('.fc-timegrid-slot-lane[data-time="15:30:00"]').getBoundingClientRect().top);
  await drag(browser, from, { x: from.x, y: Math.round(line - 2) });
  await syncUntil(browser, "the longer event", async () => {
    const server = await onServer("e2e-stretch@almanac.test");
    return server?.start === `${TUE}T14:00:00Z` && server.end === `${TUE}T15:30:00Z`;
  });
  await screenshot(browser, "edit-resize");
});

test("the keyboard moves and resizes the focused event, shown before any network", async () => {
  await goToDay(browser, THU);
  await waitForEvent(browser, "Keys move me");
  await focusEvent(browser, "Keys move me");
  await browser.keys(["Alt", "ArrowRight"]);
  await browser.waitUntil(async () => (await placeOf(browser, "Keys move me"))?.day === FRI, {
    timeout: 5_000,
    timeoutMsg: "Alt+→ did not move the event to Friday",
  });
  // Focus stays on the event, so the next keys move it further.
  assert.equal(await browser.execute(() => document.activeElement?.querySelector(".fc-event-title")?.textContent), "Keys move me");
  // Local first, measured in the page: from the key to the event drawn at its new time with the
  // pending mark, through move_event (the store) and no network.
  const shown = await browser.executeAsync((done) => {
    const started = performance.now();
    const focused = document.activeElement;
    focused.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", altKey: true, bubbles: true, cancelable: true }));
    const check = () => {
      const el = [...document.querySelectorAll(".fc-timegrid-event")].find((e) => e.querySelector(".fc-event-title")?.textContent === "Keys move me");
      if (el?.dataset.occurrence?.endsWith("T10:15:00") && el.classList.contains("event-pending")) done(performance.now() - started);
      else if (performance.now() - started > 5_000) done(-1);
      else requestAnimationFrame(check);
    };
    check();
  });
  assert.ok(shown >= 0, "the keyboard move was not shown within 5 s");
  console.log(`keyboard move shown with its pending mark after ${shown.toFixed(1)} ms`);
  await pressOn(browser, "Keys move me", ["Alt", "ArrowDown"], ["Alt", "Shift", "ArrowDown"]);
  await syncUntil(browser, "the event moved and resized from the keyboard", async () => {
    const server = await onServer("e2e-keys@almanac.test");
    return server?.start === `${FRI}T10:30:00Z` && server.end === `${FRI}T11:45:00Z`;
  });
  await screenshot(browser, "edit-keyboard");
});

test("moving one occurrence of a repeating event asks the scope, and 'only this event' moves only it", async () => {
  await goToDay(browser, TUE);
  await waitForEvent(browser, "Weekly one-to-one");
  await focusEvent(browser, "Weekly one-to-one");
  await browser.keys(["Alt", "ArrowRight"]);
  const only = await browser.$(".scope-dialog button[data-scope='this']");
  await only.waitForDisplayed({ timeout: 10_000, timeoutMsg: "the scope was not asked" });
  await screenshot(browser, "edit-series-scope");
  await only.click();
  await syncUntil(browser, "the moved occurrence", async () => {
    const object = (await listEvents("home")).find((o) => o.text.includes("UID:e2e-series@almanac.test"));
    const blocks = object ? vevents(object.text) : [];
    const override = blocks.find((lines) => prop(lines, "RECURRENCE-ID") !== undefined);
    const master = blocks.find((lines) => prop(lines, "RECURRENCE-ID") === undefined);
    return override && instantOf(override, "DTSTART") === `${WED}T16:00:00Z` && instantOf(master, "DTSTART") === `${TUE}T16:00:00Z`;
  });
  // The next week's occurrence stays on its Tuesday.
  await goToDay(browser, addDays(TUE, 7));
  await browser.waitUntil(async () => (await placeOf(browser, "Weekly one-to-one"))?.day === addDays(TUE, 7), {
    timeout: 20_000,
    timeoutMsg: "the next occurrence moved too",
  });
});

test("a read-only calendar's event offers no drag and stays put", async () => {
  await goToDay(browser, "2026-12-24");
  const allDay = ".fc-daygrid-day[data-date='2026-12-24'] .fc-event";
  await browser.waitUntil(async () => {
    for (const e of await browser.$$(allDay)) if ((await textOf(e)).includes("Christmas Eve")) return true;
    return false;
  }, { timeout: 20_000, timeoutMsg: "Christmas Eve is not in the all-day row" });
  const place = await browser.execute(() => {
    const el = [...document.querySelectorAll(".fc-daygrid-event")].find((e) => e.textContent.includes("Christmas Eve"));
    const r = el.getBoundingClientRect();
    return { draggable: el.classList.contains("fc-event-draggable"), resizable: el.classList.contains("fc-event-resizable"), x: Math.round(r.left + 10), y: Math.round(r.top + r.height / 2), hover: el.title };
  });
  assert.equal(place.draggable, false, "a read-only event is draggable");
  assert.equal(place.resizable, false, "a read-only event is resizable");
  const { column } = await grid();
  await drag(browser, place, { x: Math.round(place.x + column), y: place.y });
  await browser.execute(() => {
    const el = [...document.querySelectorAll(".fc-daygrid-event")].find((e) => e.textContent.includes("Christmas Eve"));
    el.focus();
  });
  await browser.keys(["Alt", "ArrowRight"]);
  const still = await browser.execute(() =>
    [...document.querySelectorAll(".fc-daygrid-day[data-date='2026-12-24'] .fc-event")].some((e) => e.textContent.includes("Christmas Eve")),
  );
  assert.ok(still, "the read-only event moved");
  assert.equal(await waitingText(browser), "", "a change to a read-only calendar was queued");
  await screenshot(browser, "edit-read-only");
  const objects = await listEvents("a3f1c9e07b2d4e6f8a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f");
  const eve = objects.flatMap((o) => vevents(o.text)).find((lines) => prop(lines, "SUMMARY") === "Christmas Eve");
  assert.equal(instantOf(eve, "DTSTART"), "2026-12-24");
});
