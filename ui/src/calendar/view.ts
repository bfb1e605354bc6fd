/**
 * The calendar surface: FullCalendar's month, week, day, agenda and year views, set up for the
 * person's locale (week start, 12/24 h) and fed only the visible range.
 */
import { Calendar, type EventInput } from "@fullcalendar/core";
import dayGridPlugin from "@fullcalendar/daygrid";
import listPlugin from "@fullcalendar/list";
import multiMonthPlugin from "@fullcalendar/multimonth";
import timeGridPlugin from "@fullcalendar/timegrid";

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

/** Loads the events overlapping a visible range. */
export type EventLoader = (from: Date, to: Date) => Promise<EventInput[]>;

/** Mounts the calendar into `element` and returns it. */
export function mountCalendar(element: HTMLElement, locale: string, load: EventLoader): Calendar {
  const hour12 = uses12HourClock(locale);
  const calendar = new Calendar(element, {
    plugins: [dayGridPlugin, timeGridPlugin, listPlugin, multiMonthPlugin],
    initialView: "dayGridMonth",
    locale,
    firstDay: firstDayOfWeek(locale),
    height: "100%",
    nowIndicator: true,
    dayMaxEvents: true,
    eventTimeFormat: { hour: "numeric", minute: "2-digit", hour12 },
    slotLabelFormat: { hour: "numeric", minute: "2-digit", hour12 },
    headerToolbar: {
      left: "prev,next today",
      center: "title",
      right: "multiMonthYear,dayGridMonth,timeGridWeek,timeGridDay,listWeek",
    },
    buttonText: { today: "Today", year: "Year", month: "Month", week: "Week", day: "Day", list: "Agenda" },
    views: { listWeek: { buttonText: "Agenda" }, multiMonthYear: { buttonText: "Year" } },
    // Only the visible range is asked for; FullCalendar asks again when the range changes.
    events: (info, success, failure) => {
      load(info.start, info.end).then(success, (err: unknown) => {
        failure(err instanceof Error ? err : new Error("events could not be loaded"));
      });
    },
  });
  calendar.render();
  return calendar;
}
