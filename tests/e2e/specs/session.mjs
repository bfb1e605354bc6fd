// Signing in again for the specs after 05 (which removes the account): the same emulator
// account, with a fresh app-specific password.
import { control, emulator } from "./emulator.mjs";
import { textOf, waitUpToDate } from "./app.mjs";

/** Makes sure the app has the emulator's account and has synced it. */
export async function signedIn(browser) {
  await browser.$("#calendar .fc-view").waitForExist({ timeout: 20_000 });
  await browser.waitUntil(
    async () => (await browser.$$(".account")).length > 0 || (await browser.$("#signin-overlay").isDisplayed()),
    { timeout: 20_000, timeoutMsg: "neither an account nor the sign-in form appeared" },
  );
  if (await browser.$("#signin-overlay").isDisplayed()) {
    const { password } = await control("passwords", {});
    await browser.$("#apple-id").setValue(emulator.apple_id);
    await browser.$("#app-password").setValue(password);
    await browser.$("#signin-submit").click();
    await browser.$("#signin-overlay").waitForDisplayed({ reverse: true, timeout: 30_000 });
  }
  await waitUpToDate(browser);
  return textOf(await browser.$(".account-state"));
}
