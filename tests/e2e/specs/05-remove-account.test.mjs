// Removing an account (from Settings) asks first, then forgets the keychain entry and the
// account's local data.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { launchApp, screenshot } from "./app.mjs";
import { emulator } from "./emulator.mjs";

let browser;
before(async () => {
  browser = await launchApp();
  await browser.$(".account").waitForDisplayed({ timeout: 20_000 });
});
after(async () => {
  await browser?.deleteSession();
});

function keychainHasEntry() {
  const result = spawnSync("secret-tool", [
    "lookup", "service", "app.almanac.desktop", "username", `${emulator.apple_id} ${emulator.entry_url}`,
  ]);
  return result.status === 0 && result.stdout.length > 0;
}

/** Opens Settings and asks to remove the (only) account. */
async function askToRemove() {
  await browser.$("#open-settings").click();
  await browser.$("#settings-dialog").waitForDisplayed({ timeout: 5_000 });
  await browser.$("#settings-dialog .remove-account").click();
}

test("cancelling keeps everything", async () => {
  assert.equal(keychainHasEntry(), true);
  await askToRemove();
  await browser.$("#remove-dialog").waitForDisplayed({ timeout: 5_000 });
  await screenshot(browser, "remove-confirm");
  await browser.$("#remove-cancel").click();
  await browser.$("#remove-dialog").waitForDisplayed({ reverse: true, timeout: 5_000 });
  assert.equal((await browser.$$(".account")).length, 1);
  assert.equal(keychainHasEntry(), true);
  await browser.$("#settings-done").click();
  await browser.$("#settings-dialog").waitForDisplayed({ reverse: true, timeout: 5_000 });
});

test("confirming removes the keychain entry and the local data", async () => {
  await askToRemove();
  await browser.$("#remove-dialog").waitForDisplayed({ timeout: 5_000 });
  await browser.$("#remove-confirm").click();
  await browser.$("#signin-overlay").waitForDisplayed({ timeout: 20_000 });
  assert.equal((await browser.$$(".account")).length, 0);
  assert.equal((await browser.$$(".fc-event")).length, 0, "no saved events remain");
  assert.equal(keychainHasEntry(), false);
});
