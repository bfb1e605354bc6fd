import { describe, expect, it } from "vitest";
import { errorLines, showTime, timeChoice } from "./fields";

describe("a time of day", () => {
  it("offers quarter hours written as the calendar writes times", () => {
    const select = timeChoice("t", "Start time", "09:15", "en-US", true);
    expect(select.options).toHaveLength(96);
    expect(select.selectedOptions[0]?.text).toBe("9:15 AM");
    expect([...select.options].slice(36, 38).map((o) => o.text)).toEqual(["9 AM", "9:15 AM"]);
    expect(timeChoice("t", "Start time", "20:15", "en-GB", false).selectedOptions[0]?.text).toBe("20:15");
  });

  it("keeps a time off the quarter hours, in order", () => {
    const select = timeChoice("t", "Start time", "09:07", "en-US", true);
    expect(select.value).toBe("09:07");
    expect(select.options[37]?.value).toBe("09:07");
    showTime(select, "23:50", "en-US", true);
    expect(select.options[select.options.length - 1]?.value).toBe("23:50");
    expect(select.value).toBe("23:50");
  });
});

describe("error lines", () => {
  it("tie each problem to its field and clear it when fixed", () => {
    const lines = errorLines("x");
    const input = document.createElement("input");
    const line = lines.line("end", input);
    lines.show({ end: "The event ends before it starts." });
    expect(line.hidden).toBe(false);
    expect(input.getAttribute("aria-describedby")).toBe("x-end-error");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(lines.firstInvalid()).toBe(input);
    lines.show({});
    expect(line.hidden).toBe(true);
    expect(input.getAttribute("aria-invalid")).toBe("false");
  });
});
