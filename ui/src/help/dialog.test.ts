import { describe, expect, it } from "vitest";
import { SHORTCUTS } from "../keyboard";
import { renderShortcuts } from "./dialog";

describe("renderShortcuts", () => {
  it("lists each shortcut's keys, with 'or' between them, and what it does", () => {
    const list = document.createElement("dl");
    renderShortcuts(list, [
      { keys: ["←", "k"], what: "Previous" },
      { keys: ["<b>"], what: "Bold <i>" },
    ]);
    expect([...list.children].map((c) => c.tagName)).toEqual(["DT", "DD", "DT", "DD"]);
    expect(list.children[0]?.textContent).toBe("← or k");
    expect(list.children[0]?.querySelectorAll("kbd")).toHaveLength(2);
    expect(list.children[1]?.textContent).toBe("Previous");
    expect(list.querySelector("b, i")).toBeNull();
    expect(list.children[3]?.textContent).toBe("Bold <i>");
  });

  it("has a line for every shortcut the window knows", () => {
    const list = document.createElement("dl");
    renderShortcuts(list, SHORTCUTS);
    expect(list.querySelectorAll("dt")).toHaveLength(SHORTCUTS.length);
    expect(list.textContent).toContain("Go to a date");
  });
});
