// The sync problems view names what could not be read; Settings shows and saves the interval,
// the display zone (the calendar follows it), start at login, notifications and export per
// calendar, where the data lives, and diagnostics to copy.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { columnTitlesOn, goToDay, launchApp, screenshot, showView, textOf, textsOf } from "./app.mjs";
import { signedIn } from "./session.mjs";

let browser;
before(async () => {
  browser = await launchApp();
  await signedIn(browser);
});
after(async () => {
  await browser?.deleteSession();
});

test("the sidebar counts sync problems and the view names each", async () => {
  const link = await browser.$(".problems-link");
  await link.waitForDisplayed({ timeout: 20_000 });
  assert.equal(await textOf(link), "1 sync problem");
  await link.click();
  const dialog = await browser.$("#problems-dialog");
  await dialog.waitForDisplayed({ timeout: 5_000 });
  await browser.waitUntil(async () => (await browser.$$("#problems-list .problem")).length === 1, {
    timeout: 10_000,
    timeoutMsg: "the problems view lists no problem",
  });
  const text = await textOf(await browser.$("#problems-list .problem"));
  assert.match(text, /Board pack review/);
  assert.match(text, /Calendar: Home/);
  assert.match(text, /UID: unparseable-demo@almanac-demo/);
  assert.match(text, /Why: \S/);
  await screenshot(browser, "sync-problems");
  await browser.keys("Escape");
  await dialog.waitForDisplayed({ reverse: true, timeout: 5_000 });
});

async function openSettings() {
  await browser.execute(() => document.activeElement?.blur());
  await browser.keys(",");
  await browser.$("#settings-dialog").waitForDisplayed({ timeout: 5_000 });
  await browser.waitUntil(async () => (await textOf(await browser.$("#data-dir"))).length > 0, {
    timeout: 10_000,
    timeoutMsg: "the settings did not load",
  });
}

async function closeSettings() {
  await browser.$("#settings-done").click();
  await browser.$("#settings-dialog").waitForDisplayed({ reverse: true, timeout: 5_000 });
}

async function saved() {
  await browser.waitUntil(async () => (await textOf(await browser.$("#settings-status"))) === "Saved.", {
    timeout: 10_000,
    timeoutMsg: `not saved: ${await textOf(await browser.$("#settings-status"))}`,
  });
}

test("Settings opens from the keyboard with the defaults", async () => {
  await openSettings();
  assert.equal(await browser.$("#sync-interval").getValue(), "15");
  assert.equal(await browser.$("#start-at-login").isSelected(), false);
  assert.equal(await browser.$("#zone-override").getValue(), "");
  assert.match(await textOf(await browser.$("#zone-override option")), /^System \(/);
  const dataDir = await textOf(await browser.$("#data-dir"));
  assert.ok(dataDir.includes("app.almanac.desktop") && existsSync(dataDir), `data dir ${dataDir}`);
  const names = await textsOf(browser, "#settings-accounts .calendar-name");
  assert.ok(names.includes("Work") && names.includes("Team Holidays"), JSON.stringify(names));
  await screenshot(browser, "settings");
});

test("the sync interval and start at login are saved", async () => {
  await browser.$("#sync-interval").selectByAttribute("value", "30");
  await saved();
  await browser.$("#start-at-login").click();
  await saved();
  await closeSettings();
  await openSettings();
  assert.equal(await browser.$("#sync-interval").getValue(), "30");
  assert.equal(await browser.$("#start-at-login").isSelected(), true);
  // Back to the defaults for the specs that follow.
  await browser.$("#sync-interval").selectByAttribute("value", "15");
  await saved();
  await browser.$("#start-at-login").click();
  await saved();
});

test("a calendar's notifications switch is saved", async () => {
  const box = await browser.$("#settings-accounts input[data-notify]");
  const before = await box.isSelected();
  await box.click();
  await closeSettings();
  await openSettings();
  const again = await browser.$("#settings-accounts input[data-notify]");
  assert.equal(await again.isSelected(), !before);
  await again.click();
  await browser.waitUntil(async () => (await again.isSelected()) === before, { timeout: 5_000 });
});

test("a calendar is exported as an .ics file", async () => {
  for (const item of await browser.$$("#settings-accounts .settings-calendar")) {
    if ((await textOf(await item.$(".calendar-name"))) === "Work") await (await item.$(".export-calendar")).click();
  }
  let path = "";
  await browser.waitUntil(
    async () => {
      for (const result of await browser.$$("#settings-accounts .export-result")) {
        const text = await textOf(result);
        if (text.startsWith("Saved to ")) path = text.slice("Saved to ".length);
      }
      return path !== "";
    },
    { timeout: 20_000, timeoutMsg: "the export did not say where it saved" },
  );
  assert.ok(path.endsWith(".ics") && existsSync(path), `exported to ${path}`);
  const ics = readFileSync(path, "utf8");
  assert.match(ics, /BEGIN:VCALENDAR/);
  assert.match(ics, /SUMMARY:Planning kickoff/);
});

test("diagnostics are copied, or handed over selected", async () => {
  await browser.$("#copy-diagnostics").click();
  await browser.waitUntil(async () => /copied|select/i.test(await textOf(await browser.$("#diagnostics-status"))), {
    timeout: 10_000,
    timeoutMsg: "copying diagnostics said nothing",
  });
  const status = await textOf(await browser.$("#diagnostics-status"));
  if (!/copied/i.test(status)) {
    const text = await browser.$("#diagnostics-text");
    assert.ok(await text.isDisplayed());
    assert.ok((await text.getValue()).length > 0);
  }
  await screenshot(browser, "settings-diagnostics");
});

test("the display zone follows the override", async () => {
  await browser.$("#zone-override").selectByAttribute("value", "America/Los_Angeles");
  await saved();
  await closeSettings();
  try {
    await showView(browser, "Day");
    await goToDay(browser, "2026-12-01");
    // Planning kickoff, 10:00 in Berlin, is 01:00 in Los Angeles: "01:00" on a 24-hour clock,
    // "1 AM" on a 12-hour one (the window writes a whole hour without minutes).
    await browser.waitUntil(
      async () => {
        for (const event of await browser.$$(".fc-timegrid-event")) {
          if ((await textOf(await event.$(".fc-event-title"))) === "Planning kickoff") {
            return /^(0?1[:.]00\b|1\s*AM\b)/i.test(await textOf(await event.$(".fc-event-time")));
          }
        }
        return false;
      },
      { timeout: 20_000, timeoutMsg: "the calendar did not move to Los Angeles time" },
    );
    await screenshot(browser, "zone-los-angeles");
    await openSettings();
    assert.equal(await browser.$("#zone-override").getValue(), "America/Los_Angeles");
  } finally {
    // The later specs read times in the session's zone: the override goes whatever happened.
    if (!(await browser.$("#zone-override").isDisplayed())) await openSettings();
    await browser.$("#zone-override").selectByAttribute("value", "");
    await saved();
    await closeSettings();
  }
  await browser.waitUntil(async () => (await columnTitlesOn(browser, "2026-12-01")).includes("Planning kickoff"), {
    timeout: 20_000,
  });
});
