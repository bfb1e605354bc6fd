// Shared set-up for the real-window specs: one WebDriver session on the built app.
import { remote } from "webdriverio";
import path from "node:path";

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

/** Saves a screenshot into the artifacts directory and returns its path. */
export async function screenshot(browser, name) {
  const file = path.join(process.env.ALMANAC_ARTIFACTS, `${name}.png`);
  await browser.saveScreenshot(file);
  return file;
}
