/**
 * Read-only calendars (shared with the person read-only, subscriptions) offer no editing; they
 * say why where a person would try: on hover over their events, and in the details panel in
 * place of the Edit and Delete buttons.
 */
import { element } from "../dom";

/** What the sidebar knows about a calendar, enough to say why it is read-only. */
export interface CalendarAccess {
  read_only: boolean;
  /** Set for a subscription. */
  feed_url: string | null;
}

/** Why events of `calendar` cannot be changed here, in one sentence (after the event's title and
 * calendar on hover); `null` when they can. */
export function readOnlyReason(calendar: CalendarAccess): string | null {
  if (calendar.feed_url !== null) return "A subscription: its events come from the feed its publisher keeps, so they cannot be changed here.";
  if (calendar.read_only) return "Shared with you read-only: only its owner can change its events.";
  return null;
}

/** The details panel's mark for a read-only event: "Read-only", the reason on hover and for
 * screen readers. */
export function readOnlyMark(reason: string): HTMLElement {
  const mark = element("p", "read-only-mark");
  const badge = element("span", "badge", "Read-only");
  mark.title = reason;
  mark.append(badge, element("span", "visually-hidden", ` ${reason}`));
  return mark;
}
