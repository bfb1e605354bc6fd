/**
 * The calendar surface: FullCalendar's month, week, day, agenda and year views, set up for the
 * person's locale (week start, 12/24 h) and fed only the visible range.
 *
 * Times cross IPC as offset-less wall-clock strings in the display zone, and FullCalendar runs
 * with `timeZone: "UTC"` ("UTC coercion"): it shows such strings as given, and its `Date`s carry
 * the wall clock in their UTC fields. `now` is the display zone's wall clock for the same reason.
 */
import { Calendar, type EventApi, type EventClickArg, type EventInput, type MoreLinkContentArg } from "@fullcalendar/core";
import dayGridPlugin from "@fullcalendar/daygrid";
import listPlugin from "@fullcalendar/list";
import multiMonthPlugin from "@fullcalendar/multimonth";
import interactionPlugin from "@fullcalendar/interaction";
import timeGridPlugin from "@fullcalendar/timegrid";
import { type EventEditing, changeQueue, editingOptions } from "./edit";
import { type OccurrenceKey, occurrenceId, occurrenceKey, stateWords } from "./events";
import { setUpKeyboardMoves } from "./keymove";
import { dayCap, measureMonth, release, thin } from "./thin";
import { wallClockIn } from "./zone";
import { roomOptions } from "../editor/layout";
import { element as make } from "../dom";

/** The first day of the week for a locale (0 = Sunday), where the engine knows it. */
export function firstDayOfWeek(locale: string): number {
  try {
    const info = (new Intl.Locale(locale) as Intl.Locale & { weekInfo?: { firstDay: number }; getWeekInfo?: () => { firstDay: number } });
    const week = info.getWeekInfo?.() ?? info.weekInfo;
    if (week) return week.firstDay % 7;
  } catch {
    // An unknown locale tag: fall through to the common default.
  }
  return 1;
}

/** Whether the locale writes times on a 12-hour clock. */
export function uses12HourClock(locale: string): boolean {
  const parts = new Intl.DateTimeFormat(locale, { hour: "numeric" }).resolvedOptions();
  return parts.hourCycle === "h11" || parts.hourCycle === "h12";
}

/** The views, by the names FullCalendar and the keyboard shortcuts use. */
export const VIEWS = {
  month: "dayGridMonth",
  week: "timeGridWeek",
  day: "timeGridDay",
  agenda: "listMonth",
  year: "multiMonthYear",
} as const;

export type ViewName = keyof typeof VIEWS;

/** Loads the events overlapping a visible range. */
export type EventLoader = (from: Date, to: Date) => Promise<EventInput[]>;

export interface CalendarSetup {
  locale: string;
  /** The display zone (IANA), asked each time "now" is needed. */
  zone(): string;
  load: EventLoader;
  /** An event was chosen (click, or Enter on a focused event). */
  open(key: OccurrenceKey, element: HTMLElement): void;
  /** The "Go to date" toolbar button. */
  goToDate(): void;
  /** A calendar's name, so an event says which calendar it is in by more than its colour. */
  calendarName(calendar: number): string | undefined;
  /** Dragging, resizing, selecting and keyboard moves; without it the calendar only shows. */
  editing?: EventEditing;
  /** The toolbar's "New event" button; without it there is none. */
  newEvent?(): void;
  /** Why a calendar's events cannot be changed (said on hover), or `null` when they can. */
  readOnlyReason?(calendar: number): string | null;
}

/** Each mounted calendar's `refreshEvents`. */
const refreshers = new WeakMap<Calendar, (labels: string) => void>();

/**
 * Asks for the shown range again and redraws only if its events changed; when only `labels`
 * (what the events' hover texts say of their calendars) changed, the drawn elements are named
 * again in place. A sync tells the window several times that it ran; one that brought nothing
 * must not rebuild every event's elements, whose memory WebKit keeps.
 */
export function refreshEvents(calendar: Calendar, labels: string): void {
  const refresh = refreshers.get(calendar);
  if (refresh) refresh(labels);
  else calendar.refetchEvents();
}

