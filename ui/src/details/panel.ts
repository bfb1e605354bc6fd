/**
 * The event details panel beside the calendar: title, time (in the display zone, and in the
 * event's own zone when they differ), recurrence, location with a map link, notes with web
 * links, organizer and attendees with their answers, alerts, and the calendar. Every piece of
 * event text goes in as text; only web links become links, and they open in the browser.
 */
import type { EventDetailsView, PersonView } from "../ipc";
import { type OccurrenceKey, occurrenceId } from "../calendar/events";
import { zoneLabel } from "../calendar/zone";
import { closeButton, element } from "../dom";
import { formatSpan } from "./format";
import { linkElement, linkifiedText, webLink } from "./links";

function personItem(person: PersonView): HTMLElement {
  const item = element("li", "person");
  const name = element("span", "person-name", person.name ?? person.address);
  name.dir = "auto";
  item.append(name);
  if (person.name) item.append(element("span", "person-address", person.address));
  if (person.status) {
    const status = element("span", "person-status", person.status);
    status.dataset["status"] = person.status.toLowerCase().replaceAll(" ", "-");
    item.append(status);
  }
  return item;
}

/** Builds the panel's content for one occurrence into `root` (replacing what was there). */
export function renderDetails(
  root: HTMLElement,
  view: EventDetailsView,
  locale: string,
  actions: { open: (url: string) => void; close: () => void },
  extras: Node[] = [],
): void {
  const head = element("header", "details-head");
  const swatch = element("span", "swatch");
  swatch.style.setProperty("--swatch", view.color ?? "var(--muted)");
  const title = element("h2", "details-title", view.title);
  title.dir = "auto";
  title.id = "details-title";
  title.tabIndex = -1;
  const close = closeButton("details-close", "Close details", () => {
    actions.close();
  });
  close.title = "Close (Esc)";
  head.append(swatch, title, close);

  const list = element("dl", "details-list");
  const row = (label: string, ...content: (Node | string)[]): HTMLElement => {
    const dd = element("dd");
    dd.append(...content);
    list.append(element("dt", undefined, label), dd);
    return dd;
  };

  const when = [element("p", "details-when", formatSpan(view.start, view.end, view.all_day, locale))];
  if (!view.all_day) when.push(element("p", "muted", `Times in ${zoneLabel(view.display_zone)}`));
  if (view.event_zone && view.event_zone_start && view.event_zone_end) {
    when.push(
      element("p", "details-event-zone", `${formatSpan(view.event_zone_start, view.event_zone_end, false, locale)} in ${zoneLabel(view.event_zone)}`),
    );
  }
  row("When", ...when);
  if (view.recurrence) row("Repeats", view.recurrence);
  if (view.location || view.map_url) {
    const where: Node[] = [];
    if (view.location) {
      const location = element("p", "details-location", view.location);
      location.dir = "auto";
      where.push(location);
    }
    const map = view.map_url ? webLink(view.map_url) : null;
    if (map) where.push(linkElement(map, "Show on map", actions.open));
    row("Where", ...where);
  }
  if (view.url) {
    const url = webLink(view.url);
    row("Link", url ? linkElement(url, view.url, actions.open) : element("span", "inert-text", view.url));
  }
  if (view.notes) {
    const notes = element("div", "details-notes");
    notes.dir = "auto";
    notes.append(linkifiedText(view.notes, actions.open));
    row("Notes", notes);
  }
  if (view.organizer) {
    const organizer = element("ul", "people");
    organizer.append(personItem(view.organizer));
    row("Organizer", organizer);
  }
  if (view.attendees.length > 0) {
    const people = element("ul", "people");
    people.append(...view.attendees.map(personItem));
    row(view.attendees.length === 1 ? "Attendee" : `Attendees (${String(view.attendees.length)})`, people);
  }
  if (view.alarms.length > 0) {
    const alarms = element("ul", "plain-list");
    alarms.append(...view.alarms.map((text) => element("li", undefined, text)));
    row(view.alarms.length === 1 ? "Alert" : "Alerts", alarms);
  }
  const calendar = element("span", "details-calendar");
  const dot = element("span", "swatch");
  dot.style.setProperty("--swatch", view.color ?? "var(--muted)");
  calendar.append(dot, element("span", undefined, view.calendar_name));
  const calendarRow = row("Calendar", calendar);
  if (view.subscription) {
    calendarRow.append(element("p", "muted read-only-note", "Read-only: a subscription, whose events come from the feed its publisher keeps."));
  } else if (view.read_only) {
    calendarRow.append(element("p", "muted read-only-note", "Read-only: only its owner can change this calendar."));
  }

  // What other features add under the title: editing's buttons, an invitation's answers.
  const parts: Node[] = [head, ...extras];
  if (view.status) parts.push(element("p", `details-status status-${view.status.toLowerCase()}`, view.status));
  parts.push(list);
  root.replaceChildren(...parts);
}

