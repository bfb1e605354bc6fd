/**
 * The full editor: title, calendar (writable ones only, the last used first), all-day, start and
 * end with their time zone (the display zone for a new event), repeat, alerts, location, web
 * address and notes. What is wrong is said in words under its field; Enter saves, Escape closes.
 * An existing event opens filled from the shell's `editor_fields`; a repeating one asks which
 * occurrences a change applies to when it is saved. The shell changes only what differs.
 */
import { closeButton, element } from "../dom";
import { describe } from "../notice";
import type { EditorCommands } from "./commands";
import { type Field, type FormValues, keepLength, problemsOf, toDraft, valuesForDraft } from "./draft";
import { calendarChoice, chosenCalendar, errorLines, failureLine, offeredCalendar, labelledRow, showTime, textInput, timeChoice, zoneChoice } from "./fields";
import { alertFields } from "./alert-fields";
import { openModal, ticketedDialog } from "./modal";
import { repeatFields } from "./repeat-fields";
import type { AskScope } from "./scope";
import type { Changes } from "./undo";
import type { EditorFields, EventRef, RepeatRule, WritableCalendar } from "../ipc";

export interface EditorContext {
  commands: EditorCommands;
  changes: Changes;
  askScope: AskScope;
  /** Deletes an event (the shared flow, with its questions); says whether it did. */
  remove(event: EventRef): Promise<boolean>;
  locale: string;
  hour12: boolean;
}

export interface FullEditor {
  /** A new event with these values (a slot, or what the popover had). */
  create(values: FormValues): void;
  /** An existing event, filled from the shell. */
  edit(event: EventRef): void;
  readonly open: boolean;
}

/** What an open editor works on. */
type Target = { kind: "new" } | { kind: "existing"; event: EventRef; fields: EditorFields };

const ID = "editor";

