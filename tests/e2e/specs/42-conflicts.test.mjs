// Conflicts (issue 19 items 5 and 6): an event changed here (offline) and on the server
// meanwhile, in the same property, becomes a conflict: marked on the event, counted in the
// sidebar, whose count opens the Conflicts view with both versions side by side. Keep mine
// sends ours, keep theirs takes the server's, keep both keeps the server's and adds ours as a
// copy: each checked on the server.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { clickSyncNow, launchApp, screenshot, textOf } from "./app.mjs";
import { control } from "./emulator.mjs";
import { placeOf, pressOn, syncUntil, weekWithFixtures } from "./editing.mjs";
import { eventByUid, getEvent, instantOf, listEvents, prop, putEvent, quietTuesday, vcalendar, vevents } from "./server.mjs";

const TUE = quietTuesday(44);
const at = (hour) => `${TUE}T${String(hour).padStart(2, "0")}:00:00Z`;
const FIXTURES = ["mine", "theirs", "both"].map((keep, i) => ({
  keep,
  uid: `e2e-conflict-${keep}@almanac.test`,
  summary: `Conflict ${keep}`,
  start: at(8 + 3 * i),
  end: at(9 + 3 * i),
}));

let browser;
before(async () => {
  browser = await launchApp();
  await weekWithFixtures(browser, FIXTURES, TUE, "Conflict both");
});
after(async () => {
  await control("clear-faults", {}).catch(() => {});
  await browser?.deleteSession();
});

/** Every VEVENT of the home calendar titled `summary`, as [start, end] instants. */
async function serverCopies(summary) {
  return (await listEvents("home"))
    .flatMap((o) => vevents(o.text))
    .filter((lines) => prop(lines, "SUMMARY") === summary)
    .map((lines) => [instantOf(lines, "DTSTART"), instantOf(lines, "DTEND")])
    .sort();
}

test("an event changed here and on the server becomes a conflict, marked and counted", async () => {
  // Here, offline: each moved an hour later.
  await control("inject", { fault: { kind: "connection-reset" }, scope: { for_millis: 600_000 } });
  for (const f of FIXTURES) {
    await pressOn(browser, f.summary, ...Array.from({ length: 4 }, () => ["Alt", "ArrowDown"]));
  }
  // On the server (the person's phone): each moved two hours later.
  await control("clear-faults", {});
  for (const f of FIXTURES) {
    const name = `${f.uid}.ics`;
    const { etag } = await getEvent("home", name);
    const later = (iso) => new Date(Date.parse(iso) + 2 * 3_600_000).toISOString().replace(".000Z", "Z");
    await putEvent("home", name, vcalendar({ ...f, start: later(f.start), end: later(f.end), extra: ["SEQUENCE:1"] }), etag);
  }
  await clickSyncNow(browser);
  await browser.waitUntil(async () => /^3 conflicts to resolve$/.test(await browser.execute(() => document.querySelector(".changes-conflicts")?.textContent ?? "")), {
    timeout: 90_000,
    timeoutMsg: "the sidebar does not count three conflicts",
  });
  await browser.waitUntil(async () => (await placeOf(browser, "Conflict mine"))?.classes.includes("event-conflict"), {
    timeout: 20_000,
    timeoutMsg: "the event is not marked as in conflict",
  });
  assert.match((await placeOf(browser, "Conflict mine")).hover, /Conflicts/);
  await screenshot(browser, "conflict-marked");
});

test("the sidebar's count opens both versions side by side", async () => {
  await browser.$(".changes-conflicts").click();
  await browser.$("#conflicts-dialog").waitForDisplayed({ timeout: 10_000 });
  await browser.waitUntil(async () => (await browser.$$("#conflicts-dialog .conflict")).length === 3, {
    timeout: 10_000,
    timeoutMsg: "the view does not list three conflicts",
  });
  const text = await textOf(await browser.$("#conflicts-dialog"));
  assert.match(text, /On this computer/);
  assert.match(text, /On the server/);
  assert.ok((await browser.$$("#conflicts-dialog .conflict-differs")).length >= 6, "the differing times are not marked");
  await screenshot(browser, "conflicts-view");
});

async function keep(summary, choice) {
  const card = await browser.$(`//article[contains(@class,'conflict')][.//h3[text()='${summary}']]`);
  await card.$(`button[data-keep='${choice}']`).click();
  await browser.waitUntil(async () => !(await card.isExisting()), { timeout: 10_000, timeoutMsg: `${summary} stayed in the list` });
}

test("keep mine, keep theirs and keep both reach the server", async () => {
  await keep("Conflict mine", "mine");
  await keep("Conflict theirs", "theirs");
  await keep("Conflict both", "both");
  await browser.waitUntil(async () => (await browser.$$("#conflicts-dialog .conflicts-none")).length === 1, { timeout: 10_000 });
  await browser.keys("Escape");
  const [mine, theirs, both] = FIXTURES;
  await syncUntil(browser, "the three choices", async () => {
    const m = await eventByUid("home", mine.uid);
    const copies = await serverCopies(both.summary);
    return instantOf(m?.lines ?? [], "DTSTART") === at(9) && copies.length === 2;
  });
  // Mine: this computer's time (an hour later). Theirs: the server's (two hours later).
  assert.equal(instantOf((await eventByUid("home", theirs.uid)).lines, "DTSTART"), at(13));
  // Both: the server's version and ours as a second event.
  assert.deepEqual(await serverCopies(both.summary), [[at(15), at(16)], [at(16), at(17)]]);
  await browser.waitUntil(async () => (await browser.execute(() => document.querySelector(".changes-conflicts")?.textContent ?? "")) === "", {
    timeout: 20_000,
    timeoutMsg: "the sidebar still counts conflicts",
  });
  await screenshot(browser, "conflicts-resolved");
});
