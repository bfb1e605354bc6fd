import { afterEach, describe, expect, it, vi } from "vitest";
import type { EditorCommands } from "./commands";
import { type Editor, detailsFollower, focusedEvent, mountEditor, newEventSpan } from "./mount";
import type { ChangeReceipt, EditorFields, EventRef, WritableCalendar } from "../ipc";

const CALENDARS: WritableCalendar[] = [
  { id: 7, account: 1, name: "Work", color: "#ff2968" },
  { id: 3, account: 1, name: "Home", color: "#1badf8" },
  { id: 9, account: 2, name: "Club", color: null },
];
const REF: EventRef = { calendar: 3, href: "/cal/home/a.ics", start: "2028-03-01T09:00:00" };
const RECEIPT: ChangeReceipt = { undo: 41, event: REF, note: null };

function fields(over: Partial<EditorFields> = {}): EditorFields {
  return {
    calendar: 3,
    title: "Standup",
    all_day: false,
    start: "2028-03-01T09:00:00",
    end: "2028-03-01T09:15:00",
    zone: "Europe/Berlin",
    repeat: null,
    alerts: [],
    location: null,
    url: null,
    notes: null,
    recurring: false,
    read_only: false,
    read_only_reason: null,
    custom_repeat_text: null,
    has_attendees: false,
    organizer_is_me: false,
    ...over,
  };
}

function fakeCommands(over: Partial<EditorCommands> = {}) {
  return {
    writableCalendars: vi.fn(() => Promise.resolve(CALENDARS)),
    editorFields: vi.fn(() => Promise.resolve(fields())),
    createEvent: vi.fn(() => Promise.resolve(RECEIPT)),
    updateEvent: vi.fn(() => Promise.resolve(RECEIPT)),
    deleteEvent: vi.fn(() => Promise.resolve({ ...RECEIPT, event: null })),
    undoChange: vi.fn(() => Promise.resolve({ undo: 42, event: REF, note: null })),
    ...over,
  } satisfies EditorCommands;
}

let shown: EventRef | null = null;
const stored = vi.fn();
const unselect = vi.fn();

function mount(commands = fakeCommands()): { editor: Editor; commands: ReturnType<typeof fakeCommands> } {
  document.body.replaceChildren();
  const root = document.createElement("main");
  document.body.append(root);
  const editor = mountEditor(commands, {
    locale: "en-US",
    zone: () => "Europe/Berlin",
    now: () => "2028-02-29T09:20:00",
    shownDay: () => "2028-02-29",
    unselect,
    detailsShown: () => shown,
    stored,
    root,
    mac: false,
  });
  return { editor, commands };
}

/** Lets the fakes' promises settle. */
async function settle(): Promise<void> {
  for (let i = 0; i < 6; i++) await Promise.resolve();
}

function $<T extends Element>(selector: string, kind: new () => T): T {
  const found = document.querySelector(selector);
  if (!(found instanceof kind)) throw new Error(`nothing of the expected kind matches ${selector}`);
  return found;
}

function type(selector: string, value: string): void {
  const input = document.querySelector(selector);
  if (!(input instanceof HTMLInputElement || input instanceof HTMLSelectElement || input instanceof HTMLTextAreaElement)) throw new Error(`no field ${selector}`);
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

function openDialogs(): HTMLDialogElement[] {
  return [...document.querySelectorAll<HTMLDialogElement>("dialog[open]")];
}

function key(k: string, options: KeyboardEventInit = {}, target: EventTarget = document.body): KeyboardEvent {
  const event = new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true, ...options });
  target.dispatchEvent(event);
  return event;
}

afterEach(() => {
  shown = null;
  vi.clearAllMocks();
});

