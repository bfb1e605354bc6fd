// The window's side of the editing specs: finding an event's element, dragging with a real
// pointer (WebDriver actions), and syncing until the server holds what a check wants.
import { goToDay, showView, textOf } from "./app.mjs";
import { putEvent, vcalendar } from "./server.mjs";
import { signedIn } from "./session.mjs";

/** The element of the event titled `title` in the week or day view (the first, if several). */
export async function timedEvent(browser, title) {
  for (const event of await browser.$$(".fc-timegrid-event")) {
    if ((await textOf(await event.$(".fc-event-title"))) === title) return event;
  }
  throw new Error(`no timed event titled ${title}`);
}

/** Waits until the week or day view shows an event titled `title`. */
export async function waitForEvent(browser, title, timeout = 30_000) {
  await browser.waitUntil(
    async () => (await browser.execute((t) => [...document.querySelectorAll(".fc-event-title")].some((el) => el.textContent === t), title)),
    { timeout, timeoutMsg: `${title} is not shown` },
  );
}

/** Where an event's element is: its occurrence key's start, day column, classes and box. */
export async function placeOf(browser, title) {
  return browser.execute((t) => {
    const title = [...document.querySelectorAll(".fc-timegrid-event .fc-event-title, .fc-daygrid-event .fc-event-title")].find((el) => el.textContent === t);
    const event = title?.closest(".fc-event");
    if (!event) return null;
    const box = event.getBoundingClientRect();
    return {
      occurrence: event.dataset.occurrence,
      day: event.closest("[data-date]")?.dataset.date ?? null,
      classes: [...event.classList],
      hover: event.title,
      top: box.top,
      bottom: box.bottom,
      left: box.left,
      right: box.right,
    };
  }, title);
}

/** The viewport point of `time` (HH:MM:SS) in the week view's column for `day`: its slot's top
 * edge, a little inside, in the column's middle. The slot is scrolled into view first. */
export async function slotPoint(browser, day, time) {
  return browser.execute(
    (d, t) => {
      const lane = document.querySelector(`.fc-timegrid-slot-lane[data-time="${t}"]`);
      const column = document.querySelector(`.fc-timegrid-col[data-date="${d}"]`);
      lane.scrollIntoView({ block: "center" });
      const row = lane.getBoundingClientRect();
      const col = column.getBoundingClientRect();
      return { x: Math.round(col.left + col.width / 2), y: Math.round(row.top + 3) };
    },
    day,
    time,
  );
}

/** Presses the mouse at `from`, moves in steps to `to` and lets go, as a person drags. */
export async function drag(browser, from, to) {
  await browser
    .action("pointer", { parameters: { pointerType: "mouse" } })
    .move({ x: from.x, y: from.y, origin: "viewport" })
    .down({ button: 0 })
    .pause(150)
    .move({ x: Math.round((from.x + to.x) / 2), y: Math.round((from.y + to.y) / 2), duration: 250, origin: "viewport" })
    .move({ x: to.x, y: to.y, duration: 250, origin: "viewport" })
    .pause(150)
    .up({ button: 0 })
    .perform();
}

/** Clicks "Sync now" every few seconds until `check()` (on the server) is true. */
export async function syncUntil(browser, what, check, timeout = 90_000) {
  let last = 0;
  await browser.waitUntil(
    async () => {
      if (await check()) return true;
      if (Date.now() - last > 5_000) {
        last = Date.now();
        await browser.execute(() => document.querySelector(".account .sync-now")?.click());
      }
      return false;
    },
    { timeout, interval: 500, timeoutMsg: `the server never had ${what}` },
  );
}

/** The sidebar's count of changes not yet on the server, in words ("" when none). */
export async function waitingText(browser) {
  return browser.execute(() => document.querySelector(".account-changes .changes-waiting")?.textContent ?? "");
}

/** Gives the keyboard focus to the event titled `title` (found in the page, so a redraw between
 * finding and focusing cannot leave a stale element). */
export async function focusEvent(browser, title) {
  await browser.waitUntil(
    async () =>
      browser.execute((t) => {
        const event = [...document.querySelectorAll(".fc-event")].find((e) => e.querySelector(".fc-event-title")?.textContent === t);
        event?.focus();
        return document.activeElement === event && event !== undefined;
      }, title),
    { timeout: 10_000, timeoutMsg: `${title} could not be focused` },
  );
}

/** Focuses the event titled `title` and presses `chords` (Alt+… key chords) as a person does:
 * each once the event shows the last one's result and has the focus again. */
export async function pressOn(browser, title, ...chords) {
  await focusEvent(browser, title);
  for (const chord of chords) {
    const before = JSON.stringify(await placeOf(browser, title));
    await browser.keys(chord);
    await browser.waitUntil(
      async () =>
        JSON.stringify(await placeOf(browser, title)) !== before &&
        (await browser.execute((t) => document.activeElement?.querySelector(".fc-event-title")?.textContent === t, title)),
      { timeout: 10_000, timeoutMsg: `${title} did not follow ${chord.join("+")}` },
    );
  }
}

/**
 * The editing specs' start: signs in, puts `fixtures` on the home calendar as another device
 * would, shows the week of `day`, and syncs until the window draws the event titled `title`.
 */
export async function weekWithFixtures(browser, fixtures, day, title) {
  await signedIn(browser);
  for (const f of fixtures) await putEvent("home", `${f.uid}.ics`, vcalendar(f));
  await showView(browser, "Week");
  await goToDay(browser, day);
  await syncUntil(browser, "the fixtures in the window", async () =>
    browser.execute((t) => [...document.querySelectorAll(".fc-event-title")].some((el) => el.textContent === t), title),
  );
}
