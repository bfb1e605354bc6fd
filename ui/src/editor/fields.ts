/**
 * Building blocks of the editor's forms: a labelled row, the line under a field that says what
 * is wrong with it (tied to the field for screen readers), and the calendar and zone choices.
 */
import { element } from "../dom";
import { describe } from "../notice";
import { knownZones, zoneLabel } from "../calendar/zone";
import type { Field, Problems } from "./draft";
import { clockText } from "./layout";
import type { WritableCalendar } from "../ipc";

/** A form row: its label (for the first control) and its controls. */
export function labelledRow(label: string, controlId: string, ...controls: HTMLElement[]): HTMLElement {
  const row = element("div", "editor-row");
  const text = element("label", "editor-label", label);
  text.htmlFor = controlId;
  const box = element("div", "editor-controls");
  box.append(...controls);
  row.append(text, box);
  return row;
}

/** The lines that say what is wrong, one per field, shown next to it. */
export interface ErrorLines {
  /** The line for `field`, tied to `controls` with `aria-describedby` and `aria-invalid`. */
  line(field: Field, ...controls: HTMLElement[]): HTMLElement;
  /** Shows `problems` (and clears the lines of fields without one). */
  show(problems: Problems): void;
  /** The first control with a problem, to focus. */
  firstInvalid(): HTMLElement | null;
}

/** Error lines whose ids start with `prefix`. */
export function errorLines(prefix: string): ErrorLines {
  const lines = new Map<Field, { line: HTMLElement; controls: HTMLElement[] }>();
  return {
    line(field, ...controls) {
      const line = element("p", "field-error");
      line.id = `${prefix}-${field}-error`;
      line.hidden = true;
      line.setAttribute("aria-live", "polite");
      for (const control of controls) control.setAttribute("aria-describedby", line.id);
      lines.set(field, { line, controls });
      return line;
    },
    show(problems) {
      for (const [field, { line, controls }] of lines) {
        const problem = problems[field];
        line.textContent = problem ?? "";
        line.hidden = problem === undefined;
        for (const control of controls) control.setAttribute("aria-invalid", String(problem !== undefined));
      }
    },
    firstInvalid() {
      for (const { line, controls } of lines.values()) if (!line.hidden) return controls[0] ?? null;
      return null;
    },
  };
}

/** A text input with its id and label for assistive technology. */
export function textInput(id: string, type: "text" | "url" | "date" | "number", label?: string): HTMLInputElement {
  const input = element("input", `editor-input editor-${type}`);
  input.type = type;
  input.id = id;
  input.autocomplete = "off";
  if (type === "text" || type === "url") input.spellcheck = type === "text";
  if (label) input.setAttribute("aria-label", label);
  return input;
}

const STEP_MINUTES = 15;

function timeOption(value: string, locale: string, hour12: boolean): HTMLOptionElement {
  return new Option(clockText(`2000-01-01T${value}:00`, locale, hour12), value);
}

/** Shows `value` (`HH:MM`) in a `timeChoice`, adding it when it is off the quarter hours. */
export function showTime(select: HTMLSelectElement, value: string, locale: string, hour12: boolean): void {
  if (![...select.options].some((o) => o.value === value) && /^\d{2}:\d{2}$/.test(value)) {
    const later = [...select.options].find((o) => o.value > value);
    select.add(timeOption(value, locale, hour12), later ?? null);
  }
  select.value = value;
}

/**
 * A time of day as a list of quarter hours written as the calendar writes times ("9:15 AM"),
 * as Apple and GNOME Calendar offer it; a native time field would follow the engine's own
 * 12/24-hour habit instead of the window's. Its value is `HH:MM`.
 */
export function timeChoice(id: string, label: string, value: string, locale: string, hour12: boolean): HTMLSelectElement {
  const select = element("select", "editor-select editor-time");
  select.id = id;
  select.setAttribute("aria-label", label);
  for (let minutes = 0; minutes < 24 * 60; minutes += STEP_MINUTES) {
    const text = `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
    select.add(timeOption(text, locale, hour12));
  }
  showTime(select, value, locale, hour12);
  return select;
}

/** The writable calendars as a select, with the chosen one's colour on a dot beside it. */
export function calendarChoice(id: string, calendars: readonly WritableCalendar[], chosen: number | null): { root: HTMLElement; select: HTMLSelectElement } {
  const root = element("span", "calendar-choice");
  const dot = element("span", "swatch");
  const select = element("select", "editor-select");
  select.id = id;
  select.append(...calendars.map((c) => new Option(c.name, String(c.id))));
  if (chosen !== null) select.value = String(chosen);
  const paint = (): void => {
    const calendar = calendars.find((c) => String(c.id) === select.value);
    dot.style.setProperty("--swatch", calendar?.color ?? "var(--muted)");
  };
  select.addEventListener("change", paint);
  paint();
  root.append(dot, select);
  return { root, select };
}

/** The calendar a new event's form starts with: `wanted` while it is writable, else the first
 * writable one (null when there is none). */
export function offeredCalendar(wanted: number | null, calendars: readonly WritableCalendar[]): number | null {
  return calendars.some((c) => c.id === wanted) ? wanted : (calendars[0]?.id ?? null);
}

/** The chosen calendar of a `calendarChoice` select. */
export function chosenCalendar(select: HTMLSelectElement): number | null {
  return select.value === "" ? null : Number(select.value);
}

/** Every zone the engine knows (and `zone`, should it not), as a select with `zone` chosen. */
export function zoneChoice(id: string, zone: string): HTMLSelectElement {
  const select = element("select", "editor-select editor-zone");
  select.id = id;
  const zones = knownZones();
  if (!zones.includes(zone)) zones.unshift(zone);
  select.append(...zones.map((z) => new Option(zoneLabel(z), z)));
  select.value = zone;
  return select;
}

/** The line under a form that says why saving failed (hidden until then). */
export interface FailureLine {
  readonly root: HTMLParagraphElement;
  /** Says why `err` kept the form's change from being stored: in the form while it still shows
   * the request that failed (`stillShown`), else through `elsewhere` (the toast), the form being
   * gone. */
  readonly show: (err: unknown, stillShown: boolean) => void;
}

/** A `FailureLine` whose message starts with `words` ("Not saved"). */
export function failureLine(className: string, words: string, elsewhere: (err: unknown) => void): FailureLine {
  const root = element("p", `form-error ${className}`);
  root.setAttribute("role", "alert");
  root.hidden = true;
  return {
    root,
    show: (err, stillShown) => {
      if (!stillShown) {
        elsewhere(err);
        return;
      }
      root.textContent = `${words}: ${describe(err)}`;
      root.hidden = false;
    },
  };
}