/** Shows a short message (loading, an error) in the panel with its close button. */
export function renderDetailsMessage(root: HTMLElement, text: string, close: () => void): void {
  const head = element("header", "details-head");
  const title = element("h2", "details-title muted", text);
  title.id = "details-title";
  title.tabIndex = -1;
  const button = closeButton("details-close", "Close details", close);
  head.append(title, button);
  root.replaceChildren(head);
}

export interface DetailsPanel {
  show(key: OccurrenceKey, trigger: HTMLElement | null): void;
  /** The occurrence shown, while the panel is open (the Delete key acts on it). */
  readonly shown: OccurrenceKey | null;
  hide(): void;
  /** Says something went wrong with an action in the panel (a link that would not open). */
  notice(text: string): void;
  readonly open: boolean;
}

/** Wires the panel element: loading, showing, Escape to close, and focus back to the event. */
export function setUpDetails(
  root: HTMLElement,
  locale: string,
  fetch: (key: OccurrenceKey) => Promise<EventDetailsView>,
  openLink: (url: string) => void,
  failed: (err: unknown) => string,
  extras: (key: OccurrenceKey, view: EventDetailsView) => Node[] = () => [],
): DetailsPanel {
  let trigger: HTMLElement | null = null;
  let shown: OccurrenceKey | null = null;
  let ticket = 0;
  const hide = (): void => {
    if (root.hidden) return;
    ++ticket;
    root.hidden = true;
    root.replaceChildren();
    // The calendar may have redrawn the event meanwhile: its new element has the same key.
    const id = shown ? occurrenceId(shown) : undefined;
    const back = trigger?.isConnected
      ? trigger
      : [...document.querySelectorAll<HTMLElement>("[data-occurrence]")].find((el) => el.dataset["occurrence"] === id);
    back?.focus();
    trigger = null;
    shown = null;
  };
  root.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      hide();
    }
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !root.hidden && !document.querySelector("dialog[open]")) hide();
  });
  const focusTitle = (): void => {
    document.getElementById("details-title")?.focus();
  };
  return {
    show(key, from) {
      trigger = from;
      shown = key;
      const mine = ++ticket;
      root.hidden = false;
      renderDetailsMessage(root, "Loading…", hide);
      fetch(key)
        .then((view) => {
          if (mine !== ticket) return;
          renderDetails(root, view, locale, { open: openLink, close: hide }, extras(key, view));
          focusTitle();
        })
        .catch((err: unknown) => {
          if (mine !== ticket) return;
          renderDetailsMessage(root, failed(err), hide);
          focusTitle();
        });
    },
    hide,
    notice(text) {
      if (root.hidden) return;
      let line = root.querySelector<HTMLElement>(".details-notice");
      if (!line) {
        line = element("p", "form-error details-notice");
        line.setAttribute("role", "alert");
        root.append(line);
      }
      line.textContent = text;
    },
    get open() {
      return !root.hidden;
    },
    get shown() {
      return root.hidden ? null : shown;
    },
  };
}
