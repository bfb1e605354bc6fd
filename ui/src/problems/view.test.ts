import { describe, expect, it } from "vitest";
import { renderProblems } from "./view";

describe("renderProblems", () => {
  it("names the calendar, the event and the reason, as text", () => {
    const list = document.createElement("ul");
    renderProblems(list, [
      { calendar_name: "Home", summary: "<img src=x onerror=alert(1)>", uid: "unparseable-demo@almanac-demo", reason: "the object is too large" },
      { calendar_name: "Work", summary: null, uid: null, reason: "no event" },
    ]);
    expect(list.querySelector("img")).toBeNull();
    const items = list.querySelectorAll(".problem");
    expect(items).toHaveLength(2);
    expect(items[0]?.querySelector(".problem-summary")?.textContent).toBe("<img src=x onerror=alert(1)>");
    expect(items[0]?.textContent).toContain("Calendar: Home");
    expect(items[0]?.textContent).toContain("UID: unparseable-demo@almanac-demo");
    expect(items[0]?.textContent).toContain("Why: the object is too large");
    expect(items[1]?.textContent).toContain("(No title found)");
  });

  it("says so when there are none", () => {
    const list = document.createElement("ul");
    renderProblems(list, []);
    expect(list.textContent).toContain("No sync problems");
  });
});
