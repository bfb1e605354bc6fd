/**
 * The editor's "Repeat" controls: the presets, and under "Custom…" every N days, weeks (on
 * chosen weekdays), months or years, ending never, on a date, or after N times, with the rule
 * in words below. A rule the editor cannot show (the shell's `custom_repeat_text`) is offered as
 * it is and kept unless the person picks another.
 */
import { element } from "../dom";
import { firstDayOfWeek } from "../calendar/view";
import type { ErrorLines } from "./fields";
import { labelledRow, textInput } from "./fields";
import { REPEAT_PRESETS, type RepeatPreset, daysOf, describeRule, presetOf, ruleFor, sameRepeat, weekdayName } from "./repeat";
import { WEEKDAYS, isDay, weekdayOf } from "./time";
import type { RepeatEnd, RepeatRule } from "../ipc";

const KEEP = "keep";
const FREQS: readonly { value: RepeatRule["freq"]; label: string }[] = [
  { value: "daily", label: "days" },
  { value: "weekly", label: "weeks" },
  { value: "monthly", label: "months" },
  { value: "yearly", label: "years" },
];

export interface RepeatFields {
  /** The "Repeat" row and the custom rule's rows under it. */
  rows: HTMLElement[];
  /** Shows `rule` for an event starting on `startDay`; `kept` is a rule shown only in words. */
  set(rule: RepeatRule | null, startDay: string, kept: string | null): void;
  /** The rule chosen, and whether its weekdays come from the day buttons. */
  value(): { rule: RepeatRule | null; custom: boolean };
  /** The event's first day changed: the words (and a new custom rule's weekday) follow. */
  startMoved(startDay: string): void;
}