describe("the quick-create popover", () => {
  it("adds an event in the chosen calendar and offers undo", async () => {
    const { editor, commands } = mount();
    editor.openQuickCreate({ start: "2028-02-29T14:00:00", end: "2028-02-29T15:00:00", all_day: false }, null);
    await settle();
    expect(document.activeElement).toBe($("#quick-create-title", HTMLElement));
    // The last used calendar (listed first) is chosen; only writable ones are offered.
    expect($("#quick-create-calendar", HTMLSelectElement).value).toBe("7");
    expect([...$("#quick-create-calendar", HTMLSelectElement).options].map((o) => o.text)).toEqual(["Work", "Home", "Club"]);
    expect($("#quick-create-start", HTMLElement)).toHaveProperty("value", "14:00");
    type("#quick-create-title", "Team standup");
    type("#quick-create-calendar", "3");
    $(".quick-create-form", HTMLFormElement).requestSubmit();
    await settle();
    expect(commands.createEvent).toHaveBeenCalledWith({
      calendar: 3,
      title: "Team standup",
      all_day: false,
      start: "2028-02-29T14:00:00",
      end: "2028-02-29T15:00:00",
      zone: "Europe/Berlin",
      repeat: null,
      alerts: [],
      location: null,
      url: null,
      notes: null,
    });
    expect(openDialogs()).toEqual([]);
    expect(unselect).toHaveBeenCalled();
    expect($(".toast", HTMLElement).hidden).toBe(false);
    expect($(".toast-line", HTMLElement).textContent).toBe("Event added.");
    $(".toast-undo", HTMLButtonElement).click();
    await settle();
    expect(commands.undoChange).toHaveBeenCalledWith(41);
    expect($(".toast-line", HTMLElement).textContent).toBe("Undone.");
    expect($(".toast-undo", HTMLElement).hidden).toBe(true);
  });

  it("says an end before the start next to the end, and stores nothing", async () => {
    const { editor, commands } = mount();
    editor.openQuickCreate({ start: "2028-02-29T14:00:00", end: "2028-02-29T15:00:00", all_day: false }, null);
    await settle();
    type("#quick-create-end", "13:00");
    expect($("#quick-create-end-error", HTMLElement).textContent).toBe("The event ends before it starts.");
    expect($("#quick-create-end", HTMLElement).getAttribute("aria-invalid")).toBe("true");
    expect($("#quick-create-end", HTMLElement).getAttribute("aria-describedby")).toBe("quick-create-end-error");
    $(".quick-create-form", HTMLFormElement).requestSubmit();
    await settle();
    expect(commands.createEvent).not.toHaveBeenCalled();
  });

  it("says a failure in words and stays open", async () => {
    const { editor } = mount(fakeCommands({ createEvent: vi.fn(() => Promise.reject(new Error("The store is full."))) }));
    editor.openQuickCreate({ start: "2028-02-29", end: "2028-03-01", all_day: true }, null);
    await settle();
    $(".quick-create-form", HTMLFormElement).requestSubmit();
    await settle();
    expect($(".quick-failure", HTMLElement).textContent).toBe("Not added: The store is full.");
    expect(openDialogs()).toHaveLength(1);
  });

  it("hands what it has to the full editor with More…", async () => {
    const { editor, commands } = mount();
    editor.openQuickCreate({ start: "2028-02-29T14:00:00", end: "2028-02-29T15:00:00", all_day: false }, null);
    await settle();
    type("#quick-create-title", "Piano lesson");
    $(".quick-more", HTMLButtonElement).click();
    await settle();
    expect($("#editor-title", HTMLInputElement).value).toBe("Piano lesson");
    // Weekly, with an alert 15 minutes before.
    type("#editor-repeat", "weekly");
    $("#editor-alert-add", HTMLButtonElement).click();
    type("#editor-location", "Music school");
    $(".editor-form", HTMLFormElement).requestSubmit();
    await settle();
    expect(commands.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        title: "Piano lesson",
        start: "2028-02-29T14:00:00",
        repeat: { freq: "weekly", interval: 1, by_day: [], end: { kind: "never" } },
        alerts: [15],
        location: "Music school",
      }),
    );
    expect(openDialogs()).toEqual([]);
  });
});

