// The calendar views over the demo account (signed in again: 05 removed it): known days of
// December 2026 show their events at the right time, a moved occurrence appears once on its new
// day, all-day events sit on their date, every view renders (a screenshot each), and the keyboard
// drives it all with visible focus.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  columnTitlesOn,
  goToDay,
  launchApp,
  monthTitle,
  monthTitlesOn,
  NOW,
  overflowsSideways,
  screenshot,
  showView,
  textOf,
  textsOf,
} from "./app.mjs";
import { control, emulator } from "./emulator.mjs";
import { signedIn } from "./session.mjs";

let browser;
before(async () => {
  browser = await launchApp();
});
after(async () => {
  await browser?.deleteSession();
});

const HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>";
const RTL = "اجتماع الفريق الأسبوعي";

async function title() {
  return textOf(await browser.$(".fc-toolbar-title"));
}

async function waitFor(what, check, timeout = 20_000) {
  await browser.waitUntil(check, { timeout, timeoutMsg: what });
}

test("the first sync shows each calendar's progress in words and as a bar", async () => {
  // 05 removed the account: sign in again, against a slow server, so the first sync can be seen.
  await browser.$("#signin-overlay").waitForDisplayed({ timeout: 20_000 });
  const { password } = await control("passwords", {});
  await browser.$("#apple-id").setValue(emulator.apple_id);
  await browser.$("#app-password").setValue(password);
  await control("inject", { fault: { kind: "slow", millis: 700 }, scope: { for_millis: 12_000 } });
  await browser.$("#signin-submit").click();
  await browser.$(".calendar-progress").waitForDisplayed({ timeout: 30_000, timeoutMsg: "no calendar showed its progress" });
  assert.match(await textOf(await browser.$(".calendar-progress .progress-text")), /^\d+ \/ \d+$/);
  assert.match(await textOf(await browser.$(".account-state")), /^Syncing/);
  assert.match(
    await browser.$(".calendar-progress progress").getAttribute("aria-label"),
    /: \d+ of \d+ events fetched$/,
  );
  await screenshot(browser, "first-sync-progress");
  await signedIn(browser);
  assert.equal((await browser.$$(".calendar-progress")).length, 0, "progress stays after the sync");
  await control("clear-faults", {});
});

/** The month grid's days marked as today, and the one that should be: the pinned clock's day in
 * the app's zone (this machine's, as Node's), where the grid shows it. */
async function todayMarks() {
  const { marked, shown } = await browser.execute(() => ({
    marked: [...document.querySelectorAll(".fc-daygrid-day.fc-day-today")].map((cell) => cell.getAttribute("data-date")),
    shown: [...document.querySelectorAll(".fc-daygrid-day")].map((cell) => cell.getAttribute("data-date")),
  }));
  const today = NOW.toLocaleDateString("en-CA");
  return { marked, expected: shown.includes(today) ? [today] : [] };
}

test("the month view shows the known events of 1 December 2026", async () => {
  await showView(browser, "Month");
  await goToDay(browser, "2026-12-01");
  await waitFor("December 2026 is not shown", async () => (await title()).includes("December 2026"));
  await waitFor("Planning kickoff is not on 1 December", async () =>
    (await monthTitlesOn(browser, "2026-12-01")).includes("Planning kickoff"),
  );
  const titles = await monthTitlesOn(browser, "2026-12-01");
  assert.ok(titles.includes("Design review"), `1 December shows ${JSON.stringify(titles)}`);
  // Colour is not the only sign of an event's calendar: it says so when pointed at.
  const tips = await browser.execute(() => [...document.querySelectorAll(".fc-event[title]")].map((e) => e.title));
  assert.ok(tips.includes("Planning kickoff (Work)"), JSON.stringify(tips.slice(0, 5)));
  assert.ok(!(await monthTitlesOn(browser, "2026-12-02")).includes("Planning kickoff"), "only on its day");
  // The grid the window opened with marks the pinned clock's day, not this machine's.
  const marks = await todayMarks();
  assert.deepEqual(marks.marked, marks.expected, "the day marked as today");
  await screenshot(browser, "view-month");
});

