// Life in the background: event alarms become desktop notifications at their time (seen on
// D-Bus under dunst), alarms missed while Almanac was closed become one summary, a restart
// repeats nothing, closing the window keeps Almanac running, and a second launch shows it.
// The app's clock is moved with ALMANAC_CLOCK_FILE, so no test waits for a real date.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { dayOf, launchApp, screenshot } from "./app.mjs";
import { control, emulator } from "./emulator.mjs";

let browser;
let password;

function notificationsAbout(text) {
  return readFileSync(process.env.ALMANAC_NOTIFICATIONS, "utf8").split(text).length - 1;
}

/** How many alarm rounds the app logged at start, over every launch so far. */
function startRounds() {
  const dir = path.join(process.env.XDG_DATA_HOME, "app.almanac.desktop", "logs");
  return readdirSync(dir)
    .map((f) => readFileSync(path.join(dir, f), "utf8"))
    .join("")
    .split("\n")
    .filter((l) => l.includes("alarm round") && l.includes("first=true")).length;
}

// Shape: an event with Apple Calendar's relative display alert (icloud-caldav.md, Alarms).
function eventWithAlarm(uid, summary, start) {
  return [
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Apple Inc.//macOS 14.4//EN", "BEGIN:VEVENT",
    `UID:${uid}`, `DTSTAMP:${icalUtc(dayOf(0, "00:00:00"))}`, `DTSTART:${start}`, "DURATION:PT30M",
    `SUMMARY:${summary}`, "LOCATION:Room 4", "BEGIN:VALARM", "ACTION:DISPLAY",
    "DESCRIPTION:Reminder", "TRIGGER:-PT10M", "END:VALARM", "END:VEVENT", "END:VCALENDAR", "",
  ].join("\r\n");
}

async function put(uid, text) {
  const url = new URL(`work/${uid}.ics`, emulator.home_url);
  const response = await fetch(url, {
    method: "PUT",
    headers: {
      authorization: `Basic ${Buffer.from(`${emulator.apple_id}:${password}`).toString("base64")}`,
      "content-type": "text/calendar; charset=utf-8",
    },
    body: text,
  });
  assert.ok(response.ok, `PUT ${uid}: ${response.status}`);
}

/** Signs in with a fresh app-specific password unless an account is already there. */
async function ensureSignedIn() {
  const overlay = await browser.$("#signin-overlay");
  await browser.waitUntil(async () => (await overlay.isDisplayed()) || (await browser.$$(".account")).length > 0, {
    timeout: 20_000,
  });
  if (!(await overlay.isDisplayed())) return;
  await browser.$("#apple-id").setValue(emulator.apple_id);
  await browser.$("#app-password").setValue(password);
  await browser.$("#signin-submit").click();
  await overlay.waitForDisplayed({ reverse: true, timeout: 30_000 });
}

/** The app's processes in this desktop session (other sessions may run on the machine). */
function appProcesses() {
  return readdirSync("/proc")
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];
        const env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
        return cmd === process.env.ALMANAC_APP && env.includes(`DISPLAY=${process.env.DISPLAY}`);
      } catch {
        return false; // gone meanwhile
      }
    });
}

/** `dayOf` as iCalendar's UTC DATE-TIME. */
function icalUtc(instant) {
  return instant.replaceAll("-", "").replaceAll(":", "");
}

// Two days after the pinned clock's day: the first launch (at the pinned instant) is before all
// three alarms, so the two of the day before count as missed while closed.
const ALARM_CHECK = dayOf(2, "10:00:00");
const MISSED_ONE = dayOf(1, "10:00:00");
const MISSED_TWO = dayOf(1, "11:00:00");

async function launchAt(instant) {
  if (instant) writeFileSync(process.env.ALMANAC_CLOCK_FILE, instant);
  else rmSync(process.env.ALMANAC_CLOCK_FILE, { force: true });
  browser = await launchApp();
}

