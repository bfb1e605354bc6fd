/**
 * The sign-in form stands in front of the window until there is something to show: an account,
 * or a subscription made with none. The sidebar's note says why it is empty, or that the saved
 * calendars could not be read.
 */
import type { Overview } from "../ipc";

/** Whether the window has anything to show. */
export function hasCalendars(data: Overview): boolean {
  return data.accounts.length > 0 || data.calendars.some((c) => c.account === null);
}

export interface SignInGate {
  /** Shows the form (and the empty note) or hides them for `data`; says whether the window is in use. */
  show(data: Overview): boolean;
  /** The saved calendars could not be read: says so in the note, in `words`. */
  unreadable(words: string): void;
}

export function setUpGate(overlay: HTMLElement, emptyNote: HTMLElement): SignInGate {
  return {
    show(data) {
      const inUse = hasCalendars(data);
      emptyNote.textContent = "No calendars yet. Sign in to see yours here.";
      emptyNote.hidden = inUse;
      overlay.hidden = inUse;
      return inUse;
    },
    unreadable(words) {
      emptyNote.textContent = `Almanac could not read its saved calendars: ${words}`;
      emptyNote.hidden = false;
    },
  };
}
