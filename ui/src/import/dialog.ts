/**
 * Importing an .ics file (File → Import, or a file dropped on the window): first a preview of
 * what it holds and what would happen in the chosen calendar (new, updated, skipped, and why
 * skipped), then the import itself, which stores every event through the outbox like any change
 * (so it reaches the server with the next sync, or waits offline).
 */
import { element } from "../dom";
import type { ImportPreview, WritableCalendar } from "../ipc";

export interface ImportIpc {
  writableCalendars: () => Promise<WritableCalendar[]>;
  importPreview: (path: string, calendar: number) => Promise<ImportPreview>;
  importEvents: (path: string, calendar: number) => Promise<ImportPreview>;
  /** The events were stored: the calendar catches up (the dialog says what happened). */
  imported: (result: ImportPreview) => void;
  /** Says something outside the dialog (a dropped file that is not a calendar). */
  say: (text: string) => void;
  describe: (err: unknown) => string;
}

const plural = (n: number, one: string, many: string): string => (n === 1 ? `1 ${one}` : `${String(n)} ${many}`);

/** The preview in words: "12 events: 10 new, 1 updated, 1 skipped (already there)". */
export function previewText(preview: ImportPreview): string {
  if (preview.total === 0) return "This file holds no events.";
  const parts = [
    ...(preview.new > 0 ? [`${String(preview.new)} new`] : []),
    ...(preview.updated > 0 ? [`${String(preview.updated)} updated`] : []),
    ...(preview.skipped > 0 ? [`${String(preview.skipped)} skipped`] : []),
  ];
  return `${plural(preview.total, "event", "events")} into ${preview.calendar_name}: ${parts.join(", ")}.`;
}

/** What the window says after an import. */
export function importedText(result: ImportPreview): string {
  const stored = result.new + result.updated;
  const what = `${plural(stored, "event", "events")} imported into ${result.calendar_name}`;
  return result.skipped > 0 ? `${what}; ${String(result.skipped)} skipped.` : `${what}.`;
}

/** Whether a path names a calendar file (by its extension, as the file dialog filters). */
export function isCalendarFile(path: string): boolean {
  return /\.(ics|ical|ifb|icalendar)$/i.test(path);
}

/** The file's name, for the dialog's heading. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

export interface Importer {
  /** Opens the preview for `path`. */
  open: (path: string) => void;
  /** Files dropped on the window: the first calendar file is previewed; others are refused in words. */
  dropped: (paths: readonly string[]) => void;
}

/** Adds the import dialog to the document. */
export function setUpImport(ipc: ImportIpc): Importer {
  const dialog = element("dialog", "card confirm import-dialog");
  dialog.id = "import-dialog";
  dialog.setAttribute("aria-labelledby", "import-title");
  const title = element("h2", undefined, "Import events");
  title.id = "import-title";
  const file = element("p", "import-file");
  const label = element("label", "stacked", "Into");
  label.htmlFor = "import-calendar";
  const select = element("select");
  select.id = "import-calendar";
  const preview = element("p", "import-preview");
  preview.setAttribute("role", "status");
  const reasons = element("ul", "plain-list import-skipped");
  const error = element("p", "form-error import-error");
  error.setAttribute("role", "alert");
  error.hidden = true;
  const actions = element("div", "actions");
  const cancel = element("button", "secondary", "Cancel");
  cancel.type = "button";
  const confirm = element("button", "primary", "Import");
  confirm.type = "button";
  confirm.id = "import-confirm";
  actions.append(cancel, confirm);
  dialog.append(title, file, label, select, preview, reasons, error, actions);
  document.body.append(dialog);

  let path = "";
  let ticket = 0;
  const fail = (err: unknown): void => {
    error.textContent = ipc.describe(err);
    error.hidden = false;
  };
  const showPreview = async (): Promise<void> => {
    const mine = ++ticket;
    confirm.disabled = true;
    error.hidden = true;
    preview.textContent = "Reading the file…";
    reasons.replaceChildren();
    const answer = await ipc.importPreview(path, Number(select.value));
    if (mine !== ticket) return;
    preview.textContent = previewText(answer);
    reasons.replaceChildren(...answer.skipped_reasons.map((why) => element("li", undefined, why)));
    confirm.disabled = answer.new + answer.updated === 0;
  };
  const failPreview = (err: unknown): void => {
    preview.textContent = "";
    fail(err);
  };
  select.addEventListener("change", () => {
    showPreview().catch(failPreview);
  });
  cancel.addEventListener("click", () => {
    ++ticket;
    dialog.close();
  });
  confirm.addEventListener("click", () => {
    confirm.disabled = true;
    select.disabled = true;
    ipc.importEvents(path, Number(select.value))
      .then((result) => {
        preview.textContent = importedText(result);
        confirm.hidden = true;
        cancel.textContent = "Close";
        cancel.focus();
        ipc.imported(result);
      })
      .catch((err: unknown) => {
        confirm.disabled = false;
        select.disabled = false;
        fail(err);
      });
  });

  const open = (chosen: string): void => {
    path = chosen;
    file.textContent = fileName(chosen);
    file.title = chosen;
    preview.textContent = "";
    reasons.replaceChildren();
    error.hidden = true;
    confirm.disabled = true;
    confirm.hidden = false;
    select.disabled = false;
    cancel.textContent = "Cancel";
    if (!dialog.open) dialog.showModal();
    ipc.writableCalendars()
      .then((calendars) => {
        if (calendars.length === 0) {
          fail(new Error("There is no calendar to import into: every calendar here is read-only."));
          return;
        }
        select.replaceChildren(
          ...calendars.map((c) => {
            const option = element("option", undefined, c.name);
            option.value = String(c.id);
            return option;
          }),
        );
        return showPreview();
      })
      .catch(failPreview);
  };
  return {
    open,
    dropped(paths) {
      const first = paths.find(isCalendarFile);
      if (first) open(first);
      else if (paths.length > 0) ipc.say("Almanac imports calendar files (.ics). Drop an .ics file to import its events.");
    },
  };
}

/**
 * The import test hook: WebDriver cannot drop a file from the desktop onto the window, so the
 * real-window suite hands paths to the same `dropped` handler with a window event
 * (`window.dispatchEvent(new CustomEvent("almanac:test-drop", { detail: [path] }))`). main.ts
 * listens for it only when the shell runs on a pinned clock (`clock_skew_ms` ≠ 0), which only the
 * test suites set up; the import then goes through the same preview and confirmation.
 */
export function listenForTestDrops(win: Window, importer: Importer): void {
  win.addEventListener("almanac:test-drop", (e) => {
    const paths: unknown = e instanceof CustomEvent ? e.detail : null;
    if (Array.isArray(paths) && paths.every((p) => typeof p === "string")) importer.dropped(paths);
  });
}
