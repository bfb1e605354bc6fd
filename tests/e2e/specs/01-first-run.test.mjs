// First run: the sign-in form over an empty calendar, and its live password-format hint.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { launchApp, screenshot } from "./app.mjs";

let browser;
before(async () => {
  browser = await launchApp();
});
after(async () => {
  await browser?.deleteSession();
});

async function hint() {
  const el = await browser.$("#app-password-hint");
  return { text: await el.getText(), tone: await el.getAttribute("data-tone") };
}

test("first run shows the sign-in form over the calendar", async () => {
  const form = await browser.$("#signin-form");
  await form.waitForDisplayed({ timeout: 20_000 });
  assert.equal(await browser.$("#signin-title").getText(), "Sign in to your calendars");
  assert.match(await browser.$("#icloud-explain").getText(), /app-specific password/);
  assert.match(await browser.$("#apple-link").getText(), /account\.apple\.com/);
  assert.ok(await browser.$(".fc-daygrid").isExisting(), "the month grid is rendered behind the form");
  assert.equal(await browser.$("#signin-submit").isEnabled(), false);
});

test("a main Apple ID password is called out as it is typed", async () => {
  await browser.$("#apple-id").setValue("jane.appleseed@icloud.com");
  await browser.$("#app-password").setValue("Summer2024!");
  await browser.waitUntil(async () => (await hint()).tone === "warn", { timeout: 5_000 });
  assert.match((await hint()).text, /not an app-specific password/);
  assert.equal(await browser.$("#signin-submit").isEnabled(), false);
  const file = await screenshot(browser, "signin-main-password-warning");
  assert.ok(statSync(file).size > 10_000, "the screenshot has content");
});

test("a pasted app-specific password is accepted and normalised", async () => {
  const field = await browser.$("#app-password");
  await field.clearValue();
  await field.setValue("ABCD EFGH IJKL MNOP");
  await browser.waitUntil(async () => (await hint()).tone === "ok", { timeout: 5_000 });
  assert.equal(await browser.$("#signin-submit").isEnabled(), true);
  await browser.$("#apple-id").click();
  assert.equal(await field.getValue(), "abcd-efgh-ijkl-mnop");
  await screenshot(browser, "signin-ready");
});

test("other CalDAV servers have their own fields", async () => {
  await browser.$("#tab-caldav").click();
  assert.equal(await browser.$("#panel-caldav").isDisplayed(), true);
  assert.equal(await browser.$("#panel-icloud").isDisplayed(), false);
  assert.equal(await browser.$("#signin-submit").isEnabled(), false);
  await screenshot(browser, "signin-other-caldav");
});
