/**
 * After every change (create, edit, move, resize, delete, answer) a toast says what happened,
 * with "Undo"; Ctrl+Z (⌘Z on macOS) undoes the last change too, also after the toast has gone.
 * Undo asks the shell to put back what the change replaced (`undo_change`), through the outbox
 * like any change. A failed change or undo is said in the same place, in words.
 *
 * Whoever stores a change hands its `ChangeReceipt` to `changed` (the editor, and the calendar's
 * drag and resize).
 */
import { closeButton, element } from "../dom";
import { isTyping } from "../keyboard";
import { describe } from "../notice";
import type { ChangeReceipt, EventRef } from "../ipc";

/** Functions, not methods: callers hand them on (`.catch(changes.failed)`). */
export interface Changes {
  /** A change was stored: says `what` ("Event moved") and the receipt's note, offers Undo.
   * `before`: the occurrence as it was named before the change, if it existed. */
  changed: (receipt: ChangeReceipt, what?: string, before?: EventRef | null) => void;
  /** A change failed: says why. */
  failed: (err: unknown) => void;
  /** Undoes the last change, if there is one not yet undone. */
  undoLast: () => Promise<void>;
}

/** How long the toast stays, unless the pointer or focus is on it. */
export const TOAST_MS = 8_000;

/** Whether a key press asks for undo: Ctrl+Z, or ⌘Z on macOS (never with Shift: that is redo). */
export function isUndoKey(e: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }, mac: boolean): boolean {
  const command = mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
  return command && !e.shiftKey && !e.altKey && e.key.toLowerCase() === "z";
}

/** Adds the toast to `root` and listens for the undo key on `root`'s document. `stored` hears of
 * every stored change and undo (with what the occurrence was called before), so views that show
 * one event (the details panel) follow it. */
export function setUpChanges(
  root: HTMLElement,
  undoChange: (undo: number) => Promise<ChangeReceipt>,
  mac: boolean,
  stored: (receipt: ChangeReceipt, before: EventRef | null) => void = () => undefined,
): Changes {
  const toast = element("div", "toast");
  toast.hidden = true;
  const text = element("div", "toast-text");
  const line = element("p", "toast-line");
  const note = element("p", "toast-note");
  text.append(line, note);
  const undoButton = element("button", "toast-undo", "Undo");
  undoButton.type = "button";
  undoButton.title = mac ? "Undo (⌘Z)" : "Undo (Ctrl+Z)";
  const close = closeButton("toast-close", "Close this message", () => {
    hide();
  });
  toast.append(text, undoButton, close);
  root.append(toast);

  let last: ChangeReceipt | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let held = false;
  const hide = (): void => {
    clearTimeout(timer);
    toast.hidden = true;
  };
  const later = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!held) toast.hidden = true;
    }, TOAST_MS);
  };
  for (const [on, off] of [["pointerenter", "pointerleave"], ["focusin", "focusout"]] as const) {
    toast.addEventListener(on, () => {
      held = true;
    });
    toast.addEventListener(off, () => {
      held = false;
      later();
    });
  }
  const show = (words: string, extra: string | null, kind: "done" | "failed", undoable: boolean): void => {
    line.textContent = words;
    note.textContent = extra ?? "";
    note.hidden = extra === null || extra === "";
    undoButton.hidden = !undoable;
    toast.dataset["kind"] = kind;
    // A failure interrupts; news of a change waits for a pause.
    toast.setAttribute("role", kind === "failed" ? "alert" : "status");
    toast.hidden = false;
    later();
  };

  let undoing = false;
  const undoLast = async (): Promise<void> => {
    const receipt = last;
    if (!receipt || undoing) return;
    undoing = true;
    undoButton.disabled = true;
    try {
      const undone = await undoChange(receipt.undo);
      last = null;
      show("Undone.", undone.note, "done", false);
      stored(undone, receipt.event);
    } catch (err) {
      show(`Could not undo: ${describe(err)}`, null, "failed", true);
    } finally {
      undoing = false;
      undoButton.disabled = false;
    }
  };
  const failed = (err: unknown): void => {
    show(describe(err), null, "failed", false);
  };
  undoButton.addEventListener("click", () => {
    undoLast().catch(failed);
  });
  root.ownerDocument.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || !isUndoKey(e, mac) || isTyping(e.target) || !root.isConnected) return;
    if (root.ownerDocument.querySelector("dialog[open]")) return;
    e.preventDefault();
    undoLast().catch(failed);
  });

  return {
    changed: (receipt, what = "Change saved.", before = null) => {
      last = receipt;
      show(what, receipt.note, "done", true);
      stored(receipt, before);
    },
    failed,
    undoLast,
  };
}
