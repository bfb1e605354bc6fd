// Read-only calendars (issue 19 item 8): an event of a calendar shared read-only says why on
// hover, its details offer no Edit or Delete (a "Read-only" mark with the reason instead), the
// Delete key leaves it alone, and the editor never offers read-only calendars. The server is
// asked nothing: it still holds the event and saw no write to that calendar.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { clickSyncNow, goToDay, launchApp, screenshot, showView, textOf } from "./app.mjs";
import { control, requests } from "./emulator.mjs";
import { listEvents, prop, vevents } from "./server.mjs";
import { signedIn } from "./session.mjs";

const SHARED_READ_ONLY = "a3f1c9e07b2d4e6f8a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f";

let browser;
before(async () => {
  browser = await launchApp();
  await signedIn(browser);
  await showView(browser, "Week");
  await goToDay(browser, "2026-12-24");
});
after(async () => {
  await browser?.deleteSession();
});

/** The all-day element of Christmas Eve (Team Holidays, shared read-only). */
async function christmasEve() {
  const selector = ".fc-daygrid-day[data-date='2026-12-24'] .fc-event";
  await browser.waitUntil(async () => (await browser.$$(selector)).length > 0, { timeout: 20_000, timeoutMsg: "no all-day event on 24 December" });
  for (const event of await browser.$$(selector)) if ((await textOf(event)).includes("Christmas Eve")) return event;
  throw new Error("Christmas Eve is not in the all-day row");
}

test("a read-only event says why on hover and offers no editing", async () => {
  const event = await christmasEve();
  await event.moveTo();
  const hover = await event.getAttribute("title");
  assert.match(hover, /Christmas Eve \(Team Holidays\)/);
  assert.match(hover, /Shared with you read-only: only its owner can change its events/);
  await event.click();
  await browser.waitUntil(async () => (await textOf(await browser.$("#details .details-title"))) === "Christmas Eve", { timeout: 10_000 });
  const panel = await browser.execute(() => ({
    buttons: [...document.querySelectorAll("#details .details-actions button")].map((b) => b.textContent),
    mark: document.querySelector("#details .read-only-mark")?.getAttribute("title") ?? null,
  }));
  assert.deepEqual(panel.buttons, []);
  assert.match(panel.mark ?? "", /read-only/);
  await screenshot(browser, "read-only-details");
});

test("the Delete key leaves it alone, and the server sees no write", async () => {
  await control("log/clear", {});
  await browser.keys("Delete");
  await browser.waitUntil(async () => /cannot be deleted here/.test(await textOf(await browser.$(".toast-line"))), {
    timeout: 10_000,
    timeoutMsg: "the toast does not say why nothing was deleted",
  });
  await clickSyncNow(browser);
  await browser.waitUntil(async () => (await textOf(await browser.$(".account-state"))) === "Up to date", { timeout: 60_000 });
  const writes = (await requests()).filter((r) => ["PUT", "DELETE", "MOVE"].includes(r.method) && r.path.includes(SHARED_READ_ONLY));
  assert.deepEqual(writes.map((r) => `${r.method} ${r.path}`), []);
  const held = (await listEvents(SHARED_READ_ONLY)).some((o) => vevents(o.text).some((lines) => prop(lines, "SUMMARY") === "Christmas Eve"));
  assert.ok(held, "the server lost Christmas Eve");
});

test("the editor offers writable calendars only", async () => {
  await browser.keys("Escape");
  await browser.keys("n");
  await browser.$("dialog.quick-create").waitForDisplayed({ timeout: 5_000 });
  await browser.$(".quick-more").click();
  await browser.$("dialog.editor-dialog").waitForDisplayed({ timeout: 5_000 });
  const offered = await browser.execute(() => [...document.querySelectorAll("#editor-calendar option")].map((o) => o.textContent));
  assert.ok(offered.includes("Home") && offered.includes("Work"), offered.join());
  for (const name of ["Team Holidays", "US Holidays"]) assert.ok(!offered.includes(name), `${name} is offered`);
  await browser.keys("Escape");
  await browser.$("dialog.editor-dialog").waitForDisplayed({ reverse: true, timeout: 5_000 });
});
