import { describe, expect, it, vi } from "vitest";
import { renderResults, setUpSearch } from "./panel";

describe("renderResults", () => {
  it("shows hostile titles as text and jumps to the chosen day", () => {
    const list = document.body.appendChild(document.createElement("ul"));
    const choose = vi.fn();
    renderResults(
      list,
      [{ id: "1", title: "<script>alert(1)</script>", calendar_name: "Work", location: null, date: "2026-12-01" }],
      "alert",
      choose,
    );
    expect(list.querySelector("script")).toBeNull();
    expect(list.textContent).toContain("<script>alert(1)</script>");
    expect(list.textContent).toContain("Dec 1, 2026 · Work");
    list.querySelector("button")?.click();
    expect(choose).toHaveBeenCalledWith("2026-12-01");
  });

  it("says so when nothing matches", () => {
    const list = document.createElement("ul");
    renderResults(list, [], "dentist", vi.fn());
    expect(list.hidden).toBe(false);
    expect(list.textContent).toBe("No saved event matches “dentist”.");
  });
});

describe("setUpSearch", () => {
  it("says in words why a search failed", async () => {
    const input = document.body.appendChild(document.createElement("input"));
    const list = document.body.appendChild(document.createElement("ul"));
    const find = vi.fn(() => Promise.reject(new Error("The saved calendars could not be read.")));
    setUpSearch(input, list, find, vi.fn(), (err) => (err instanceof Error ? err.message : "failed"));
    input.value = "dentist";
    input.dispatchEvent(new Event("input"));
    await vi.waitFor(() => {
      expect(list.textContent).toBe("The saved calendars could not be read.");
    });
    expect(find).toHaveBeenCalledWith("dentist");
    expect(list.hidden).toBe(false);
  });
});
