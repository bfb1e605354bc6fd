/**
 * The window's one line for failures nobody else shows: work started by a click that has no
 * form or dialog of its own to say it failed (a calendar switched on, "Sync now", a removal),
 * and, as a last resort, any promise rejection no code handled. Features with a place of their
 * own (a form's error line, a dialog's status) say it there; nothing is dropped silently.
 */
import { closeButton, element } from "./dom";

/** Words for a failure: a failed command already carries them (see `IpcFailure`). */
export function describe(err: unknown): string {
  return err instanceof Error ? err.message : "Almanac could not complete that. Please try again.";
}

export interface Notices {
  /** Shows `text` until the person closes it or the next notice replaces it. */
  say: (text: string) => void;
  /** Shows why `err` happened, in words. */
  failed: (err: unknown) => void;
  /** For work nobody waits on: shows its failure, if it fails. */
  watch: (work: Promise<unknown>) => void;
}

/** Adds the notice line to `root` (hidden until there is something to say). */
export function setUpNotices(root: HTMLElement): Notices {
  const line = element("div", "notice");
  line.setAttribute("role", "alert");
  line.hidden = true;
  const text = element("p", "notice-text");
  const close = closeButton("notice-close", "Close this message", () => {
    line.hidden = true;
  });
  line.append(text, close);
  root.append(line);
  const say = (words: string): void => {
    text.textContent = words;
    line.hidden = false;
  };
  const failed = (err: unknown): void => {
    say(describe(err));
  };
  return {
    say,
    failed,
    watch: (work) => {
      work.catch(failed);
    },
  };
}

/** The last resort: a rejection no code handled reaches the person in words too. */
export function showUnhandledRejections(target: Window, notices: Notices): void {
  target.addEventListener("unhandledrejection", (e) => {
    // The raw reason, for whoever reads the console: the person sees words only.
    console.error("Unhandled rejection:", e.reason);
    notices.failed(e.reason);
  });
}
