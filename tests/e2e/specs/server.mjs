// The server's side of the editing specs: another CalDAV client of the account's data (as the
// person's phone would be), to put fixture events there, change them behind the app's back, and
// read what the app's changes left on the server. It talks to the Radicale behind the emulator
// directly, so the faults a spec injects into the emulator (offline, a revoked password) cut off
// the app and not the spec's own view of the server.
import { control } from "./emulator.mjs";
import { NOW } from "./app.mjs";

/** The Radicale user the emulator keeps the account's calendars under (tests/servers). */
const AUTH = `Basic ${Buffer.from("alice:alice-caldav-secret").toString("base64")}`;

let radicale;

/** The URL of `name` in calendar `calendar` (an emulator calendar id: "home", "work", …). */
async function url(calendar, name = "") {
  radicale ??= (await control("info")).radicale_url;
  return new URL(`alice/${calendar}/${name}`, radicale);
}

async function request(method, target, { body, headers = {} } = {}) {
  const response = await fetch(target, { method, body, headers: { authorization: AUTH, ...headers } });
  return { status: response.status, etag: response.headers.get("etag"), text: await response.text() };
}

/** Stores `ics` as `name` in `calendar` (creates, or replaces when `etag` is given). */
export async function putEvent(calendar, name, ics, etag) {
  const headers = { "content-type": "text/calendar; charset=utf-8", ...(etag ? { "if-match": etag } : { "if-none-match": "*" }) };
  const answer = await request("PUT", await url(calendar, name), { body: ics, headers });
  if (answer.status >= 300) throw new Error(`PUT ${calendar}/${name}: ${answer.status} ${answer.text}`);
  return answer;
}

/** The object `name` of `calendar`: `{ status, etag, text }` (404 when gone). */
export async function getEvent(calendar, name) {
  return request("GET", await url(calendar, name));
}

const unescapeXml = (s) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

/** Every object of `calendar` as `{ href, text }` (a calendar-query REPORT, as a client asks). */
export async function listEvents(calendar) {
  const body = `<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
  <d:prop><d:getetag/><c:calendar-data/></d:prop>
  <c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter></c:filter>
</c:calendar-query>`;
  const answer = await request("REPORT", await url(calendar), { body, headers: { depth: "1", "content-type": "application/xml" } });
  if (answer.status !== 207) throw new Error(`REPORT ${calendar}: ${answer.status} ${answer.text.slice(0, 200)}`);
  const responses = answer.text.match(/<(?:\w+:)?response\b[\s\S]*?<\/(?:\w+:)?response>/g) ?? [];
  return responses.flatMap((r) => {
    const href = r.match(/<(?:\w+:)?href>([^<]*)</)?.[1];
    const data = r.match(/<(?:\w+:)?calendar-data[^>]*>([\s\S]*?)<\/(?:\w+:)?calendar-data>/)?.[1];
    if (!href || !data) return [];
    const text = data.startsWith("<![CDATA[") ? data.slice(9).replace(/\]\]>$/, "").replaceAll("]]]]><![CDATA[>", "]]>") : unescapeXml(data);
    return [{ href: decodeURIComponent(href), text }];
  });
}

/** The unfolded lines of an iCalendar text. */
export function unfold(text) {
  return text.replace(/\r?\n[ \t]/g, "").split(/\r?\n/);
}

/** The VEVENT blocks of an object, each as its unfolded lines. */
export function vevents(text) {
  const blocks = [];
  let current = null;
  for (const line of unfold(text)) {
    if (line === "BEGIN:VEVENT") current = [];
    else if (line === "END:VEVENT") {
      blocks.push(current);
      current = null;
    } else if (current) current.push(line);
  }
  return blocks;
}

/** A property's value (the first line named `name`, parameters ignored) in a VEVENT's lines. */
export function prop(lines, name) {
  const line = lines.find((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`));
  return line === undefined ? undefined : line.slice(line.indexOf(":") + 1);
}

/** A DTSTART/DTEND as an ISO instant (the display zone is UTC in these specs): `…Z`, a UTC-like
 * TZID, floating, or a DATE. */
export function instantOf(lines, name) {
  const line = lines.find((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`));
  if (!line) return undefined;
  const tzid = line.match(/TZID=([^;:]+)/)?.[1];
  if (tzid && !/^(UTC|Etc\/UTC|GMT|Etc\/GMT|Z)$/i.test(tzid)) throw new Error(`${name} in ${tzid}: expected UTC in these specs`);
  const v = line.slice(line.indexOf(":") + 1);
  if (/^\d{8}$/.test(v)) return `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;
  return `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}T${v.slice(9, 11)}:${v.slice(11, 13)}:${v.slice(13, 15)}Z`;
}

/** The server's copy of the event with `uid` in `calendar`: its object and its master VEVENT. */
export async function eventByUid(calendar, uid) {
  for (const object of await listEvents(calendar)) {
    const master = vevents(object.text).find((lines) => prop(lines, "UID") === uid && prop(lines, "RECURRENCE-ID") === undefined);
    if (master) return { ...object, lines: master };
  }
  return undefined;
}

/** `YYYYMMDDTHHMMSSZ` from an ISO instant. */
export function icsTime(iso) {
  return iso.replace(/[-:]/g, "").replace(/\.\d+/, "").replace(/Z?$/, "Z");
}

/** A one-event VCALENDAR: `start`/`end` ISO instants (UTC), `extra` further VEVENT lines. */
export function vcalendar({ uid, summary, start, end, extra = [] }) {
  return [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Almanac e2e//EN",
    "BEGIN:VEVENT",
    `UID:${uid}`,
    "DTSTAMP:20280101T000000Z",
    `DTSTART:${icsTime(start)}`,
    `DTEND:${icsTime(end)}`,
    `SUMMARY:${summary}`,
    ...extra,
    "END:VEVENT",
    "END:VCALENDAR",
    "",
  ].join("\r\n");
}

/**
 * A Tuesday (YYYY-MM-DD) about `weeksAhead` weeks after NOW: far past the demo data (which ends
 * some 200 days after NOW), so the specs' events are alone in their week and nothing depends on
 * the real date.
 */
export function quietTuesday(weeksAhead = 40) {
  const day = new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), NOW.getUTCDate() + weeksAhead * 7));
  day.setUTCDate(day.getUTCDate() + ((2 - day.getUTCDay() + 7) % 7));
  return day.toISOString().slice(0, 10);
}

/** `day` (YYYY-MM-DD) moved by `days`. */
export function addDays(day, days) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
