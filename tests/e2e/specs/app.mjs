// Shared set-up for the real-window specs: one WebDriver session on the built app.
import { remote } from "webdriverio";
import { execFileSync } from "node:child_process";
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
