// Room to work (issue 19 item 11): in the week view with the details panel open, at a 1,200 px
// window and again at 1,024 px, titles break between words (never inside one) or end in "…",
// a 15-minute event keeps its title beside its time, the day columns stay readable (the panel
// floats over the grid rather than squeezing it), and the toolbar stays on one line. Times read
// the same way on the axis, on events and in the month. Measured by geometry in the page.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { goToDay, launchApp, screenshot, showView, textOf } from "./app.mjs";
import { timedEvent, waitForEvent, weekWithFixtures } from "./editing.mjs";
import { addDays, quietTuesday } from "./server.mjs";

const TUE = quietTuesday(54);
const MON = addDays(TUE, -1);
const LONG_WORD = "Interdisciplinaryworkinggroupsession";
const FIXTURES = [
  ...[0, 1, 2, 3, 4].map((i) => ({
    uid: `e2e-standup-${String(i)}@almanac.test`,
    summary: "Team standup",
    start: `${addDays(MON, i)}T09:30:00Z`,
    end: `${addDays(MON, i)}T09:45:00Z`,
  })),
  { uid: "e2e-review@almanac.test", summary: "Quarterly business review with the design team", start: `${TUE}T10:00:00Z`, end: `${TUE}T11:30:00Z` },
  { uid: "e2e-word@almanac.test", summary: LONG_WORD, start: `${addDays(TUE, 1)}T13:00:00Z`, end: `${addDays(TUE, 1)}T14:00:00Z` },
  { uid: "e2e-lunch@almanac.test", summary: "Lunch with Sam and the new designers", start: `${addDays(TUE, 2)}T12:00:00Z`, end: `${addDays(TUE, 2)}T13:00:00Z` },
  { uid: "e2e-dentist@almanac.test", summary: "Dentist appointment", start: `${addDays(TUE, 2)}T12:15:00Z`, end: `${addDays(TUE, 2)}T13:00:00Z` },
  { uid: "e2e-evening@almanac.test", summary: "Dinner", start: `${addDays(TUE, 1)}T20:15:00Z`, end: `${addDays(TUE, 1)}T21:30:00Z` },
];

let browser;
before(async () => {
  browser = await launchApp();
  await weekWithFixtures(browser, FIXTURES, TUE, LONG_WORD);
});
after(async () => {
  await resize(1200, 800).catch(() => {});
  await browser?.deleteSession();
});

/** Resizes the app's window (the X window, as a person's window manager would). */
async function resize(width, height) {
  const ids = execFileSync("/usr/bin/xdotool", ["search", "--name", "^Almanac$"], { encoding: "utf8" }).trim().split("\n");
  for (const id of ids) execFileSync("/usr/bin/xdotool", ["windowsize", id, String(width), String(height)]);
  await browser.waitUntil(async () => (await browser.execute(() => window.innerWidth)) === width, {
    timeout: 10_000,
    timeoutMsg: `the window did not become ${width} px wide`,
  });
}

/** What the page's geometry says about readability, measured where a person would look. */
async function measure() {
  return browser.execute(() => {
    // A word broken across lines has its letters on two line boxes.
    const broken = [];
    for (const title of document.querySelectorAll(".fc-timegrid-event .fc-event-title")) {
      const walker = document.createTreeWalker(title, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of node.textContent.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (tops.size > 1) broken.push(match[0]);
        }
      }
    }
    const toolbar = document.querySelector(".fc-header-toolbar");
    const buttons = [...toolbar.querySelectorAll(".fc-button, .fc-toolbar-title")].map((el) => el.getBoundingClientRect());
    const columns = [...document.querySelectorAll(".fc-timegrid-col[data-date]")].map((el) => el.getBoundingClientRect().width);
    const standup = [...document.querySelectorAll(".fc-timegrid-event")].find((el) => el.querySelector(".fc-event-title")?.textContent === "Team standup");
    const time = standup?.querySelector(".fc-event-time")?.getBoundingClientRect();
    const title = standup?.querySelector(".fc-event-title")?.getBoundingClientRect();
    const panel = document.getElementById("details");
    return {
      broken,
      toolbarHeight: toolbar.getBoundingClientRect().height,
      buttonHeight: Math.max(...buttons.map((b) => b.height)),
      tops: buttons.map((b) => Math.round(b.top + b.height / 2)),
      narrowest: Math.min(...columns),
      standup: standup && { titleWidth: title.width, sameLine: Math.abs(title.top - time.top) < 4, text: standup.textContent },
      panelOpen: !panel.hidden && panel.getBoundingClientRect().width > 0,
      sideways: document.documentElement.scrollWidth > window.innerWidth + 1,
    };
  });
}