describe("the full editor", () => {
  it("builds a custom rule: every 2 weeks on chosen days, 5 times", async () => {
    const { editor, commands } = mount();
    editor.openQuickCreate({ start: "2028-02-29T14:00:00", end: "2028-02-29T15:00:00", all_day: false }, null);
    await settle();
    $(".quick-more", HTMLButtonElement).click();
    await settle();
    type("#editor-repeat", "custom");
    // A custom rule starts on the start's weekday (a Tuesday).
    expect($("[data-day='TU']", HTMLElement).getAttribute("aria-pressed")).toBe("true");
    type("#editor-interval", "2");
    $("[data-day='TU']", HTMLButtonElement).click();
    $("[data-day='MO']", HTMLButtonElement).click();
    $("[data-day='TH']", HTMLButtonElement).click();
    type("#editor-repeat-end", "count");
    type("#editor-count", "5");
    expect($(".repeat-summary", HTMLElement).textContent).toBe("Every 2 weeks on Monday and Thursday, 5 times");
    $(".editor-form", HTMLFormElement).requestSubmit();
    await settle();
    expect(commands.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({ repeat: { freq: "weekly", interval: 2, by_day: ["MO", "TH"], end: { kind: "count", count: 5 } } }),
    );
  });

  it("says each problem next to its field once saving is tried", async () => {
    const { editor, commands } = mount();
    editor.openQuickCreate({ start: "2028-02-29T14:00:00", end: "2028-02-29T15:00:00", all_day: false }, null);
    await settle();
    $(".quick-more", HTMLButtonElement).click();
    await settle();
    type("#editor-repeat", "custom");
    $("[data-day='TU']", HTMLButtonElement).click();
    type("#editor-url", "not an address");
    $(".editor-form", HTMLFormElement).requestSubmit();
    await settle();
    expect(commands.createEvent).not.toHaveBeenCalled();
    expect($("#editor-days-error", HTMLElement).textContent).toBe("Choose at least one day.");
    expect($("#editor-url-error", HTMLElement).textContent).toMatch(/not a web address/);
    // Moving the start keeps the length; an end typed before the start is said at once.
    type("#editor-start-time", "16:00");
    expect($("#editor-end-time", HTMLSelectElement).value).toBe("17:00");
    type("#editor-end-time", "10:00");
    expect($("#editor-end-error", HTMLElement).textContent).toBe("The event ends before it starts.");
  });

  it("edits an existing event: filled from the shell, its account's calendars only", async () => {
    const { editor, commands } = mount();
    editor.edit(REF);
    await settle();
    expect(commands.editorFields).toHaveBeenCalledWith(REF);
    expect($("#editor-title", HTMLInputElement).value).toBe("Standup");
    expect($("#editor-start-time", HTMLSelectElement).value).toBe("09:00");
    expect($("#editor-zone", HTMLSelectElement).value).toBe("Europe/Berlin");
    expect([...$("#editor-calendar", HTMLSelectElement).options].map((o) => o.value)).toEqual(["7", "3"]);
    type("#editor-title", "Daily standup");
    $(".editor-form", HTMLFormElement).requestSubmit();
    await settle();
    expect(commands.updateEvent).toHaveBeenCalledWith(REF, "all", expect.objectContaining({ title: "Daily standup", calendar: 3, end: "2028-03-01T09:15:00" }));
    expect($(".toast-line", HTMLElement).textContent).toBe("Event changed.");
    // The details panel hears where the event is now.
    expect(stored).toHaveBeenCalledWith(RECEIPT, REF);
  });

  it("asks a repeating event's scope once, and a cancel keeps the editor open", async () => {
    const { editor, commands } = mount(fakeCommands({ editorFields: vi.fn(() => Promise.resolve(fields({ recurring: true, repeat: { freq: "daily", interval: 1, by_day: [], end: { kind: "never" } } }))) }));
    editor.edit(REF);
    await settle();
    type("#editor-title", "Standup (moved)");
    $(".editor-form", HTMLFormElement).requestSubmit();
    await settle();
    expect($(".scope-dialog", HTMLElement).hasAttribute("open")).toBe(true);
    expect([...document.querySelectorAll<HTMLButtonElement>(".scope-choices button")].map((b) => b.textContent)).toEqual([
      "Only this event",
      "This and following events",
      "All events",
    ]);
    $(".scope-cancel", HTMLButtonElement).click();
    await settle();
    expect(commands.updateEvent).not.toHaveBeenCalled();
    expect($(".editor-dialog", HTMLElement).hasAttribute("open")).toBe(true);
    $(".editor-form", HTMLFormElement).requestSubmit();
    await settle();
    $("[data-scope='following']", HTMLButtonElement).click();
    await settle();
    expect(commands.updateEvent).toHaveBeenCalledWith(REF, "following", expect.objectContaining({ title: "Standup (moved)" }));
  });

  it("leaves a rule shown as it was exactly as it was", async () => {
    const rule = { freq: "weekly", interval: 1, by_day: [], end: { kind: "count", count: 6 } } as const;
    const { editor, commands } = mount(fakeCommands({ editorFields: vi.fn(() => Promise.resolve(fields({ recurring: true, repeat: { ...rule, by_day: [] } }))) }));
    editor.edit(REF);
    await settle();
    // Shown as a custom rule on the start's weekday (a Wednesday here).
    expect($("[data-day='WE']", HTMLElement).getAttribute("aria-pressed")).toBe("true");
    type("#editor-title", "Standup (new room)");
    $(".editor-form", HTMLFormElement).requestSubmit();
    await settle();
    expect($("[data-scope='this']", HTMLElement).hidden).toBe(false);
    $("[data-scope='this']", HTMLButtonElement).click();
    await settle();
    expect(commands.updateEvent).toHaveBeenCalledWith(REF, "this", expect.objectContaining({ repeat: { ...rule, by_day: [] } }));
  });

  it("offers no 'only this event' when the repetition itself changed", async () => {
    const { editor } = mount(fakeCommands({ editorFields: vi.fn(() => Promise.resolve(fields({ recurring: true, repeat: { freq: "daily", interval: 1, by_day: [], end: { kind: "never" } } }))) }));
    editor.edit(REF);
    await settle();
    type("#editor-repeat", "weekly");
    $(".editor-form", HTMLFormElement).requestSubmit();
    await settle();
    expect($("[data-scope='this']", HTMLElement).hidden).toBe(true);
  });

  it("keeps a rule it cannot show unless another is chosen", async () => {
    const { editor, commands } = mount(fakeCommands({ editorFields: vi.fn(() => Promise.resolve(fields({ recurring: true, custom_repeat_text: "Every last Friday of the month" }))) }));
    editor.edit(REF);
    await settle();
    const repeat = $("#editor-repeat", HTMLSelectElement);
    expect(repeat.selectedOptions[0]?.text).toBe("Every last Friday of the month");
    // The shell cannot remove such a rule: it offers only to keep or replace it.
    expect([...repeat.options].map((o) => o.value)).not.toContain("none");
    $(".editor-form", HTMLFormElement).requestSubmit();
    await settle();
    $("[data-scope='all']", HTMLButtonElement).click();
    await settle();
    expect(commands.updateEvent).toHaveBeenCalledWith(REF, "all", expect.objectContaining({ repeat: null }));
  });

  it("says why a read-only event cannot be edited", async () => {
    const { editor } = mount(fakeCommands({ editorFields: vi.fn(() => Promise.resolve(fields({ read_only: true, read_only_reason: "Shared with you read-only by Sam." }))) }));
    editor.edit(REF);
    await settle();
    expect($(".editor-message", HTMLElement).textContent).toContain("Shared with you read-only by Sam.");
    expect(document.querySelector(".editor-form")).toBeNull();
  });
});

