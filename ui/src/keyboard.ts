/**
 * Keyboard shortcuts: t today, ← → or k j previous/next, m w d a y for the views, / search,
 * g go to a date, , settings, ? help. They stay out of the way while the person types, while a
 * dialog is open, and when a modifier key is held (those belong to the system and the webview).
 */
import type { ViewName } from "./calendar/view";

export type Shortcut =
  | { kind: "today" }
  | { kind: "prev" }
  | { kind: "next" }
  | { kind: "view"; view: ViewName }
  | { kind: "search" }
  | { kind: "goto" }
  | { kind: "settings" }
  | { kind: "help" };

/** The shortcuts as the help dialog lists them. */
export const SHORTCUTS: readonly { keys: string[]; what: string }[] = [
  { keys: ["t"], what: "Today" },
  { keys: ["←", "k"], what: "Previous" },
  { keys: ["→", "j"], what: "Next" },
  { keys: ["m"], what: "Month" },
  { keys: ["w"], what: "Week" },
  { keys: ["d"], what: "Day" },
  { keys: ["a"], what: "Agenda" },
  { keys: ["y"], what: "Year" },
  { keys: ["g"], what: "Go to a date" },
  { keys: ["/"], what: "Search" },
  { keys: [","], what: "Settings" },
  { keys: ["n"], what: "New event" },
  { keys: ["Delete", "Backspace"], what: "Delete the selected event" },
  { keys: ["Ctrl+Z"], what: "Undo the last change (⌘Z on a Mac)" },
  { keys: ["Ctrl+O"], what: "Import events from an .ics file (⌘O on a Mac)" },
  { keys: ["Alt+←", "Alt+→"], what: "Move the focused event a day earlier or later" },
  { keys: ["Alt+↑", "Alt+↓"], what: "Move it 15 minutes (a week in Month)" },
  { keys: ["Alt+Shift+arrows"], what: "Make it end earlier or later" },
  { keys: ["?"], what: "This help" },
  { keys: ["Esc"], what: "Close a panel or dialog" },
];

const VIEW_KEYS: Record<string, ViewName> = { m: "month", w: "week", d: "day", a: "agenda", y: "year" };

/** The part of a keydown the mapping looks at. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/** What a key press asks for, ignoring where it happened. */
export function shortcutFor(press: KeyPress): Shortcut | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  const view = VIEW_KEYS[press.key];
  if (view) return { kind: "view", view };
  switch (press.key) {
    case "t":
      return { kind: "today" };
    case "ArrowLeft":
    case "k":
      return { kind: "prev" };
    case "ArrowRight":
    case "j":
      return { kind: "next" };
    case "/":
      return { kind: "search" };
    case "g":
      return { kind: "goto" };
    case ",":
      return { kind: "settings" };
    case "?":
      return { kind: "help" };
    default:
      return null;
  }
}

/** Whether keys typed at `target` belong to it (text fields, selects, editable content). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !["checkbox", "radio", "button", "submit", "reset", "range", "color"].includes(target.type);
  }
  return target.closest("[contenteditable]:not([contenteditable='false'])") !== null;
}

/** Listens on `doc` and hands each shortcut to `act`. */
export function setUpShortcuts(doc: Document, act: (shortcut: Shortcut) => void): void {
  doc.addEventListener("keydown", (e) => {
    // Held keys repeat only for paging.
    if (e.defaultPrevented || (e.repeat && !["ArrowLeft", "ArrowRight", "j", "k"].includes(e.key))) return;
    if (isTyping(e.target) || doc.querySelector("dialog[open]")) return;
    const shortcut = shortcutFor(e);
    if (!shortcut) return;
    // Handled here: "/" must not be typed into the field it focuses, nor an arrow scroll the page.
    e.preventDefault();
    act(shortcut);
  });
}
