import { describe, expect, it } from "vitest";
import { describeRule, presetOf, repeatProblems, ruleFor, sameRepeat } from "./repeat";
import type { RepeatRule } from "../ipc";

const TUESDAY = "2028-02-29";

describe("repeat presets", () => {
  it("round-trips every preset", () => {
    for (const preset of ["none", "daily", "weekdays", "weekly", "biweekly", "monthly", "yearly"] as const) {
      expect(presetOf(ruleFor(preset, TUESDAY), TUESDAY)).toBe(preset);
    }
  });

  it("shows a weekly rule on the start's own weekday as a preset, other days as custom", () => {
    const onTuesday: RepeatRule = { freq: "weekly", interval: 1, by_day: ["TU"], end: { kind: "never" } };
    expect(presetOf(onTuesday, TUESDAY)).toBe("weekly");
    expect(presetOf({ ...onTuesday, by_day: ["MO", "WE"] }, TUESDAY)).toBe("custom");
    expect(presetOf({ ...onTuesday, interval: 3 }, TUESDAY)).toBe("custom");
    expect(presetOf({ ...onTuesday, end: { kind: "count", count: 5 } }, TUESDAY)).toBe("custom");
  });

  it("starts a custom rule on the start's weekday", () => {
    expect(ruleFor("custom", TUESDAY)).toEqual({ freq: "weekly", interval: 1, by_day: ["TU"], end: { kind: "never" } });
  });
});

describe("repeat problems", () => {
  const rule: RepeatRule = { freq: "weekly", interval: 2, by_day: ["MO"], end: { kind: "never" } };

  it("says what is wrong, by field", () => {
    expect(repeatProblems(rule, TUESDAY)).toEqual({});
    expect(repeatProblems({ ...rule, interval: 0 }, TUESDAY).interval).toMatch(/1 to 999/);
    expect(repeatProblems({ ...rule, interval: 1.5 }, TUESDAY).interval).toBeDefined();
    expect(repeatProblems({ ...rule, end: { kind: "until", date: "2028-02-01" } }, TUESDAY).until).toMatch(/before the event starts/);
    expect(repeatProblems({ ...rule, end: { kind: "until", date: "" } }, TUESDAY).until).toMatch(/last day/);
    expect(repeatProblems({ ...rule, end: { kind: "count", count: 0 } }, TUESDAY).count).toBeDefined();
    expect(repeatProblems({ ...rule, by_day: [] }, TUESDAY, true).days).toMatch(/at least one day/);
    expect(repeatProblems({ ...rule, by_day: [] }, TUESDAY, false).days).toBeUndefined();
  });
});

describe("a rule in words", () => {
  it("says every, the days and the end", () => {
    expect(describeRule({ freq: "weekly", interval: 2, by_day: ["MO", "WE"], end: { kind: "count", count: 10 } }, TUESDAY, "en-US")).toBe(
      "Every 2 weeks on Monday and Wednesday, 10 times",
    );
    expect(describeRule({ freq: "daily", interval: 1, by_day: [], end: { kind: "until", date: "2028-03-31" } }, TUESDAY, "en-GB")).toBe(
      "Every day, until 31 March 2028",
    );
    expect(describeRule({ freq: "weekly", interval: 1, by_day: [], end: { kind: "never" } }, TUESDAY, "en-US")).toBe("Every week on Tuesday");
  });
});

describe("rules alike", () => {
  it("reads a weekly rule without weekdays as the start's weekday", () => {
    const plain: RepeatRule = { freq: "weekly", interval: 1, by_day: [], end: { kind: "count", count: 6 } };
    expect(sameRepeat(plain, { ...plain, by_day: ["TU"] }, TUESDAY)).toBe(true);
    expect(sameRepeat(plain, { ...plain, by_day: ["WE"] }, TUESDAY)).toBe(false);
    expect(sameRepeat(plain, { ...plain, end: { kind: "count", count: 7 } }, TUESDAY)).toBe(false);
    expect(sameRepeat(null, null, TUESDAY)).toBe(true);
    expect(sameRepeat(plain, null, TUESDAY)).toBe(false);
  });
});
