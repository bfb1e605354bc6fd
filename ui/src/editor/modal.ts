/**
 * What the editor's dialogs share: a `<dialog>` shown modally (the rest of the window inert),
 * Tab kept inside it, Escape as cancel, and the popover's place beside what it was opened from.
 */
import { element } from "../dom";

const FOCUSABLE = "button:not([disabled]), input:not([disabled]):not([type='hidden']), select:not([disabled]), textarea:not([disabled]), [href], [tabindex]:not([tabindex='-1'])";

/** The elements Tab visits inside `root`, in order (hidden ones left out). */
export function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.closest("[hidden]"));
}

/** Keeps Tab and Shift+Tab cycling inside `root` (WebKit lets focus leave a modal dialog for
 * the document's end otherwise). */
export function trapFocus(root: HTMLElement): void {
  root.addEventListener("keydown", (e) => {
    if (e.key !== "Tab") return;
    const stops = focusables(root);
    const first = stops[0];
    const last = stops[stops.length - 1];
    if (!first || !last) return;
    const active = document.activeElement;
    if (e.shiftKey && (active === first || !root.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !root.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  });
}

/** A new modal dialog in the document, with its focus trap; `cancel` runs on Escape (the
 * dialog then stays for `cancel` to close, so unsaved work can be handled first). */
export function modalDialog(className: string, label: string, cancel: () => void): HTMLDialogElement {
  const dialog = element("dialog", className);
  dialog.setAttribute("aria-label", label);
  trapFocus(dialog);
  dialog.addEventListener("cancel", (e) => {
    e.preventDefault();
    cancel();
  });
  // Other Escape handlers (the details panel's) must not act on the same key.
  dialog.addEventListener("keydown", (e) => {
    if (e.key === "Escape") e.stopPropagation();
  });
  document.body.append(dialog);
  return dialog;
}

/** A modal dialog whose answers can arrive after it was closed or reopened: each request takes
 * a ticket, and an answer whose ticket is no longer `current` is dropped (or told elsewhere). */
export interface TicketedDialog {
  readonly dialog: HTMLDialogElement;
  /** Closes and empties the dialog; answers still on their way become stale. */
  readonly close: () => void;
  /** Starts a new request (opening the dialog again): earlier answers become stale. */
  readonly next: () => number;
  /** The ticket of the request the dialog shows now (a submit waits under it). */
  readonly ticket: number;
  /** Whether `ticket` is still the dialog's request. */
  readonly current: (ticket: number) => boolean;
}

/** A `modalDialog` whose Escape closes it, with tickets for its requests; `closed` runs after
 * each close. */
export function ticketedDialog(className: string, label: string, closed: () => void = () => undefined): TicketedDialog {
  let ticket = 0;
  const close = (): void => {
    ++ticket;
    if (dialog.open) dialog.close();
    dialog.replaceChildren();
    closed();
  };
  const dialog = modalDialog(className, label, close);
  return {
    dialog,
    close,
    next: () => ++ticket,
    get ticket() {
      return ticket;
    },
    current: (t) => t === ticket,
  };
}

/** Opens `dialog` modally if it is not open yet. */
export function openModal(dialog: HTMLDialogElement): void {
  if (!dialog.open) dialog.showModal();
}

/** A rectangle in the window's coordinates. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

const GAP = 10;
const MARGIN = 12;

/**
 * Where a popover of `size` goes beside `anchor` in a window of `view`: to its right where there
 * is room, else to its left, else below it; its top level with the anchor's, always inside the
 * window. Without an anchor it sits centred near the top, as a sheet.
 */
export function placeBeside(anchor: Box | null, size: { width: number; height: number }, view: { width: number; height: number }): { left: number; top: number } {
  const clampLeft = (x: number): number => Math.max(MARGIN, Math.min(x, view.width - size.width - MARGIN));
  const clampTop = (y: number): number => Math.max(MARGIN, Math.min(y, view.height - size.height - MARGIN));
  if (!anchor) return { left: clampLeft((view.width - size.width) / 2), top: clampTop(view.height * 0.12) };
  const right = anchor.left + anchor.width + GAP;
  if (right + size.width + MARGIN <= view.width) return { left: right, top: clampTop(anchor.top) };
  const left = anchor.left - GAP - size.width;
  if (left >= MARGIN) return { left, top: clampTop(anchor.top) };
  return { left: clampLeft(anchor.left), top: clampTop(anchor.top + anchor.height + GAP) };
}

/** Puts an open popover dialog beside `anchor` (its size is known once it is shown). */
export function positionPopover(dialog: HTMLDialogElement, anchor: HTMLElement | null): void {
  const box = anchor?.isConnected ? anchor.getBoundingClientRect() : null;
  const size = dialog.getBoundingClientRect();
  const place = placeBeside(
    box && box.width + box.height > 0 ? box : null,
    { width: size.width, height: size.height },
    { width: window.innerWidth, height: window.innerHeight },
  );
  dialog.style.left = `${String(Math.round(place.left))}px`;
  dialog.style.top = `${String(Math.round(place.top))}px`;
}