function assertReadable(m, width) {
  assert.deepEqual(m.broken, [], `at ${width} px these words break inside: ${m.broken.join(", ")}`);
  assert.ok(m.toolbarHeight < m.buttonHeight * 1.6, `at ${width} px the toolbar is ${m.toolbarHeight} px high (buttons ${m.buttonHeight} px): two lines`);
  assert.ok(Math.max(...m.tops) - Math.min(...m.tops) <= 4, `at ${width} px the toolbar's items are not on one line: ${m.tops.join()}`);
  assert.ok(m.narrowest >= 95, `at ${width} px a day column is ${m.narrowest} px wide`);
  assert.ok(m.standup, "the 15-minute standup is shown");
  assert.ok(m.standup.sameLine && m.standup.titleWidth >= 30, `at ${width} px the 15-minute event's title: ${JSON.stringify(m.standup)}`);
  assert.equal(m.sideways, false);
}

test("at 1,200 px with the details panel open, titles and the grid stay readable", async () => {
  assert.equal(await browser.execute(() => window.innerWidth), 1200);
  await waitForEvent(browser, "Quarterly business review with the design team");
  await (await timedEvent(browser, "Quarterly business review with the design team")).click();
  await browser.waitUntil(async () => (await textOf(await browser.$("#details .details-title"))).startsWith("Quarterly business review"), {
    timeout: 10_000,
  });
  await (await timedEvent(browser, "Team standup")).scrollIntoView({ block: "center" });
  const m = await measure();
  assert.ok(m.panelOpen);
  assertReadable(m, 1200);
  await screenshot(browser, "room-week-1200");
});

test("at 1,024 px too, and the toolbar stays on one line", async () => {
  await resize(1024, 768);
  const m = await measure();
  assert.ok(m.panelOpen);
  assertReadable(m, 1024);
  await screenshot(browser, "room-week-1024");
  for (const view of ["Month", "Day", "Agenda"]) {
    await showView(browser, view);
    const tops = await browser.execute(() =>
      [...document.querySelectorAll(".fc-header-toolbar .fc-button, .fc-header-toolbar .fc-toolbar-title")].map((el) => {
        const box = el.getBoundingClientRect();
        return Math.round(box.top + box.height / 2);
      }),
    );
    assert.ok(Math.max(...tops) - Math.min(...tops) <= 4, `${view}: the toolbar is not on one line (${tops.join()})`);
  }
  await showView(browser, "Week");
});

test("times read the same way on the axis, on events and in the month", async () => {
  await browser.keys("Escape");
  const week = await browser.execute(() => ({
    axis: document.querySelector(".fc-timegrid-slot-label[data-time='09:00:00'] .fc-timegrid-slot-label-cushion")?.textContent,
    standup: [...document.querySelectorAll(".fc-timegrid-event")].find((el) => el.textContent.includes("Team standup"))?.querySelector(".fc-event-time")?.textContent,
    dinner: [...document.querySelectorAll(".fc-timegrid-event")].find((el) => el.textContent.includes("Dinner"))?.querySelector(".fc-event-time")?.textContent,
  }));
  await showView(browser, "Month");
  await goToDay(browser, TUE);
  const month = await browser.execute(() =>
    [...document.querySelectorAll(".fc-daygrid-event")].find((el) => el.textContent.includes("Dinner"))?.querySelector(".fc-event-time")?.textContent,
  );
  await screenshot(browser, "room-month-times");
  // One formatter: a whole hour without ":00", minutes otherwise, and the same AM/PM everywhere.
  assert.equal(week.axis, "9 AM");
  assert.equal(week.standup, "9:30 AM");
  assert.equal(week.dinner, "8:15 PM");
  assert.equal(month, "8:15 PM");
  await showView(browser, "Week");
});