test("a timed event is shown at its time in the display zone", async () => {
  // 10:00 in Europe/Berlin is 09:00 on this machine's clock (UTC).
  await showView(browser, "Day");
  await goToDay(browser, "2026-12-01");
  await waitFor("the day view has no Planning kickoff", async () =>
    (await columnTitlesOn(browser, "2026-12-01")).includes("Planning kickoff"),
  );
  const events = await browser.$$(".fc-timegrid-event");
  let time = "";
  for (const event of events) {
    if ((await textOf(await event.$(".fc-event-title"))) === "Planning kickoff") time = await textOf(await event.$(".fc-event-time"));
  }
  // "9 AM" on a 12-hour clock (a whole hour drops its ":00", in every view), "09:00" on a 24-hour one.
  assert.match(time, /^(9 AM|0?9[:.]00)\b/, `Planning kickoff shows "${time}"`);
});

test("a recurring event's moved occurrence appears once, on its new day", async () => {
  await showView(browser, "Week");
  await goToDay(browser, "2026-12-17");
  await waitFor("the moved occurrence is not on 18 December", async () =>
    (await columnTitlesOn(browser, "2026-12-18")).includes("Design review (moved)"),
  );
  const all = await textsOf(browser, ".fc-timegrid-event .fc-event-title");
  assert.equal(all.filter((t) => t === "Design review (moved)").length, 1, "the moved occurrence is shown once");
  const thursday = await columnTitlesOn(browser, "2026-12-17");
  assert.ok(!thursday.some((t) => t.startsWith("Design review")), `17 December still shows ${JSON.stringify(thursday)}`);
  assert.ok((await columnTitlesOn(browser, "2026-12-15")).includes("Design review"), "the series goes on");
  await screenshot(browser, "view-week");
});

test("all-day events sit on their date", async () => {
  await showView(browser, "Month");
  await goToDay(browser, "2026-12-24");
  await waitFor("Christmas Eve is not on 24 December", async () =>
    (await monthTitlesOn(browser, "2026-12-24")).includes("Christmas Eve"),
  );
  assert.ok((await monthTitlesOn(browser, "2026-12-25")).includes("Christmas Day"));
  assert.ok((await monthTitlesOn(browser, "2026-12-31")).includes("New Year's Eve"));
  for (const day of ["2026-12-23", "2026-12-25"]) {
    assert.ok(!(await monthTitlesOn(browser, day)).includes("Christmas Eve"), `Christmas Eve also on ${day}`);
  }
});

test("hostile, very long and right-to-left titles stay inert text inside the day", async () => {
  await showView(browser, "Day");
  await goToDay(browser, "2026-12-03");
  await waitFor("the hostile events are not on 3 December", async () => {
    const titles = await columnTitlesOn(browser, "2026-12-03");
    return titles.includes(HOSTILE) && titles.includes(RTL) && titles.some((t) => t.length > 500);
  });
  const injected = await browser.execute(() => ({
    scripts: [...document.querySelectorAll("script")].filter((s) => !s.src).length,
    images: document.querySelectorAll("#calendar img, #calendar iframe").length,
  }));
  assert.deepEqual(injected, { scripts: 0, images: 0 });
  assert.equal(await overflowsSideways(browser), false, "a title widened the page");
  await screenshot(browser, "view-day-hostile");
});

test("the agenda lists the month, long titles wrapped", async () => {
  await goToDay(browser, "2026-12-03");
  await showView(browser, "Agenda");
  await waitFor("the agenda lists no Planning kickoff", async () =>
    (await textsOf(browser, ".fc-list-event-title")).includes("Planning kickoff"),
  );
  const titles = await textsOf(browser, ".fc-list-event-title");
  for (const expected of ["Christmas Eve", "Design review (moved)", HOSTILE, RTL]) {
    assert.ok(titles.includes(expected), `the agenda lacks ${expected}`);
  }
  assert.equal(await overflowsSideways(browser), false, "a title widened the agenda");
  await screenshot(browser, "view-agenda");
});