describe("deleting and undoing", () => {
  it("deletes the focused event with the Delete key, and Ctrl+Z undoes it", async () => {
    const { commands } = mount();
    const event = document.createElement("a");
    event.tabIndex = 0;
    event.dataset["occurrence"] = `3|${REF.href}|${REF.start}`;
    document.body.append(event);
    event.focus();
    key("Delete", {}, event);
    await settle();
    expect(commands.deleteEvent).toHaveBeenCalledWith(REF, "all");
    expect(stored).toHaveBeenCalledWith({ ...RECEIPT, event: null }, REF);
    expect($(".toast-line", HTMLElement).textContent).toBe("Event deleted.");
    key("z", { ctrlKey: true });
    await settle();
    expect(commands.undoChange).toHaveBeenCalledWith(41);
  });

  it("asks which occurrences of a repeating event to delete", async () => {
    const { commands } = mount(fakeCommands({ editorFields: vi.fn(() => Promise.resolve(fields({ recurring: true }))) }));
    shown = REF;
    key("Backspace");
    await settle();
    expect($(".scope-title", HTMLElement).textContent).toBe("Delete a repeating event");
    $("[data-scope='this']", HTMLButtonElement).click();
    await settle();
    expect(commands.deleteEvent).toHaveBeenCalledWith(REF, "this");
  });

  it("refuses to delete a read-only event, saying why", async () => {
    const { commands } = mount(fakeCommands({ editorFields: vi.fn(() => Promise.resolve(fields({ read_only: true, read_only_reason: "A subscription." }))) }));
    shown = REF;
    key("Delete");
    await settle();
    expect(commands.deleteEvent).not.toHaveBeenCalled();
    expect($(".toast", HTMLElement).getAttribute("role")).toBe("alert");
    expect($(".toast-line", HTMLElement).textContent).toContain("A subscription.");
  });

  it("leaves keys alone while the person types, and undoes nothing twice", async () => {
    const { editor, commands } = mount();
    const input = document.createElement("input");
    document.body.append(input);
    shown = REF;
    expect(key("Delete", {}, input).defaultPrevented).toBe(false);
    expect(key("z", { ctrlKey: true }, input).defaultPrevented).toBe(false);
    editor.changed(RECEIPT, "Event moved.");
    key("z", { ctrlKey: true });
    await settle();
    key("z", { ctrlKey: true });
    await settle();
    expect(commands.undoChange).toHaveBeenCalledTimes(1);
  });

  it("says a failed undo and lets the person try again", async () => {
    const { editor, commands } = mount(fakeCommands({ undoChange: vi.fn(() => Promise.reject(new Error("The event changed since."))) }));
    editor.changed(RECEIPT, "Event moved.");
    $(".toast-undo", HTMLButtonElement).click();
    await settle();
    expect($(".toast-line", HTMLElement).textContent).toBe("Could not undo: The event changed since.");
    expect($(".toast-undo", HTMLElement).hidden).toBe(false);
    expect(commands.undoChange).toHaveBeenCalledTimes(1);
  });

  it("shows the receipt's note with the change", () => {
    const { editor } = mount();
    editor.changed({ ...RECEIPT, note: "The server will send the invitation update to 3 people." }, "Event moved.");
    expect($(".toast-note", HTMLElement).textContent).toBe("The server will send the invitation update to 3 people.");
  });
});

