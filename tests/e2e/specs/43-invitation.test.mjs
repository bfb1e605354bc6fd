// Invitations (issue 19 item 7): the details panel of an event the person was invited to offers
// Accept / Maybe / Decline with the current answer pressed; an answer changes only their own
// PARTSTAT on the server (which tells the organizer), and a repeating invitation asks which
// occurrences the answer is for.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { goToDay, launchApp, screenshot, textOf } from "./app.mjs";
import { control, emulator } from "./emulator.mjs";
import { syncUntil, timedEvent, waitForEvent, weekWithFixtures } from "./editing.mjs";
import { addDays, eventByUid, listEvents, prop, quietTuesday, vevents } from "./server.mjs";

const TUE = quietTuesday(46);
const me = emulator.apple_id.toLowerCase();
const people = [
  "ORGANIZER;CN=Sam Example:mailto:sam@example.com",
  "ATTENDEE;CN=Sam Example;PARTSTAT=ACCEPTED;ROLE=CHAIR:mailto:sam@example.com",
  `ATTENDEE;CN=Almanac Tester;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${me}`,
];
const SINGLE = { uid: "e2e-invite@almanac.test", summary: "Quarterly planning", start: `${TUE}T09:00:00Z`, end: `${TUE}T10:00:00Z`, extra: people };
const SERIES = {
  uid: "e2e-invite-series@almanac.test",
  summary: "Weekly sync",
  start: `${TUE}T13:00:00Z`,
  end: `${TUE}T13:30:00Z`,
  extra: [...people, "RRULE:FREQ=WEEKLY;COUNT=4"],
};

let browser;
before(async () => {
  browser = await launchApp();
  await weekWithFixtures(browser, [SINGLE, SERIES], TUE, "Weekly sync");
});
after(async () => {
  await browser?.deleteSession();
});

/** Our ATTENDEE line's PARTSTAT in a VEVENT's lines. */
function myAnswer(lines) {
  return lines.find((l) => l.startsWith("ATTENDEE") && l.toLowerCase().endsWith(`mailto:${me}`))?.match(/PARTSTAT=([A-Z-]+)/)?.[1];
}

async function openDetails(title) {
  await (await timedEvent(browser, title)).click();
  await browser.waitUntil(async () => (await textOf(await browser.$("#details .details-title"))) === title, {
    timeout: 10_000,
    timeoutMsg: `the details of ${title} did not open`,
  });
}

test("accepting an invitation sets our PARTSTAT on the server, and only ours", async () => {
  await waitForEvent(browser, "Quarterly planning");
  await openDetails("Quarterly planning");
  await browser.$("#details .invitation").waitForDisplayed({ timeout: 10_000, timeoutMsg: "no invitation answers in the details" });
  assert.match(await textOf(await browser.$("#details .invitation")), /Going\?/);
  await screenshot(browser, "invitation-details");
  await browser.$("#details button[data-answer='accepted']").click();
  await browser.waitUntil(async () => (await browser.$("#details button[data-answer='accepted']").getAttribute("aria-pressed")) === "true", {
    timeout: 10_000,
    timeoutMsg: "Accept is not shown as the answer",
  });
  await syncUntil(browser, "the accepted invitation", async () => myAnswer((await eventByUid("home", SINGLE.uid))?.lines ?? []) === "ACCEPTED");
  const server = await eventByUid("home", SINGLE.uid);
  assert.ok(server.lines.includes("ATTENDEE;CN=Sam Example;PARTSTAT=ACCEPTED;ROLE=CHAIR:mailto:sam@example.com") || server.lines.some((l) => l.includes("sam@example.com") && l.includes("PARTSTAT=ACCEPTED")));
  const { messages } = await control("scheduling");
  assert.ok(
    messages.some((m) => m.uid === SINGLE.uid && m.kind === "reply" && m.partstat === "ACCEPTED"),
    `the organizer was not told: ${JSON.stringify(messages.filter((m) => m.uid === SINGLE.uid))}`,
  );
  await screenshot(browser, "invitation-accepted");
  await browser.keys("Escape");
});

test("declining one occurrence of a repeating invitation asks the scope and answers only that one", async () => {
  await openDetails("Weekly sync");
  await browser.$("#details button[data-answer='declined']").click();
  const only = await browser.$(".scope-dialog button[data-scope='this']");
  await only.waitForDisplayed({ timeout: 10_000, timeoutMsg: "the scope was not asked" });
  await screenshot(browser, "invitation-scope");
  await only.click();
  await syncUntil(browser, "the declined occurrence", async () => {
    const object = (await listEvents("home")).find((o) => o.text.includes(`UID:${SERIES.uid}`));
    const blocks = object ? vevents(object.text) : [];
    const override = blocks.find((lines) => prop(lines, "RECURRENCE-ID") !== undefined);
    const master = blocks.find((lines) => prop(lines, "RECURRENCE-ID") === undefined);
    return override && myAnswer(override) === "DECLINED" && master && myAnswer(master) === "NEEDS-ACTION";
  });
  await browser.keys("Escape");
  // The next week's occurrence still asks.
  await goToDay(browser, addDays(TUE, 7));
  await waitForEvent(browser, "Weekly sync");
  await openDetails("Weekly sync");
  await browser.$("#details .invitation").waitForDisplayed({ timeout: 10_000 });
  assert.equal(await browser.$("#details button[data-answer='declined']").getAttribute("aria-pressed"), "false");
  await browser.keys("Escape");
});
