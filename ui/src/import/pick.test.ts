import { afterEach, describe, expect, it, vi } from "vitest";
import type { ImportIpc } from "./dialog";
import { setUpImport } from "./dialog";
import { isImportKey, setUpImportCommand } from "./pick";

afterEach(() => {
  document.body.replaceChildren();
});

const key = (over: Partial<Parameters<typeof isImportKey>[0]>) => ({ key: "o", ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...over });

describe("isImportKey", () => {
  it("is Ctrl+O off a Mac and ⌘O on one, nothing else", () => {
    expect(isImportKey(key({ ctrlKey: true }), false)).toBe(true);
    expect(isImportKey(key({ ctrlKey: true, key: "O" }), false)).toBe(true);
    expect(isImportKey(key({ metaKey: true }), true)).toBe(true);
    expect(isImportKey(key({ metaKey: true }), false)).toBe(false);
    expect(isImportKey(key({ ctrlKey: true }), true)).toBe(false);
    expect(isImportKey(key({ ctrlKey: true, shiftKey: true }), false)).toBe(false);
    expect(isImportKey(key({}), false)).toBe(false);
  });
});

function setUp(pick: () => Promise<string | null>) {
  const ipc = {
    writableCalendars: vi.fn<ImportIpc["writableCalendars"]>(() => Promise.resolve([{ id: 4, account: 1, name: "Home", color: null }])),
    importPreview: vi.fn<ImportIpc["importPreview"]>(() =>
      Promise.resolve({ calendar_name: "Home", total: 2, new: 2, updated: 0, skipped: 0, skipped_reasons: [] }),
    ),
    importEvents: vi.fn<ImportIpc["importEvents"]>(),
    imported: vi.fn(),
    say: vi.fn(),
    describe: (err: unknown) => (err instanceof Error ? err.message : "failed"),
  };
  const importer = setUpImport(ipc);
  const button = document.createElement("button");
  document.body.append(button);
  const failed = vi.fn();
  const picker = vi.fn(pick);
  setUpImportCommand({ button, pick: picker, importer, mac: false, failed });
  const dialog = document.getElementById("import-dialog");
  if (!(dialog instanceof HTMLDialogElement)) throw new Error("no import dialog");
  return { ipc, button, picker, failed, dialog };
}

describe("Import… with the file dialog", () => {
  it("does nothing when the person cancels the dialog", async () => {
    const { ipc, button, picker, failed, dialog } = setUp(() => Promise.resolve(null));
    button.click();
    await vi.waitFor(() => {
      expect(picker).toHaveBeenCalledTimes(1);
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(dialog.open).toBe(false);
    expect(ipc.writableCalendars).not.toHaveBeenCalled();
    expect(ipc.importPreview).not.toHaveBeenCalled();
    expect(failed).not.toHaveBeenCalled();
  });

  it("opens the preview of the chosen file", async () => {
    const { ipc, button, dialog } = setUp(() => Promise.resolve("/home/me/Downloads/team.ics"));
    button.click();
    await vi.waitFor(() => {
      expect(ipc.importPreview).toHaveBeenCalledWith("/home/me/Downloads/team.ics", 4);
    });
    expect(dialog.open).toBe(true);
    expect(dialog.querySelector(".import-file")?.textContent).toBe("team.ics");
    await vi.waitFor(() => {
      expect(dialog.querySelector(".import-preview")?.textContent).toBe("2 events into Home: 2 new.");
    });
  });

  it("opens the file dialog on Ctrl+O, but not over another dialog", async () => {
    // A document of its own: the other tests' shortcut listeners stay on the global one.
    const doc = document.implementation.createHTMLDocument();
    const button = doc.createElement("button");
    const other = doc.createElement("dialog");
    doc.body.append(button, other);
    const picker = vi.fn(() => Promise.resolve("/tmp/a.ics"));
    const open = vi.fn();
    setUpImportCommand({ button, pick: picker, importer: { open }, mac: false, failed: vi.fn() });
    other.showModal();
    doc.dispatchEvent(new KeyboardEvent("keydown", { key: "o", ctrlKey: true, cancelable: true }));
    expect(picker).not.toHaveBeenCalled();
    other.close();
    const press = new KeyboardEvent("keydown", { key: "o", ctrlKey: true, cancelable: true });
    doc.dispatchEvent(press);
    expect(press.defaultPrevented).toBe(true);
    await vi.waitFor(() => {
      expect(open).toHaveBeenCalledWith("/tmp/a.ics");
    });
    expect(picker).toHaveBeenCalledTimes(1);
  });

  it("says why when the file dialog cannot open", async () => {
    const { button, failed, dialog } = setUp(() => Promise.reject(new Error("no portal")));
    button.click();
    await vi.waitFor(() => {
      expect(failed).toHaveBeenCalledTimes(1);
    });
    expect(dialog.open).toBe(false);
  });
});