test("the year view shows twelve months with their events", async () => {
  await showView(browser, "Year");
  await waitFor("the year view has no months", async () => (await browser.$$(".fc-multimonth-month")).length === 12);
  assert.match(await title(), /2026/);
  await waitFor("Christmas Eve is not in the year view", async () =>
    (await monthTitlesOn(browser, "2026-12-24")).includes("Christmas Eve"),
  );
  await screenshot(browser, "view-year");
});

test("the keyboard switches views, pages, and finds today", async () => {
  await browser.execute(() => document.activeElement?.blur());
  const steps = [
    ["m", ".fc-dayGridMonth-view"],
    ["w", ".fc-timeGridWeek-view"],
    ["d", ".fc-timeGridDay-view"],
    ["a", ".fc-listMonth-view"],
    ["y", ".fc-multiMonthYear-view"],
    ["m", ".fc-dayGridMonth-view"],
  ];
  for (const [key, view] of steps) {
    await browser.keys(key);
    await browser.$(view).waitForExist({ timeout: 5_000, timeoutMsg: `"${key}" did not show ${view}` });
  }
  // Today is the pinned clock's (with-driver.sh), not the machine's.
  const [thisMonth, nextMonth] = [monthTitle(0), monthTitle(1)];
  await browser.keys("t");
  await waitFor(`t did not go to ${thisMonth}`, async () => (await title()).includes(thisMonth), 5_000);
  const marks = await todayMarks();
  assert.deepEqual(marks.marked, marks.expected);
  await browser.keys("j");
  await waitFor(`j did not go to ${nextMonth}`, async () => (await title()).includes(nextMonth), 5_000);
  await browser.keys("ArrowLeft");
  await waitFor("← did not go back", async () => (await title()).includes(thisMonth), 5_000);
  await browser.keys("ArrowRight");
  await waitFor("→ did not go on", async () => (await title()).includes(nextMonth), 5_000);
  await browser.keys("k");
  await waitFor("k did not go back", async () => (await title()).includes(thisMonth), 5_000);

  await browser.keys("?");
  await browser.$("#help-dialog").waitForDisplayed({ timeout: 5_000 });
  assert.match(await textOf(await browser.$("#help-list")), /Go to a date/);
  await screenshot(browser, "help");
  await browser.keys("Escape");
  await browser.$("#help-dialog").waitForDisplayed({ reverse: true, timeout: 5_000 });

  await browser.keys("g");
  await browser.$("#goto-dialog").waitForDisplayed({ timeout: 5_000 });
  await screenshot(browser, "go-to-date");
  await browser.keys("Escape");
  await browser.$("#goto-dialog").waitForDisplayed({ reverse: true, timeout: 5_000 });

  await browser.keys("/");
  assert.equal(await browser.execute(() => document.activeElement?.id), "search-input");
});

test("every control on the way is reachable by Tab and shows its focus", async () => {
  // From the search field, through the sidebar and into the calendar's toolbar.
  const seen = [];
  for (let i = 0; i < 40; i++) {
    await browser.keys("Tab");
    const focus = await browser.execute(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return {
        label: el.getAttribute("aria-label") || el.textContent?.trim().slice(0, 30) || el.tagName,
        classes: String(el.className),
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
      };
    });
    if (!focus) continue;
    seen.push(focus);
    if (focus.classes.includes("fc-next-button")) break;
  }
  const labels = seen.map((f) => f.label);
  for (const expected of ["Sync now", "Settings", "Keyboard shortcuts"]) {
    assert.ok(labels.some((l) => l.includes(expected)), `Tab never reached ${expected}: ${JSON.stringify(labels)}`);
  }
  assert.ok(seen.some((f) => f.classes.includes("fc-next-button")), `Tab never reached the calendar's toolbar: ${JSON.stringify(labels)}`);
  const hidden = seen.filter((f) => !f.outline).map((f) => f.label);
  assert.deepEqual(hidden, [], "focus without a visible outline");
});
