import { describe, expect, it, vi } from "vitest";
import { isTyping, setUpShortcuts, shortcutFor } from "./keyboard";

const press = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key, ctrlKey: false, metaKey: false, altKey: false, ...mods,
});

describe("shortcutFor", () => {
  it("maps the documented keys", () => {
    expect(shortcutFor(press("t"))).toEqual({ kind: "today" });
    expect(shortcutFor(press("ArrowLeft"))).toEqual({ kind: "prev" });
    expect(shortcutFor(press("k"))).toEqual({ kind: "prev" });
    expect(shortcutFor(press("ArrowRight"))).toEqual({ kind: "next" });
    expect(shortcutFor(press("j"))).toEqual({ kind: "next" });
    expect(shortcutFor(press("m"))).toEqual({ kind: "view", view: "month" });
    expect(shortcutFor(press("w"))).toEqual({ kind: "view", view: "week" });
    expect(shortcutFor(press("d"))).toEqual({ kind: "view", view: "day" });
    expect(shortcutFor(press("a"))).toEqual({ kind: "view", view: "agenda" });
    expect(shortcutFor(press("y"))).toEqual({ kind: "view", view: "year" });
    expect(shortcutFor(press("/"))).toEqual({ kind: "search" });
    expect(shortcutFor(press("?"))).toEqual({ kind: "help" });
    expect(shortcutFor(press("g"))).toEqual({ kind: "goto" });
    expect(shortcutFor(press(","))).toEqual({ kind: "settings" });
  });

  it("leaves modified keys and others to the system", () => {
    expect(shortcutFor(press("t", { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(press("r", { metaKey: true }))).toBeNull();
    expect(shortcutFor(press("x"))).toBeNull();
    expect(shortcutFor(press("T"))).toBeNull();
  });
});

describe("isTyping", () => {
  it("knows text fields from other controls", () => {
    const text = document.createElement("input");
    const box = document.createElement("input");
    box.type = "checkbox";
    expect(isTyping(text)).toBe(true);
    expect(isTyping(document.createElement("textarea"))).toBe(true);
    expect(isTyping(document.createElement("select"))).toBe(true);
    expect(isTyping(box)).toBe(false);
    expect(isTyping(document.createElement("button"))).toBe(false);
    expect(isTyping(null)).toBe(false);
  });
});

describe("setUpShortcuts", () => {
  it("acts on keys pressed outside fields and dialogs only", () => {
    const act = vi.fn();
    setUpShortcuts(document, act);
    const field = document.body.appendChild(document.createElement("input"));
    field.dispatchEvent(new KeyboardEvent("keydown", { key: "t", bubbles: true }));
    expect(act).not.toHaveBeenCalled();
    const slash = new KeyboardEvent("keydown", { key: "/", bubbles: true, cancelable: true });
    document.body.dispatchEvent(slash);
    expect(act).toHaveBeenCalledWith({ kind: "search" });
    expect(slash.defaultPrevented).toBe(true);
    const dialog = document.body.appendChild(document.createElement("dialog"));
    dialog.setAttribute("open", "");
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "m", bubbles: true }));
    expect(act).toHaveBeenCalledTimes(1);
    dialog.remove();
  });
});
