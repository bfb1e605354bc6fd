// Editing never waits for the network (issue 19 item 5): with the server unreachable, and then
// with the password revoked, changes are made, shown at once with their marks and counted in
// the sidebar; back online (or relinked), they arrive at the server.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { clickSyncNow, launchApp, screenshot, textOf } from "./app.mjs";
import { control } from "./emulator.mjs";
import { placeOf, pressOn, syncUntil, waitForEvent, waitingText, weekWithFixtures } from "./editing.mjs";
import { addDays, eventByUid, instantOf, quietTuesday } from "./server.mjs";

const TUE = quietTuesday(42);
const WED = addDays(TUE, 1);
const MOVE = { uid: "e2e-offline-move@almanac.test", summary: "Offline move", start: `${TUE}T09:00:00Z`, end: `${TUE}T10:00:00Z` };
const STRETCH = { uid: "e2e-offline-stretch@almanac.test", summary: "Offline stretch", start: `${TUE}T12:00:00Z`, end: `${TUE}T13:00:00Z` };

let browser;
before(async () => {
  browser = await launchApp();
  await weekWithFixtures(browser, [MOVE, STRETCH], TUE, "Offline stretch");
});
after(async () => {
  await control("clear-faults", {}).catch(() => {});
  await browser?.deleteSession();
});

async function onServer(uid) {
  const event = await eventByUid("home", uid);
  return event && { start: instantOf(event.lines, "DTSTART"), end: instantOf(event.lines, "DTEND") };
}

test("offline, changes are made, shown with their marks and counted", async () => {
  await control("inject", { fault: { kind: "connection-reset" }, scope: { for_millis: 600_000 } });
  await clickSyncNow(browser);
  await browser.waitUntil(async () => /offline/i.test(await textOf(await browser.$(".account-state"))), {
    timeout: 60_000,
    timeoutMsg: "the account did not say it is offline",
  });
  await waitForEvent(browser, "Offline move");
  await pressOn(browser, "Offline move", ["Alt", "ArrowRight"], ["Alt", "ArrowDown"], ["Alt", "ArrowDown"]);
  await pressOn(browser, "Offline stretch", ["Alt", "Shift", "ArrowDown"], ["Alt", "Shift", "ArrowDown"]);
  await browser.waitUntil(async () => {
    const moved = await placeOf(browser, "Offline move");
    const stretched = await placeOf(browser, "Offline stretch");
    return moved?.day === WED && moved.occurrence.endsWith("T09:30:00") && moved.classes.includes("event-pending")
      && stretched?.classes.includes("event-pending");
  }, { timeout: 10_000 }).catch(async (err) => {
    await screenshot(browser, "edit-offline-failed");
    throw new Error(`the offline changes are not shown with their marks: ${JSON.stringify([await placeOf(browser, "Offline move"), await placeOf(browser, "Offline stretch")])}`, { cause: err });
  });
  await browser.waitUntil(async () => /changes? not yet on the server/.test(await waitingText(browser)), {
    timeout: 10_000,
    timeoutMsg: "the sidebar does not count the waiting changes",
  });
  await screenshot(browser, "edit-offline");
  assert.deepEqual(await onServer(MOVE.uid), { start: MOVE.start, end: MOVE.end });
});

test("back online, the changes arrive at the server", async () => {
  await control("clear-faults", {});
  await syncUntil(browser, "the offline changes", async () => {
    const moved = await onServer(MOVE.uid);
    const stretched = await onServer(STRETCH.uid);
    return moved?.start === `${WED}T09:30:00Z` && moved.end === `${WED}T10:30:00Z` && stretched?.end === `${TUE}T13:30:00Z`;
  });
  await browser.waitUntil(async () => (await waitingText(browser)) === "", {
    timeout: 20_000,
    timeoutMsg: "the sidebar still counts changes the server has",
  });
  assert.ok(!(await placeOf(browser, "Offline move")).classes.includes("event-pending"), "the mark stayed");
});

test("with the password revoked, a change waits and arrives after relinking", async () => {
  await control("revoke-all", {});
  await clickSyncNow(browser);
  await browser.$("#relink-banner").waitForDisplayed({ timeout: 90_000 });
  await pressOn(browser, "Offline move", ["Alt", "ArrowLeft"]);
  await browser.waitUntil(async () => (await placeOf(browser, "Offline move"))?.day === TUE, {
    timeout: 10_000,
    timeoutMsg: "the change was not shown while the password is revoked",
  });
  await browser.waitUntil(async () => /not yet on the server/.test(await waitingText(browser)), { timeout: 10_000 });
  await screenshot(browser, "edit-while-revoked");
  const { password } = await control("passwords", {});
  await browser.$("#relink-password").setValue(password);
  await browser.$("#relink-submit").click();
  await browser.$("#relink-banner").waitForDisplayed({ reverse: true, timeout: 30_000 });
  await syncUntil(browser, "the change made while revoked", async () => (await onServer(MOVE.uid))?.start === `${TUE}T09:30:00Z`);
});