before(async () => {
  ({ password } = await control("passwords", {}));
  await put("alarm-check", eventWithAlarm("alarm-check", "Alarm check", icalUtc(ALARM_CHECK)));
  await put("missed-one", eventWithAlarm("missed-one", "Missed one", icalUtc(MISSED_ONE)));
  await put("missed-two", eventWithAlarm("missed-two", "Missed two", icalUtc(MISSED_TWO)));
  await launchAt(null);
  // Signing in, or the sync every start brings, fetches the new events.
  await ensureSignedIn();
  // The search is typed again on each poll: results are for the data present when typed.
  await browser
    .waitUntil(async () => {
      await browser.$("#search-input").setValue("Alarm check");
      return (await browser.$$(".search-hit")).length > 0;
    }, {
      timeout: 60_000,
      interval: 2_000,
      timeoutMsg: "the events with alarms were not synced",
    })
    .catch(async (err) => {
      await screenshot(browser, "background-not-synced");
      throw err;
    });
  await browser.deleteSession();
  browser = undefined;
});

after(async () => {
  await browser?.deleteSession().catch(() => {});
  rmSync(process.env.ALMANAC_CLOCK_FILE, { force: true });
});

test("alarms missed while closed are one summary, and an alarm fires at its time", async () => {
  const rounds = startRounds();
  // 09:49:30 UTC: "Alarm check" (10:00) alerts at 09:50; the two of the day before were missed.
  await launchAt(dayOf(2, "09:49:30"));
  await browser.waitUntil(async () => notificationsAbout("passed while Almanac was closed") === 1, {
    timeout: 30_000,
    timeoutMsg: "no summary of the missed reminders",
  });
  assert.ok(startRounds() > rounds);
  for (const missed of ["Missed one", "Missed two"]) {
    assert.equal(notificationsAbout(`"${missed}"`), 0, "no notification of its own for a missed alarm");
  }
  await browser.waitUntil(async () => notificationsAbout("Alarm check") === 1, {
    timeout: 60_000,
    timeoutMsg: "the alarm did not reach D-Bus",
  });
  const log = readFileSync(process.env.ALMANAC_NOTIFICATIONS, "utf8");
  assert.match(log, /Room 4/, "the notification says where");
  await screenshot(browser, "alarm-notification");
  await browser.deleteSession();
  browser = undefined;
});

test("a restart repeats no notification", async () => {
  const rounds = startRounds();
  await launchAt(dayOf(2, "10:05:00"));
  await browser.waitUntil(async () => startRounds() > rounds, {
    timeout: 30_000,
    timeoutMsg: "the app did not check its alarms at start",
  });
  assert.equal(notificationsAbout("Alarm check"), 1);
  assert.equal(notificationsAbout("passed while Almanac was closed"), 1);
});

test("closing the window keeps Almanac running, and a second launch shows it", async () => {
  const before = appProcesses();
  assert.equal(before.length, 1, `one app process on this display: ${before}`);
  const windows = (...flags) => {
    try {
      return execFileSync("xdotool", ["search", ...flags, "--name", "^Almanac$"]).toString().trim().split("\n");
    } catch {
      return []; // xdotool exits 1 when nothing matches
    }
  };
  const visible = () => windows("--onlyvisible").length > 0;
  assert.ok(visible(), "the window is up before it is closed");
  // As the window manager's close button does it; WebDriver's own close destroys the window.
  for (const id of windows("--onlyvisible")) {
    execFileSync(path.join(import.meta.dirname, "..", "tools", "close-window.py"), [id]);
  }
  await browser.waitUntil(async () => !visible(), { timeout: 10_000, timeoutMsg: "the window stayed up" });
  assert.deepEqual(appProcesses(), before, "the app still runs with its window closed");
  const second = spawn(process.env.ALMANAC_APP, [], { stdio: "ignore" });
  const code = await new Promise((resolve) => second.on("exit", resolve));
  assert.equal(code, 0, "the second launch hands over and exits");
  await browser.waitUntil(async () => visible(), { timeout: 10_000, timeoutMsg: "the window did not come back" });
  assert.deepEqual(appProcesses(), before, "still one instance");
  execFileSync("/usr/bin/import", ["-window", "root", path.join(process.env.ALMANAC_ARTIFACTS, "second-launch.png")]);
});