function sameRule(a: RepeatRule | null, b: RepeatRule | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Sets up the editor's dialog (added to the document once). */
export function setUpFullEditor(ctx: EditorContext): FullEditor {
  const session = ticketedDialog("card panel-dialog editor-dialog", "Event");
  const { dialog, close } = session;

  /** Builds the form for `values` into the dialog. */
  const render = (target: Target, values: FormValues, calendars: readonly WritableCalendar[]): void => {
    const errors = errorLines(ID);
    const form = element("form", "editor-form");
    form.noValidate = true;
    const head = element("div", "dialog-head");
    const heading = element("h2", undefined, target.kind === "new" ? "New event" : "Edit event");
    heading.id = `${ID}-heading`;
    dialog.removeAttribute("aria-label");
    dialog.setAttribute("aria-labelledby", heading.id);
    const dismiss = closeButton("", "Close the editor", close);
    dismiss.title = "Close (Esc)";
    head.append(heading, dismiss);

    const body = element("div", "dialog-body editor-body");
    const title = textInput(`${ID}-title`, "text", "Title");
    title.classList.add("editor-title");
    title.placeholder = "New event";
    title.value = values.title;
    title.dir = "auto";

    const calendar = calendarChoice(`${ID}-calendar`, calendars, values.calendar);
    const allDay = element("input");
    allDay.type = "checkbox";
    allDay.id = `${ID}-all-day`;
    allDay.checked = values.allDay;
    const startDay = textInput(`${ID}-start-day`, "date", "Start day");
    const startTime = timeChoice(`${ID}-start-time`, "Start time", values.startTime, ctx.locale, ctx.hour12);
    const endDay = textInput(`${ID}-end-day`, "date", "End day");
    const endTime = timeChoice(`${ID}-end-time`, "End time", values.endTime, ctx.locale, ctx.hour12);
    startDay.value = values.startDay;
    endDay.value = values.endDay;
    const zone = zoneChoice(`${ID}-zone`, values.zone);
    const location = textInput(`${ID}-location`, "text");
    location.value = values.location;
    location.dir = "auto";
    const url = textInput(`${ID}-url`, "url");
    url.value = values.url;
    url.placeholder = "https://";
    const notes = element("textarea", "editor-input editor-notes");
    notes.id = `${ID}-notes`;
    notes.rows = 4;
    notes.value = values.notes;
    notes.dir = "auto";

    let attempted = false;
    const touched = new Set<Field>();
    const check = (): void => {
      const problems = problemsOf(read());
      errors.show(attempted ? problems : Object.fromEntries(Object.entries(problems).filter(([f]) => touched.has(f as Field))));
    };
    const repeat = repeatFields(ID, ctx.locale, errors, () => {
      touched.add("interval").add("days").add("until").add("count");
      check();
    });
    repeat.set(values.repeat, values.startDay, target.kind === "existing" ? target.fields.custom_repeat_text : null);
    const alerts = alertFields(ID, ctx.locale, ctx.hour12, () => {
      touched.add("alerts");
      check();
    });
    alerts.set(values.alerts.filter((a): a is number => a !== null), values.allDay);

    const read = (): FormValues => {
      const rule = repeat.value();
      return {
        title: title.value,
        calendar: chosenCalendar(calendar.select),
        allDay: allDay.checked,
        startDay: startDay.value,
        startTime: startTime.value,
        endDay: endDay.value,
        endTime: endTime.value,
        zone: zone.value,
        repeat: rule.rule,
        customRepeat: rule.custom,
        alerts: alerts.value(),
        location: location.value,
        url: url.value,
        notes: notes.value,
      };
    };

    const startRow = labelledRow("Starts", startDay.id, startDay, startTime, errors.line("start", startDay, startTime));
    const endRow = labelledRow("Ends", endDay.id, endDay, endTime, errors.line("end", endDay, endTime));
    const zoneRow = labelledRow("Time zone", zone.id, zone);
    const showKind = (): void => {
      startTime.hidden = endTime.hidden = allDay.checked;
      zoneRow.hidden = allDay.checked;
    };
    showKind();
    let before = values;
    for (const input of [startDay, startTime]) {
      input.addEventListener("input", () => {
        const moved = keepLength(before, read());
        endDay.value = moved.endDay;
        showTime(endTime, moved.endTime, ctx.locale, ctx.hour12);
        repeat.startMoved(moved.startDay);
        touched.add("start");
        before = read();
        check();
      });
    }
    for (const input of [endDay, endTime]) {
      input.addEventListener("input", () => {
        touched.add("end");
        before = read();
        check();
      });
    }
    allDay.addEventListener("change", () => {
      showKind();
      alerts.kindChanged(allDay.checked);
      before = read();
      check();
    });
    url.addEventListener("change", () => {
      touched.add("url");
      check();
    });
    calendar.select.addEventListener("change", check);

    const allDayLabel = element("label", "check");
    allDayLabel.append(allDay, element("span", undefined, "All day"));
    const notices: HTMLElement[] = [];
    if (target.kind === "existing" && target.fields.has_attendees) {
      notices.push(
        element(
          "p",
          "editor-note muted",
          target.fields.organizer_is_me
            ? "This event has attendees: when you save, the server sends them the update."
            : "You were invited to this event: changes stay in your calendar; the organizer is not told.",
        ),
      );
    }
    const noCalendar = calendars.length === 0 ? [element("p", "field-error", "None of your calendars takes new events.")] : [];
    body.append(
      title,
      ...notices,
      labelledRow("Calendar", calendar.select.id, calendar.root, ...noCalendar, errors.line("calendar", calendar.select)),
      labelledRow("", allDay.id, allDayLabel),
      startRow,
      endRow,
      zoneRow,
      ...repeat.rows,
      labelledRow("Alerts", alerts.root.querySelector("select")?.id ?? `${ID}-alert-add`, alerts.root, errors.line("alerts", alerts.root)),
      labelledRow("Location", location.id, location),
      labelledRow("Web address", url.id, url, errors.line("url", url)),
      labelledRow("Notes", notes.id, notes),
    );

    const failure = failureLine("editor-failure", "Not saved", ctx.changes.failed);
    const actions = element("div", "actions editor-actions");
    if (target.kind === "existing") {
      const remove = element("button", "secondary editor-delete", "Delete event");
      remove.type = "button";
      remove.addEventListener("click", () => {
        ctx
          .remove(target.event)
          .then((deleted) => {
            if (deleted) close();
          })
          .catch(ctx.changes.failed);
      });
      actions.append(remove);
    }
    const cancel = element("button", "secondary", "Cancel");
    cancel.type = "button";
    cancel.addEventListener("click", close);
    const save = element("button", "primary editor-save", target.kind === "new" ? "Add event" : "Save");
    save.type = "submit";
    save.disabled = calendars.length === 0;
    actions.append(cancel, save);
    form.append(head, body, failure.root, actions);
    dialog.replaceChildren(form);

    notes.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) form.requestSubmit();
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (save.disabled) return;
      attempted = true;
      const values = read();
      const result = toDraft(values, target.kind === "new");
      if ("problems" in result) {
        errors.show(result.problems);
        errors.firstInvalid()?.focus();
        return;
      }
      const mine = session.ticket;
      save.disabled = true;
      failure.root.hidden = true;
      const store = async (): Promise<void> => {
        try {
          if (target.kind === "new") {
            const receipt = await ctx.commands.createEvent(result.draft);
            if (session.current(mine)) close();
            ctx.changes.changed(receipt, "Event added.");
            return;
          }
          const { fields, event } = target;
          const scope = fields.recurring ? await ctx.askScope({ action: "save", allowThis: sameRule(result.draft.repeat, fields.repeat) }) : "all";
          if (scope === null) return;
          const receipt = await ctx.commands.updateEvent(event, scope, result.draft);
          if (session.current(mine)) close();
          ctx.changes.changed(receipt, "Event changed.", event);
        } finally {
          save.disabled = false;
        }
      };
      store().catch((err: unknown) => {
        failure.show(err, session.current(mine));
      });
    });
    openModal(dialog);
    title.focus();
  };

  /** Says in the dialog why it cannot show the form. */
  const message = (text: string): void => {
    const box = element("div", "editor-message");
    const p = element("p", undefined, text);
    p.setAttribute("role", "alert");
    const ok = element("button", "primary", "Close");
    ok.type = "button";
    ok.addEventListener("click", close);
    const actions = element("div", "actions");
    actions.append(ok);
    box.append(element("h2", undefined, "Edit event"), p, actions);
    dialog.replaceChildren(box);
    openModal(dialog);
    ok.focus();
  };

  return {
    create(values) {
      const mine = session.next();
      ctx.commands
        .writableCalendars()
        .then((calendars) => {
          if (!session.current(mine)) return;
          const chosen = offeredCalendar(values.calendar, calendars);
          render({ kind: "new" }, { ...values, calendar: chosen }, calendars);
        })
        .catch((err: unknown) => {
          if (session.current(mine)) message(`Almanac could not list your calendars: ${describe(err)}`);
        });
    },
    edit(event) {
      const mine = session.next();
      Promise.all([ctx.commands.editorFields(event), ctx.commands.writableCalendars()])
        .then(([fields, calendars]) => {
          if (!session.current(mine)) return;
          if (fields.read_only) {
            message(`This event cannot be changed here. ${fields.read_only_reason ?? "Its calendar is read-only."}`);
            return;
          }
          // A calendar change moves the event within its account.
          const account = calendars.find((c) => c.id === fields.calendar)?.account;
          render({ kind: "existing", event, fields }, valuesForDraft(fields), calendars.filter((c) => c.account === account));
        })
        .catch((err: unknown) => {
          if (session.current(mine)) message(`Almanac could not open this event: ${describe(err)}`);
        });
    },
    get open() {
      return dialog.open;
    },
  };
}
