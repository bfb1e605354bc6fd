/**
 * Editing in the window, wired together: the quick-create popover, the full editor, the scope
 * question, deleting, and the undo toast, with their keys (`n` for a new event, Delete or
 * Backspace for the selected one, Ctrl+Z or ⌘Z to undo). The shell's commands come in by
 * injection (`EditorCommands`); the calendar's drag and resize reach the same scope question and
 * undo toast through the returned `Editor`.
 */
import type { SlotRange } from "../calendar/edit";
import { uses12HourClock } from "../calendar/view";
import { element } from "../dom";
import { isTyping } from "../keyboard";
import type { EditorCommands } from "./commands";
import { type FormValues, valuesForSpan } from "./draft";
import { setUpFullEditor } from "./editor";
import { setUpQuickCreate } from "./popover";
import { readOnlyMark } from "./readonly";
import { removeEvent } from "./remove";
import { type AskScope, setUpScopeQuestion } from "./scope";
import { addMinutes, dayOf, joinWall, nextHour } from "./time";
import { type Changes, setUpChanges } from "./undo";
import type { ChangeReceipt, EventRef } from "../ipc";

export interface EditorDeps {
  locale: string;
  /** The display zone (IANA): new events are in it. */
  zone(): string;
  /** Now on the display zone's wall clock (`YYYY-MM-DDTHH:MM:SS`). */
  now(): string;
  /** The day the calendar shows (`YYYY-MM-DD`): "New event" starts there. */
  shownDay(): string;
  /** The calendar drops its selection (the popover closed). */
  unselect(): void;
  /** The occurrence the details panel shows, if it is open. */
  detailsShown(): EventRef | null;
  /** A change was stored or undone: `receipt.event` is where the event is now (`null`: gone),
   * `before` what it was called before (the details panel follows it). */
  stored(receipt: ChangeReceipt, before: EventRef | null): void;
  /** Where the toast goes. */
  root: HTMLElement;
  /** ⌘Z rather than Ctrl+Z. */
  mac: boolean;
}

export interface Editor {
  /** The popover for a clicked or dragged slot, beside `anchor`. */
  openQuickCreate(range: SlotRange, anchor: HTMLElement | null): void;
  /** "New event" (the button, the `n` key): the popover, at the next hour of the shown day. */
  newEvent(): void;
  /** The full editor for an existing event. */
  edit(event: EventRef): void;
  /** Deletes an event after the questions it needs; says whether it did. */
  remove(event: EventRef): Promise<boolean>;
  askScope: AskScope;
  changed: Changes["changed"];
  failed: Changes["failed"];
  /** The details panel's row for an event: Edit and Delete, or why it is read-only. */
  detailsActions(event: EventRef, readOnly: string | null): HTMLElement;
}

/** The occurrence of a focused event element (`data-occurrence` is "calendar|href|start"). */
export function focusedEvent(active: Element | null): EventRef | null {
  const id = active instanceof HTMLElement ? active.closest<HTMLElement>("[data-occurrence]")?.dataset["occurrence"] : undefined;
  if (!id) return null;
  const first = id.indexOf("|");
  const last = id.lastIndexOf("|");
  if (first < 0 || last <= first) return null;
  const calendar = Number(id.slice(0, first));
  return Number.isInteger(calendar) ? { calendar, href: id.slice(first + 1, last), start: id.slice(last + 1) } : null;
}

/** Where "New event" starts: the next hour today, 9 AM on another shown day; an hour long. */
export function newEventSpan(shownDay: string, now: string): { start: string; end: string } {
  const start = dayOf(now) === shownDay ? nextHour(now) : joinWall(shownDay, "09:00");
  return { start, end: addMinutes(start, 60) };
}

/** What `detailsFollower` needs of the details panel. */
export interface FollowedPanel {
  readonly shown: EventRef | null;
  show(event: EventRef, trigger: HTMLElement | null): void;
  hide(): void;
}

/** Keeps the details panel on an event it shows through a change: shown again under the
 * event's new name, or closed when the event is gone. */
export function detailsFollower(panel: FollowedPanel): EditorDeps["stored"] {
  return (receipt, before) => {
    const shown = panel.shown;
    const same = shown !== null && before !== null && shown.calendar === before.calendar && shown.href === before.href && shown.start === before.start;
    if (!same) return;
    if (receipt.event) panel.show(receipt.event, null);
    else panel.hide();
  };
}

/** Sets up editing in the window. */
export function mountEditor(commands: EditorCommands, deps: EditorDeps): Editor {
  const hour12 = uses12HourClock(deps.locale);
  const changes = setUpChanges(
    deps.root,
    (undo) => commands.undoChange(undo),
    deps.mac,
    (receipt, before) => {
      deps.stored(receipt, before);
    },
  );
  const askScope = setUpScopeQuestion();
  const remove = (event: EventRef): Promise<boolean> => removeEvent({ commands, changes, askScope }, event);
  const full = setUpFullEditor({ commands, changes, askScope, remove, locale: deps.locale, hour12 });
  const quick = setUpQuickCreate({
    commands,
    changes,
    more: (values: FormValues) => {
      full.create(values);
    },
    closed: () => {
      deps.unselect();
    },
    locale: deps.locale,
    hour12,
  });
  const openQuickCreate = (range: SlotRange, anchor: HTMLElement | null): void => {
    quick.show(valuesForSpan(range.start, range.end, range.all_day, null, deps.zone()), anchor);
  };
  const newEvent = (): void => {
    const { start, end } = newEventSpan(deps.shownDay(), deps.now());
    openQuickCreate({ start, end, all_day: false }, null);
  };

  deps.root.ownerDocument.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.repeat || e.ctrlKey || e.metaKey || e.altKey || !deps.root.isConnected) return;
    if (isTyping(e.target) || deps.root.ownerDocument.querySelector("dialog[open]")) return;
    if (e.key === "n") {
      e.preventDefault();
      newEvent();
    } else if (e.key === "Delete" || e.key === "Backspace") {
      const event = focusedEvent(deps.root.ownerDocument.activeElement) ?? deps.detailsShown();
      if (!event) return;
      e.preventDefault();
      remove(event).catch(changes.failed);
    }
  });

  return {
    openQuickCreate,
    newEvent,
    edit: (event) => {
      full.edit(event);
    },
    remove,
    askScope,
    changed: changes.changed,
    failed: changes.failed,
    detailsActions(event, readOnly) {
      if (readOnly !== null) return readOnlyMark(readOnly);
      const row = element("div", "details-actions");
      const edit = element("button", "secondary details-edit", "Edit");
      edit.type = "button";
      edit.addEventListener("click", () => {
        full.edit(event);
      });
      const del = element("button", "secondary details-delete", "Delete");
      del.type = "button";
      del.title = "Delete (Delete or Backspace)";
      del.addEventListener("click", () => {
        remove(event).catch(changes.failed);
      });
      row.append(edit, del);
      return row;
    },
  };
}