describe("keys and the details panel", () => {
  it("n opens the popover at the next hour of today", async () => {
    mount();
    key("n");
    await settle();
    expect($("#quick-create-start", HTMLSelectElement).value).toBe("10:00");
    expect($("#quick-create-end", HTMLSelectElement).value).toBe("11:00");
  });

  it("a read-only event's panel says why instead of offering Edit and Delete", () => {
    const { editor } = mount();
    const mark = editor.detailsActions(REF, "Team Holidays is shared with you read-only.");
    expect(mark.title).toBe("Team Holidays is shared with you read-only.");
    expect(mark.querySelector("button")).toBeNull();
    const row = editor.detailsActions(REF, null);
    expect([...row.querySelectorAll("button")].map((b) => b.textContent)).toEqual(["Edit", "Delete"]);
  });
});

describe("helpers", () => {
  it("keeps the details panel on the event it shows through a change", () => {
    const panel = { shown: REF as EventRef | null, show: vi.fn(), hide: vi.fn() };
    const follow = detailsFollower(panel);
    const moved = { calendar: 3, href: REF.href, start: "2028-03-02T09:00:00" };
    follow({ undo: 1, event: moved, note: null }, { ...REF, start: "2028-01-01T09:00:00" });
    expect(panel.show).not.toHaveBeenCalled();
    follow({ undo: 1, event: moved, note: null }, REF);
    expect(panel.show).toHaveBeenCalledWith(moved, null);
    follow({ undo: 2, event: null, note: null }, REF);
    expect(panel.hide).toHaveBeenCalled();
  });


  it("reads the focused occurrence, an href with bars in it too", () => {
    const el = document.createElement("div");
    el.dataset["occurrence"] = "12|/cal/a|b.ics|2028-02-29";
    expect(focusedEvent(el)).toEqual({ calendar: 12, href: "/cal/a|b.ics", start: "2028-02-29" });
    expect(focusedEvent(document.createElement("div"))).toBeNull();
  });

  it("starts a new event at the next hour today, at 9 on another day", () => {
    expect(newEventSpan("2028-02-29", "2028-02-29T09:20:00")).toEqual({ start: "2028-02-29T10:00:00", end: "2028-02-29T11:00:00" });
    expect(newEventSpan("2028-03-04", "2028-02-29T09:20:00")).toEqual({ start: "2028-03-04T09:00:00", end: "2028-03-04T10:00:00" });
  });
});
