/**
 * The quick-create popover, beside the slot a person clicked or dragged (or under the toolbar for
 * the "New event" button and the `n` key): a title, the time, the calendar, "More…" for the full
 * editor, and "Add". Enter adds, Escape or a click outside closes it.
 */
import { element } from "../dom";
import { formatSpan } from "../details/format";
import type { EditorCommands } from "./commands";
import { type FormValues, problemsOf, toDraft } from "./draft";
import { calendarChoice, chosenCalendar, errorLines, failureLine, offeredCalendar, textInput, timeChoice } from "./fields";
import { openModal, positionPopover, ticketedDialog } from "./modal";
import type { Changes } from "./undo";
import type { WritableCalendar } from "../ipc";
import { addDays } from "./time";

export interface PopoverContext {
  commands: Pick<EditorCommands, "writableCalendars" | "createEvent">;
  changes: Changes;
  /** "More…": the full editor with what the popover has. */
  more(values: FormValues): void;
  /** The popover closed (the calendar drops its selection). */
  closed(): void;
  locale: string;
  hour12: boolean;
}

export interface QuickCreate {
  /** Opens the popover for `values`, beside `anchor` (or as a sheet under the toolbar). */
  show(values: FormValues, anchor: HTMLElement | null): void;
  readonly open: boolean;
}

const ID = "quick-create";

/** The popover's CSS class, so the calendar keeps its selection while a click lands in it
 * (FullCalendar's `unselectCancel`). */
export const POPOVER_SELECTOR = ".quick-create";

/** Sets up the popover (added to the document once). */
export function setUpQuickCreate(ctx: PopoverContext): QuickCreate {
  const session = ticketedDialog("card quick-create", "New event", () => {
    ctx.closed();
  });
  const { dialog, close } = session;
  // A click on the backdrop (outside the popover's box) closes it, as popovers do.
  dialog.addEventListener("click", (e) => {
    if (e.target !== dialog) return;
    const box = dialog.getBoundingClientRect();
    const inside = e.clientX >= box.left && e.clientX <= box.right && e.clientY >= box.top && e.clientY <= box.bottom;
    if (!inside) close();
  });

  const render = (values: FormValues, anchor: HTMLElement | null, calendars: readonly WritableCalendar[]): void => {
    const errors = errorLines(ID);
    const form = element("form", "quick-create-form");
    form.noValidate = true;
    const title = textInput(`${ID}-title`, "text", "Title");
    title.classList.add("quick-title");
    title.placeholder = "New event";
    title.value = values.title;
    title.dir = "auto";

    const when = element("div", "quick-when");
    const start = timeChoice(`${ID}-start`, "Start time", values.startTime, ctx.locale, ctx.hour12);
    const end = timeChoice(`${ID}-end`, "End time", values.endTime, ctx.locale, ctx.hour12);
    const oneDay = values.startDay === values.endDay;
    if (values.allDay || !oneDay) {
      const endExclusive = values.allDay ? addDays(values.endDay, 1) : `${values.endDay}T${values.endTime}:00`;
      const startText = values.allDay ? values.startDay : `${values.startDay}T${values.startTime}:00`;
      when.append(element("p", "quick-span", formatSpan(startText, endExclusive, values.allDay, ctx.locale)));
    } else {
      const day = new Intl.DateTimeFormat(ctx.locale, { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" }).format(new Date(`${values.startDay}T00:00:00Z`));
      const times = element("span", "quick-times");
      times.append(start, element("span", "muted", "–"), end);
      when.append(element("p", "quick-day", day), times);
    }
    const read = (): FormValues => ({
      ...values,
      title: title.value,
      calendar: chosenCalendar(calendar.select),
      startTime: values.allDay || !oneDay ? values.startTime : start.value,
      endTime: values.allDay || !oneDay ? values.endTime : end.value,
    });
    when.append(errors.line("end", end), errors.line("start", start));

    const calendar = calendarChoice(`${ID}-calendar`, calendars, values.calendar);
    calendar.root.classList.add("quick-calendar");
    calendar.select.setAttribute("aria-label", "Calendar");
    const none = calendars.length === 0 ? [element("p", "field-error", "None of your calendars takes new events.")] : [];

    const failure = failureLine("quick-failure", "Not added", ctx.changes.failed);
    const actions = element("div", "quick-actions");
    const more = element("button", "link-button quick-more", "More…");
    more.type = "button";
    more.title = "All the details: repeat, alerts, location, notes";
    more.addEventListener("click", () => {
      const chosen = read();
      close();
      ctx.more(chosen);
    });
    const add = element("button", "primary quick-add", "Add");
    add.type = "submit";
    add.disabled = calendars.length === 0;
    actions.append(more, add);
    form.append(title, when, calendar.root, ...none, failure.root, actions);
    dialog.replaceChildren(form);

    for (const input of [start, end]) {
      input.addEventListener("input", () => {
        errors.show(problemsOf(read()));
      });
    }
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (add.disabled) return;
      const result = toDraft(read());
      if ("problems" in result) {
        errors.show(result.problems);
        errors.firstInvalid()?.focus();
        return;
      }
      const mine = session.ticket;
      add.disabled = true;
      failure.root.hidden = true;
      ctx.commands
        .createEvent(result.draft)
        .then((receipt) => {
          if (session.current(mine)) close();
          ctx.changes.changed(receipt, "Event added.");
        })
        .catch((err: unknown) => {
          add.disabled = false;
          failure.show(err, session.current(mine));
        });
    });
    openModal(dialog);
    positionPopover(dialog, anchor);
    title.focus();
  };

  return {
    show(values, anchor) {
      const mine = session.next();
      ctx.commands
        .writableCalendars()
        .then((calendars) => {
          if (!session.current(mine)) return;
          const chosen = offeredCalendar(values.calendar, calendars);
          render({ ...values, calendar: chosen }, anchor, calendars);
        })
        .catch((err: unknown) => {
          if (session.current(mine)) ctx.changes.failed(err);
        });
    },
    get open() {
      return dialog.open;
    },
  };
}
