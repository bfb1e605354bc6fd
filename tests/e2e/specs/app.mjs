// Shared set-up for the real-window specs: one WebDriver session on the built app.
import { remote } from "webdriverio";
import { execFileSync } from "node:child_process";
import path from "node:path";

/** The instant every launch of the app starts its clock at (with-driver.sh pins it, and the
 * emulator's demo data is built around its day): expectations about "today" come from here. */
export const NOW = new Date(process.env.ALMANAC_E2E_NOW);

/** The calendar's title for the month `months` after NOW's (as FullCalendar writes it in en-US). */
export function monthTitle(months = 0) {
  const first = new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth() + months, 1));
  return new Intl.DateTimeFormat("en-US", { month: "long", year: "numeric", timeZone: "UTC" }).format(first);
}

/** NOW moved by `days` and set to `time` (HH:MM:SS, UTC), as an RFC 3339 instant. */
export function dayOf(days, time) {
  const day = new Date(NOW.getTime() + days * 86_400_000).toISOString().slice(0, 10);
  return `${day}T${time}Z`;
}

/** Starts the app through tauri-driver and returns the WebdriverIO browser. */
export async function launchApp() {
  return remote({
    hostname: "127.0.0.1",
    port: Number(process.env.TAURI_DRIVER_PORT),
    logLevel: "warn",
    connectionRetryTimeout: 60_000,
    capabilities: {
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application: process.env.ALMANAC_APP },
    },
  });
}

/**
 * Saves what the X display shows, as a person would see it, into the artifacts directory and
 * returns its path. WebKitWebDriver's own snapshot can return a stale frame or stall under Xvfb,
 * so the picture comes from the X server. The page is asked for two animation frames first, so
 * the last change has been painted.
 */
export async function screenshot(browser, name) {
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
  const file = path.join(process.env.ALMANAC_ARTIFACTS, `${name}.png`);
  execFileSync("/usr/bin/import", ["-window", "root", file]);
  return file;
}

/** An element's text as the DOM holds it. (WebKitWebDriver's getText() can answer "" for flex
 * children and leaves out text it thinks hidden.) */
export async function textOf(element) {
  return (await element.getProperty("textContent")) ?? "";
}

/** Waits until the (first) account says "Up to date". */
export async function waitUpToDate(browser, timeout = 90_000) {
  await browser.waitUntil(async () => (await textOf(await browser.$(".account-state"))) === "Up to date", {
    timeout,
    timeoutMsg: "the account did not come up to date",
  });
}

/** Clicks the first account's "Sync now" in one step inside the page: the sidebar is redrawn
 * whenever the shell reports progress, so an element found first may be gone by the click. */
export async function clickSyncNow(browser) {
  const clicked = await browser.execute(() => {
    const button = document.querySelector(".account .sync-now");
    button?.click();
    return button !== null;
  });
  if (!clicked) throw new Error("the sidebar shows no Sync now button");
}

/** Jumps to a day with the toolbar's "Go to date" dialog. */
export async function goToDay(browser, day) {
  await browser.$(".fc-goto-button").click();
  const field = await browser.$("#goto-date");
  await field.waitForDisplayed({ timeout: 5_000 });
  // A date input takes its value from script reliably on every engine; typing depends on the
  // engine's date widget.
  await browser.execute((value) => {
    document.getElementById("goto-date").value = value;
  }, day);
  await browser.$("#goto-submit").click();
  await browser.$("#goto-dialog").waitForDisplayed({ reverse: true, timeout: 5_000 });
}

/** The calendar's views by the names its toolbar shows, and FullCalendar's names for them. */
export const VIEWS = {
  Year: "multiMonthYear",
  Month: "dayGridMonth",
  Week: "timeGridWeek",
  Day: "timeGridDay",
  Agenda: "listMonth",
};

/** Switches the calendar's view with its toolbar button and waits for it. */
export async function showView(browser, name) {
  const view = VIEWS[name];
  await browser.$(`.fc-${view}-button`).click();
  await browser.$(`.fc-${view}-view`).waitForExist({ timeout: 10_000 });
}

/** The text of every element matching `selector`, in document order. (WebdriverIO 9's
 * element arrays map asynchronously; reading them in the page is simpler and atomic.) */
export async function textsOf(browser, selector) {
  return browser.execute((sel) => [...document.querySelectorAll(sel)].map((el) => el.textContent ?? ""), selector);
}

/**
 * The titles of the events the month or year grid shows on `day` (YYYY-MM-DD): those in the cell,
 * and those behind its "+n more" link, read from the popover that link opens (then closed again).
 */
export async function monthTitlesOn(browser, day) {
  await browser.$(`.fc-daygrid-day[data-date="${day}"]`).waitForExist({ timeout: 10_000 });
  return browser.executeAsync((date, done) => {
    const cell = document.querySelector(`.fc-daygrid-day[data-date="${date}"]`);
    const shown = [...cell.querySelectorAll(".fc-daygrid-event-harness")]
      .filter((harness) => harness.style.visibility !== "hidden")
      .map((harness) => harness.querySelector(".fc-event-title")?.textContent ?? "");
    const more = cell.querySelector(".fc-daygrid-more-link");
    if (!more) return done(shown);
    more.click();
    const started = performance.now();
    const read = () => {
      const popover = document.querySelector(".fc-popover");
      if (!popover && performance.now() - started < 5000) return requestAnimationFrame(read);
      const listed = popover ? [...popover.querySelectorAll(".fc-event-title")].map((t) => t.textContent ?? "") : [];
      popover?.querySelector(".fc-popover-close")?.click();
      done([...new Set([...shown, ...listed])]);
    };
    requestAnimationFrame(read);
  }, day);
}

/** The titles of the timed events in the week or day view's column for `day`. */
export async function columnTitlesOn(browser, day) {
  await browser.$(`.fc-timegrid-col[data-date="${day}"]`).waitForExist({ timeout: 10_000 });
  return textsOf(browser, `.fc-timegrid-col[data-date="${day}"] .fc-event-title`);
}

/** Whether the page scrolls sideways: a title that breaks the layout makes it so. */
export async function overflowsSideways(browser) {
  return browser.execute(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}
