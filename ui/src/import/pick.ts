/**
 * File → Import: the sidebar's "Import events…" button and Ctrl+O (⌘O on a Mac) open the OS file
 * dialog, and a chosen file goes to the same preview as a dropped one. The app has no menu bar
 * (the tray holds its menu), so the sidebar's foot, beside Subscribe, is where the entry lives.
 */
import type { Importer } from "./dialog";

export interface ImportCommandDeps {
  /** The "Import events…" button. */
  button: HTMLElement;
  /** The OS file dialog: the chosen path, or `null` when cancelled (`pickIcsFile` in ../ipc). */
  pick: () => Promise<string | null>;
  importer: Pick<Importer, "open">;
  mac: boolean;
  /** The dialog could not open: says why. */
  failed: (err: unknown) => void;
}

/** Whether a key press asks to import: Ctrl+O, or ⌘O on macOS. */
export function isImportKey(e: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }, mac: boolean): boolean {
  const command = mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
  return command && !e.shiftKey && !e.altKey && e.key.toLowerCase() === "o";
}

/** Wires the button and the shortcut (on the button's document) to the file dialog. */
export function setUpImportCommand(deps: ImportCommandDeps): void {
  const doc = deps.button.ownerDocument;
  let picking = false;
  const choose = (): void => {
    if (picking) return;
    picking = true;
    deps
      .pick()
      .then((path) => {
        if (path !== null) deps.importer.open(path);
      })
      .catch(deps.failed)
      .finally(() => {
        picking = false;
      });
  };
  deps.button.addEventListener("click", choose);
  doc.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.repeat || !isImportKey(e, deps.mac)) return;
    // Not over another dialog: the import's own preview is one too.
    if (doc.querySelector("dialog[open]")) return;
    e.preventDefault();
    choose();
  });
}
