// Signing in to iCloud (the emulator): a main password is refused in plain words, an
// app-specific one is verified, stored in the keychain only, and the calendars fill in.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { launchApp, screenshot } from "./app.mjs";
import { emulator } from "./emulator.mjs";
let browser;

before(async () => {
  browser = await launchApp();
  await browser.$("#signin-form").waitForDisplayed({ timeout: 20_000 });
});
after(async () => {
  await browser?.deleteSession();
});

async function submitIcloud(appleId, password) {
  await browser.$("#apple-id").setValue(appleId);
  const field = await browser.$("#app-password");
  await field.clearValue();
  await field.setValue(password);
  await browser.$("#signin-submit").click();
}

test("a refused password says what to do, and nothing is stored", async () => {
  // Shaped like an app-specific password, so the form lets it through to the server.
  await submitIcloud(emulator.apple_id, "wxyz-wxyz-wxyz-wxyz");
  const error = await browser.$("#signin-error");
  await error.waitForDisplayed({ timeout: 20_000 });
  const text = await error.getText();
  assert.match(text, /app-specific password/);
  assert.match(text, /account\.apple\.com/);
  assert.doesNotMatch(text, /401/);
  assert.equal(await browser.$("#signin-overlay").isDisplayed(), true);
  await screenshot(browser, "signin-refused");
});

test("an app-specific password signs in and the calendars fill in", async () => {
  await submitIcloud(emulator.apple_id, emulator.password.toUpperCase().replaceAll("-", " "));
  await browser.$("#signin-overlay").waitForDisplayed({ reverse: true, timeout: 30_000 });
  await browser.waitUntil(async () => (await browser.$$(".calendar-row")).length >= 3, {
    timeout: 60_000,
    timeoutMsg: "calendars did not appear in the sidebar",
  });
  await browser.waitUntil(async () => (await browser.$(".account-state").getText()) === "Up to date", {
    timeout: 60_000,
    timeoutMsg: "the first sync did not finish",
  });
  await browser.waitUntil(async () => (await browser.$$(".fc-event")).length > 0, {
    timeout: 20_000,
    timeoutMsg: "no events in the month view",
  });
  await screenshot(browser, "synced-month");
});

test("the password is in the keychain and nowhere in the window", async () => {
  const stored = execFileSync("secret-tool", [
    "lookup", "service", "app.almanac.desktop", "username", `${emulator.apple_id} ${emulator.entry_url}`,
  ]).toString();
  assert.equal(stored, emulator.password);
  const html = await browser.execute(() => document.documentElement.outerHTML);
  assert.equal(html.includes(emulator.password), false);
  assert.equal(html.includes(emulator.password.replaceAll("-", "")), false);
});