/** Builds the controls; `changed` runs on every change (to check the form again). */
export function repeatFields(prefix: string, locale: string, errors: ErrorLines, changed: () => void): RepeatFields {
  const preset = element("select", "editor-select");
  preset.id = `${prefix}-repeat`;
  const keptOption = new Option("", KEEP);
  const presetOptions = REPEAT_PRESETS.map((p) => new Option(p.label, p.value));
  const noneOption = presetOptions[0];
  preset.append(...presetOptions);

  const interval = textInput(`${prefix}-interval`, "number", "Repeat every how many");
  interval.min = "1";
  interval.max = "999";
  interval.classList.add("editor-count");
  const freq = element("select", "editor-select");
  freq.setAttribute("aria-label", "Repeat unit");
  freq.append(...FREQS.map((f) => new Option(f.label, f.value)));
  const everyRow = labelledRow("Every", interval.id, interval, freq, errors.line("interval", interval));

  const days = element("div", "weekday-buttons");
  days.setAttribute("role", "group");
  days.setAttribute("aria-label", "On these days");
  const first = firstDayOfWeek(locale);
  const ordered = [...WEEKDAYS.slice(first), ...WEEKDAYS.slice(0, first)];
  const dayButtons = ordered.map((code) => {
    const button = element("button", "weekday-button", weekdayName(code, locale, "short"));
    button.type = "button";
    button.dataset["day"] = code;
    button.setAttribute("aria-label", weekdayName(code, locale));
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", () => {
      button.setAttribute("aria-pressed", String(button.getAttribute("aria-pressed") !== "true"));
      update();
    });
    return button;
  });
  days.append(...dayButtons);
  const daysRow = labelledRow("On", `${prefix}-day-${ordered[0] ?? "MO"}`, days, errors.line("days", days));
  dayButtons[0]?.setAttribute("id", `${prefix}-day-${ordered[0] ?? "MO"}`);

  const endKind = element("select", "editor-select");
  endKind.id = `${prefix}-repeat-end`;
  endKind.append(new Option("Never", "never"), new Option("On a date", "until"), new Option("After a number of times", "count"));
  const until = textInput(`${prefix}-until`, "date", "Last day it repeats");
  const count = textInput(`${prefix}-count`, "number", "How many times");
  count.min = "1";
  count.classList.add("editor-count");
  const times = element("span", "muted", "times");
  const endRow = labelledRow("Ends", endKind.id, endKind, until, count, times, errors.line("until", until), errors.line("count", count));
  const summary = element("p", "repeat-summary muted");
  summary.setAttribute("aria-live", "polite");
  endRow.querySelector(".editor-controls")?.append(summary);

  const customRows = [everyRow, daysRow, endRow];
  for (const row of customRows) row.classList.add("repeat-custom");
  const presetRow = labelledRow("Repeat", preset.id, preset);

  let startDay = "";
  let custom: RepeatRule = { freq: "weekly", interval: 1, by_day: [], end: { kind: "never" } };

  const customRule = (): RepeatRule => {
    const end: RepeatEnd =
      endKind.value === "until" ? { kind: "until", date: until.value } : endKind.value === "count" ? { kind: "count", count: count.valueAsNumber } : { kind: "never" };
    const chosen = dayButtons.filter((b) => b.getAttribute("aria-pressed") === "true").map((b) => b.dataset["day"] ?? "");
    const unit = FREQS.find((f) => f.value === freq.value)?.value ?? "weekly";
    return { freq: unit, interval: interval.valueAsNumber, by_day: unit === "weekly" ? WEEKDAYS.filter((d) => chosen.includes(d)) : [], end };
  };
  const showCustom = (rule: RepeatRule): void => {
    interval.value = String(rule.interval);
    freq.value = rule.freq;
    const on: readonly string[] = daysOf(rule, startDay);
    for (const b of dayButtons) b.setAttribute("aria-pressed", String(on.includes(b.dataset["day"] ?? "")));
    endKind.value = rule.end.kind;
    until.value = rule.end.kind === "until" ? rule.end.date : "";
    count.value = rule.end.kind === "count" ? String(rule.end.count) : "10";
  };
  const layout = (): void => {
    const isCustom = preset.value === "custom";
    for (const row of customRows) row.hidden = !isCustom;
    daysRow.hidden = !isCustom || freq.value !== "weekly";
    until.hidden = endKind.value !== "until";
    count.hidden = times.hidden = endKind.value !== "count";
    if (isCustom) {
      custom = customRule();
      const readable =
        Number.isInteger(custom.interval) &&
        custom.interval > 0 &&
        (custom.freq !== "weekly" || custom.by_day.length > 0) &&
        (custom.end.kind !== "until" || isDay(custom.end.date));
      summary.textContent = readable ? describeRule(custom, startDay, locale) : "";
    }
  };
  const update = (): void => {
    layout();
    changed();
  };
  preset.addEventListener("change", () => {
    if (preset.value === "custom") showCustom(custom.by_day.length > 0 ? custom : (ruleFor("custom", startDay) ?? custom));
    update();
  });
  for (const control of [interval, freq, endKind, until, count]) control.addEventListener("input", update);
  for (const control of [freq, endKind]) control.addEventListener("change", update);

  let kept: RepeatRule | null = null;
  return {
    rows: [presetRow, ...customRows],
    set(rule, day, keptText) {
      startDay = day;
      // Not every engine hides an option: the kept rule's is there only while there is one. The
      // shell keeps such a rule unless another replaces it, so "Does not repeat" goes meanwhile.
      keptOption.text = keptText ?? "";
      if (keptText === null) {
        keptOption.remove();
        if (noneOption) preset.prepend(noneOption);
      } else {
        noneOption?.remove();
        preset.prepend(keptOption);
      }
      kept = rule;
      const chosen: RepeatPreset | typeof KEEP = keptText !== null ? KEEP : presetOf(rule, day);
      preset.value = chosen;
      custom = rule && chosen === "custom" ? rule : (ruleFor("custom", day) ?? custom);
      showCustom(custom);
      layout();
    },
    value() {
      if (preset.value === KEEP) return { rule: kept, custom: false };
      const custom = preset.value === "custom";
      const rule = custom ? customRule() : ruleFor(preset.value as RepeatPreset, startDay);
      // A rule shown as it was stays exactly as it was: nothing unasked reaches the server.
      return sameRepeat(rule, kept, startDay) ? { rule: kept, custom: false } : { rule, custom };
    },
    startMoved(day) {
      // A custom weekly rule on the start's weekday alone moves with the start.
      const current = customRule();
      const followed = preset.value === "custom" && current.freq === "weekly" && current.by_day.length === 1 && current.by_day[0] === weekdayOf(startDay);
      startDay = day;
      if (followed) showCustom({ ...current, by_day: [weekdayOf(day)] });
      layout();
    },
  };
}
