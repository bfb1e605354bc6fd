/**
 * The editor's "Alerts" controls: one row per alert, each a preset or a custom time (so many
 * minutes, hours or days before; for an all-day event, so many days before at a time of day),
 * with a button to remove it and one to add another.
 */
import { element } from "../dom";
import { type AlertUnit, alertWords, customAllDay, customTimed, presetsFor, splitAllDay, splitMinutes } from "./alerts";
import { showTime, textInput, timeChoice } from "./fields";

const CUSTOM = "custom";

export interface AlertFields {
  root: HTMLElement;
  /** Shows `alerts` for an event of this kind. */
  set(alerts: readonly number[], allDay: boolean): void;
  /** The alerts chosen; `null` for a custom one that is not a usable number. */
  value(): (number | null)[];
  /** The event became all-day or timed: presets change; alerts that fit the new kind stay. */
  kindChanged(allDay: boolean): void;
}

export function alertFields(prefix: string, locale: string, hour12: boolean, changed: () => void): AlertFields {
  const root = element("div", "alert-fields");
  const list = element("ul", "alert-list");
  const add = element("button", "link-button alert-add", "Add alert");
  add.type = "button";
  add.id = `${prefix}-alert-add`;
  root.append(list, add);
  let allDay = false;
  let serial = 0;
  const rows: { li: HTMLElement; value: () => number | null }[] = [];

  const addRow = (minutes: number): void => {
    const n = ++serial;
    const li = element("li", "alert-row");
    const select = element("select", "editor-select");
    select.id = `${prefix}-alert-${String(n)}`;
    select.setAttribute("aria-label", "Alert");
    const presets = presetsFor(allDay);
    const options = presets.includes(minutes) ? presets : [...presets, minutes].sort((a, b) => a - b);
    select.append(...options.map((m) => new Option(alertWords(m, allDay, locale, hour12), String(m))), new Option("Custom…", CUSTOM));
    select.value = String(minutes);

    const custom = element("span", "alert-custom");
    const amount = textInput(`${prefix}-alert-${String(n)}-amount`, "number", allDay ? "Days before" : "How long before");
    amount.min = "0";
    amount.classList.add("editor-count");
    const unit = element("select", "editor-select");
    unit.setAttribute("aria-label", "Unit");
    unit.append(new Option("minutes before", "minutes"), new Option("hours before", "hours"), new Option("days before", "days"));
    const at = timeChoice(`${prefix}-alert-${String(n)}-time`, "At what time", "09:00", locale, hour12);
    if (allDay) {
      const { days, time } = splitAllDay(minutes);
      amount.value = String(days);
      showTime(at, time, locale, hour12);
      custom.append(amount, element("span", "muted", "days before at"), at);
    } else {
      const { amount: a, unit: u } = splitMinutes(minutes);
      amount.value = String(a);
      unit.value = u;
      custom.append(amount, unit);
    }
    custom.hidden = true;

    const remove = element("button", "icon-button alert-remove", "×");
    remove.type = "button";
    remove.setAttribute("aria-label", "Remove this alert");
    const row = {
      li,
      value: (): number | null => {
        if (select.value !== CUSTOM) return Number(select.value);
        return allDay ? customAllDay(amount.valueAsNumber, at.value) : customTimed(amount.valueAsNumber, unit.value as AlertUnit);
      },
    };
    remove.addEventListener("click", () => {
      rows.splice(rows.indexOf(row), 1);
      li.remove();
      add.focus();
      changed();
    });
    select.addEventListener("change", () => {
      custom.hidden = select.value !== CUSTOM;
      if (!custom.hidden) amount.focus();
      changed();
    });
    for (const control of [amount, unit, at]) control.addEventListener("input", changed);
    unit.addEventListener("change", changed);
    li.append(select, custom, remove);
    list.append(li);
    rows.push(row);
  };

  add.addEventListener("click", () => {
    const used = new Set(rows.map((r) => r.value()));
    const presets = presetsFor(allDay);
    // The usual first alert: 15 minutes before, or the day before at 9 AM; then the next unused.
    const preferred = allDay ? presets[1] : presets[3];
    const next = [preferred, ...presets].find((m) => m !== undefined && !used.has(m)) ?? presets[0] ?? 0;
    addRow(next);
    rows[rows.length - 1]?.li.querySelector("select")?.focus();
    changed();
  });

  const set = (alerts: readonly number[], kind: boolean): void => {
    allDay = kind;
    rows.length = 0;
    list.replaceChildren();
    for (const minutes of alerts) addRow(minutes);
  };
  return {
    root,
    set,
    value: () => rows.map((r) => r.value()),
    kindChanged(kind) {
      if (kind === allDay) return;
      const presets = presetsFor(kind);
      const kept = rows.map((r) => r.value()).map((m) => (m !== null && presets.includes(m) ? m : (kind ? presets[1] : presets[3])) ?? 0);
      set([...new Set(kept)], kind);
    },
  };
}