/** Mounts the calendar into `element` and returns it. */
export function mountCalendar(element: HTMLElement, setup: CalendarSetup): Calendar {
  const { locale } = setup;
  const hour12 = uses12HourClock(locale);
  // Events are drawn anew when data arrives (a sync in progress); keyboard focus on one must
  // follow it to its new element rather than fall back to the page.
  let focusedOccurrence: string | undefined;
  element.addEventListener("focusin", (e) => {
    focusedOccurrence = e.target instanceof HTMLElement ? e.target.dataset["occurrence"] : undefined;
  });
  /** Names an event's element for the details panel, focus and the pointer; returns its id. */
  const label = (el: HTMLElement, event: EventApi): string | undefined => {
    const key = occurrenceKey(event.extendedProps);
    if (!key) return undefined;
    const id = occurrenceId(key);
    el.dataset["occurrence"] = id;
    el.dataset["eventId"] = event.id;
    const calendarName = setup.calendarName(key.calendar);
    const named = calendarName ? `${event.title} (${calendarName})` : event.title;
    const readOnly = setup.readOnlyReason?.(key.calendar) ?? null;
    el.title = named + stateWords(event.classNames, event.extendedProps["refused"]) + (readOnly ? `. ${readOnly}` : "");
    return id;
  };
  /** Gives the focus back to the focused occurrence's element when a redraw took it away. */
  const refocus = (el: HTMLElement): void => {
    const lost = document.activeElement === document.body || document.activeElement === null;
    if (lost && el.dataset["occurrence"] === focusedOccurrence) el.focus();
  };
  // After a change the shell names the occurrence by its new start; focus follows the new name,
  // also when a reload drew the event under that name before the change's answer came.
  // (FullCalendar keeps the element, so it is named again here.)
  const rekey = (event: EventApi, from: OccurrenceKey, to: OccurrenceKey, classNames: string[]): void => {
    const id = event.id;
    if (occurrenceId(from) === focusedOccurrence) focusedOccurrence = occurrenceId(to);
    calendar.batchRendering(() => {
      event.setExtendedProp("href", to.href);
      event.setExtendedProp("start", to.start);
      event.setProp("classNames", classNames);
    });
    for (const el of element.querySelectorAll<HTMLElement>("[data-event-id]")) {
      if (el.dataset["eventId"] !== id) continue;
      label(el, event);
      refocus(el);
    }
  };
  const after = {
    live: (id: string): EventApi | null => calendar.getEventById(id),
    rekey,
    refetch: () => {
      calendar.refetchEvents();
    },
  };
  const { editing } = setup;
  const store = editing ? changeQueue(editing, after) : undefined;
  // The month and year grids get what their cells can show; the rest waits per day (thin.ts).
  let held = new Map<string, EventInput[]>();
  let loadedCap = Infinity;
  /** The range and events last drawn, as loaded; and an answer loaded ahead for the next draw. */
  let drawn = "";
  let ahead: { range: string; events: EventInput[] } | undefined;
  const rangeOf = (from: Date, to: Date): string => `${from.toISOString()}/${to.toISOString()}`;
  const moreHint = (count: number): string => `Show ${String(count)} more events`;
  /** FullCalendar counts only the events it was given: a day's link adds those held back. */
  const moreLink = (words: (count: number) => string) => (arg: MoreLinkContentArg) => {
    const label = make("span", undefined, words(arg.num));
    queueMicrotask(() => {
      const day = label.closest<HTMLElement>("[data-date]")?.dataset["date"];
      const count = arg.num + (day ? (held.get(day)?.length ?? 0) : 0);
      label.textContent = words(count);
      label.parentElement?.setAttribute("title", moreHint(count));
    });
    return { domNodes: [label] };
  };
  const calendar = new Calendar(element, {
    ...(editing && store ? editingOptions(element, editing, store) : {}),
    plugins: [dayGridPlugin, timeGridPlugin, listPlugin, multiMonthPlugin, interactionPlugin],
    initialView: VIEWS.month,
    timeZone: "UTC",
    now: () => wallClockIn(setup.zone()),
    locale,
    firstDay: firstDayOfWeek(locale),
    height: "100%",
    nowIndicator: true,
    navLinks: true,
    dayMaxEvents: true,
    // Each range is asked for anew: the week inside a thinned month needs all its events.
    lazyFetching: false,
    moreLinkContent: moreLink((count) => `+${String(count)} more`),
    // A day's held events join before its popover lists them.
    moreLinkClick: (arg) => {
      const events = release(held, arg.date.toISOString().slice(0, 10));
      if (events.length > 0) {
        calendar.batchRendering(() => {
          for (const event of events) calendar.addEvent(event, true);
        });
      }
      return "popover";
    },
    // Thousands of events in a month: each source's events are drawn as they arrive.
    progressiveEventRendering: true,
    moreLinkHint: moreHint,
    eventInteractive: true,
    // Overlapping events side by side, each title readable, rather than stacked over each other.
    slotEventOverlap: false,
    scrollTime: "08:00:00",
    // One time format in every view, and short events that keep their title (issue 19 item 11).
    ...roomOptions(hour12),
    customButtons: {
      goto: { text: "Go to date", hint: "Go to a date (g)", click: () => { setup.goToDate(); } },
      newEvent: { text: "New event", hint: "New event (n)", click: () => { setup.newEvent?.(); } },
    },
    headerToolbar: {
      left: setup.newEvent ? "newEvent prev,next today goto" : "prev,next today goto",
      center: "title",
      right: `${VIEWS.year},${VIEWS.month},${VIEWS.week},${VIEWS.day},${VIEWS.agenda}`,
    },
    buttonText: { today: "Today", year: "Year", month: "Month", week: "Week", day: "Day", list: "Agenda" },
    buttonHints: { prev: "Previous (← or k)", next: "Next (→ or j)", today: "Today (t)" },
    views: {
      [VIEWS.agenda]: { buttonText: "Agenda", buttonHint: "Agenda (a)", noEventsText: "Nothing planned in this month." },
      // A year is an overview: each day says how many events it has; the count opens the list.
      [VIEWS.year]: {
        buttonText: "Year",
        buttonHint: "Year (y)",
        dayMaxEvents: false,
        dayMaxEventRows: 1,
        moreLinkContent: moreLink((count) => (count === 1 ? "1 event" : `${String(count)} events`)),
        displayEventTime: false,
        // An overview: the cells are too small to drop into or select precisely.
        editable: false,
        selectable: false,
      },
      [VIEWS.month]: { buttonHint: "Month (m)" },
      // Seven columns: the start time only ("9:30 AM"), so short events keep room for their title.
      [VIEWS.week]: { buttonHint: "Week (w)", displayEventEnd: false },
      [VIEWS.day]: { buttonHint: "Day (d)" },
    },
    eventDidMount: (info) => {
      const id = label(info.el, info.event);
      if (id === undefined) return;
      // Right-to-left titles read and align as such.
      for (const title of info.el.querySelectorAll(".fc-event-title, .fc-list-event-title")) title.setAttribute("dir", "auto");
      refocus(info.el);
    },
    eventClick: (info: EventClickArg) => {
      info.jsEvent.preventDefault();
      const key = occurrenceKey(info.event.extendedProps);
      if (key) setup.open(key, info.el);
    },
    // Only the visible range is asked for; FullCalendar asks again when the range changes.
    events: (info, success, failure) => {
      const range = rangeOf(info.start, info.end);
      const early = ahead?.range === range ? ahead.events : undefined;
      ahead = undefined;
      (early ? Promise.resolve(early) : setup.load(info.start, info.end)).then((events) => {
        drawn = `${range} ${JSON.stringify(events)}`;
        // The first range is asked for while the calendar is being built: its view is known
        // from the answer on.
        const cap = dayCap(calendar.view.type, element.clientHeight, measureMonth(element));
        const thinned = thin(events, cap, info.start, info.end);
        held = thinned.held;
        loadedCap = cap;
        success(thinned.shown);
      }, (err: unknown) => {
        failure(err instanceof Error ? err : new Error("events could not be loaded"));
      });
    },
  });
  calendar.render();
  let labelled = "";
  refreshers.set(calendar, (labels) => {
    const { activeStart, activeEnd } = calendar.view;
    const range = rangeOf(activeStart, activeEnd);
    setup.load(activeStart, activeEnd).then((events) => {
      const shown = rangeOf(calendar.view.activeStart, calendar.view.activeEnd);
      const relabel = labels !== labelled;
      labelled = labels;
      if (shown !== range) return;
      if (`${range} ${JSON.stringify(events)}` === drawn) {
        // Only the hover texts changed (the first overview names the calendars): the drawn
        // elements are named again where they are.
        if (relabel) {
          for (const el of element.querySelectorAll<HTMLElement>("[data-event-id]")) {
            const event = calendar.getEventById(el.dataset["eventId"] ?? "");
            if (event) label(el, event);
          }
        }
        return;
      }
      ahead = { range, events };
      calendar.refetchEvents();
      // The loader says its own failures (main.ts); the drawn events stay.
    }, () => undefined);
  });
  if (editing && store) {
    const editable = (event: EventApi): boolean => {
      const key = occurrenceKey(event.extendedProps);
      return key !== null && editing.editable(key.calendar);
    };
    setUpKeyboardMoves(element, calendar, editable, store);
  }
  // The details panel and the banner change the room the calendar has without a window resize.
  new ResizeObserver(() => {
    calendar.updateSize();
    // Taller cells show more: ask again when the day cap grows past what was loaded.
    if (dayCap(calendar.view.type, element.clientHeight, measureMonth(element)) > loadedCap) calendar.refetchEvents();
  }).observe(element);
  return calendar;
}
