// Apple revokes the app-specific password: the app notices on the next request, confirms once
// at the entry host 30 seconds later,
// stops using the dead password, tells the user once (notification, banner), keeps browsing
// from saved data, and resumes incrementally after a new password is pasted.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launchApp, screenshot, textOf } from "./app.mjs";
import { control, emulator, requests } from "./emulator.mjs";

let browser;
let revokedAt;

before(async () => {
  browser = await launchApp();
  await browser.waitUntil(async () => (await browser.$(".account-state").getText()) === "Up to date", {
    timeout: 60_000,
    timeoutMsg: "the signed-in account did not come up to date",
  });
});
after(async () => {
  await browser?.deleteSession();
});

function notificationsAbout(text) {
  return readFileSync(process.env.ALMANAC_NOTIFICATIONS, "utf8").split(text).length - 1;
}

async function sentWithDeadPassword() {
  return (await requests()).filter((r) => r.seq > revokedAt && r.password === emulator.password).length;
}

test("a revoked password is noticed on the next sync and announced once", async () => {
  revokedAt = Math.max(0, ...(await requests()).map((r) => r.seq));
  await control("revoke-all", {});
  await browser.$(".account .link-button").click();
  // The first refusal is confirmed by one request to the entry host 30 seconds later (a
  // partition host's passing 401 must not alarm anyone); meanwhile the account says so.
  await browser.waitUntil(async () => (await browser.$(".account-state").getText()).startsWith("The password was refused once"), {
    timeout: 20_000,
    timeoutMsg: "the first refusal was not shown as being checked",
  });
  await screenshot(browser, "refused-once");
  const banner = await browser.$("#relink-banner");
  await banner.waitForDisplayed({ timeout: 75_000 });
  assert.equal(await browser.$("#relink-title").getText(), "iCloud needs a new app-specific password");
  assert.equal(await browser.$(".account-state").getText(), "Needs a new password");
  await browser.waitUntil(async () => notificationsAbout("iCloud needs a new app-specific password") === 1, {
    timeout: 10_000,
    timeoutMsg: "no desktop notification reached D-Bus",
  });
  await screenshot(browser, "revoked-banner");
});

test("saved data stays browsable while the password is refused", async () => {
  assert.ok((await browser.$$(".fc-event")).length > 0, "events still shown");
  await browser.$(".fc-next-button").click();
  await browser.waitUntil(async () => (await browser.$$(".fc-event")).length > 0, { timeout: 10_000 });
  await browser.$(".fc-today-button").click();
  assert.match(await browser.$(".account-saved").getText(), /^Saved data as of /);
});

test("saved data stays searchable while the password is refused", async () => {
  await browser.$("#search-input").setValue("kickoff");
  await browser.waitUntil(async () => (await browser.$$(".search-hit")).length > 0, {
    timeout: 10_000,
    timeoutMsg: "search found nothing",
  });
  const hit = await browser.$(".search-hit");
  assert.match(await hit.getProperty("textContent"), /Planning kickoff/);
  await hit.click();
  await browser.waitUntil(async () => (await textOf(await browser.$(".fc-toolbar-title"))).includes("December 2026"), {
    timeout: 5_000,
    timeoutMsg: "choosing a result did not jump to its month",
  });
  await screenshot(browser, "search-while-revoked");
  await browser.$(".fc-today-button").click();
  await browser.$("#search-input").clearValue();
});

test("the dead password is not sent again, whatever the user clicks", async () => {
  await browser.$(".account .link-button").click();
  await browser.$(".account .link-button").click();
  // Give a wrongly started sync the time to reach the emulator before counting.
  await browser.waitUntil(async () => (await browser.$(".account-state").getText()) === "Needs a new password", {
    timeout: 5_000,
  });
  assert.ok((await sentWithDeadPassword()) <= 2, `sent ${await sentWithDeadPassword()} requests with the revoked password`);
  assert.equal(notificationsAbout("iCloud needs a new app-specific password"), 1, "no repeat notification");
});

test("a pasted new password resumes syncing without a full download", async () => {
  const { password } = await control("passwords", {});
  const before = Math.max(0, ...(await requests()).map((r) => r.seq));
  await browser.$("#relink-password").setValue(password.toUpperCase());
  await browser.$("#relink-submit").click();
  await browser.$("#relink-banner").waitForDisplayed({ reverse: true, timeout: 30_000 });
  await browser.waitUntil(async () => (await browser.$(".account-state").getText()) === "Up to date", {
    timeout: 60_000,
    timeoutMsg: "the account did not come back to Active",
  });
  const after = (await requests()).filter((r) => r.seq > before);
  const multigets = after.filter((r) => r.report === "calendar-multiget");
  assert.equal(multigets.length, 0, "nothing changed on the server, so nothing is downloaded again");
  assert.ok(after.every((r) => r.password !== emulator.password), "the old password stays unused");
  await screenshot(browser, "relinked");
});
