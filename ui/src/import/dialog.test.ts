import { afterEach, describe, expect, it, vi } from "vitest";
import type { ImportPreview } from "../ipc";
import { type ImportIpc, fileName, importedText, isCalendarFile, listenForTestDrops, previewText, setUpImport } from "./dialog";

const preview = (over: Partial<ImportPreview> = {}): ImportPreview => ({
  calendar_name: "Home", total: 12, new: 10, updated: 1, skipped: 1, skipped_reasons: ["“Old party”: already there, and newer"], ...over,
});

afterEach(() => {
  document.body.replaceChildren();
});

function fakeIpc() {
  return {
    writableCalendars: vi.fn<ImportIpc["writableCalendars"]>(() => Promise.resolve([
      { id: 4, account: 1, name: "Home", color: null },
      { id: 6, account: 1, name: "Work", color: null },
    ])),
    importPreview: vi.fn<ImportIpc["importPreview"]>((_path, calendar) => Promise.resolve(preview({ calendar_name: calendar === 4 ? "Home" : "Work" }))),
    importEvents: vi.fn<ImportIpc["importEvents"]>(() => Promise.resolve(preview())),
    imported: vi.fn(),
    say: vi.fn(),
    describe: (err: unknown) => (err instanceof Error ? err.message : "failed"),
  };
}

function $(selector: string): HTMLElement;
function $<T extends HTMLElement>(selector: string, type: new () => T): T;
function $(selector: string, type: new () => HTMLElement = HTMLElement): HTMLElement {
  const el = document.querySelector(selector);
  if (!(el instanceof type)) throw new Error(selector);
  return el;
}

describe("words", () => {
  it("say what an import would do and did", () => {
    expect(previewText(preview())).toBe("12 events into Home: 10 new, 1 updated, 1 skipped.");
    expect(previewText(preview({ total: 0, new: 0, updated: 0, skipped: 0 }))).toBe("This file holds no events.");
    expect(importedText(preview())).toBe("11 events imported into Home; 1 skipped.");
    expect(importedText(preview({ new: 1, updated: 0, skipped: 0 }))).toBe("1 event imported into Home.");
  });

  it("know calendar files and their names", () => {
    expect(isCalendarFile("/home/me/Downloads/Trip.ICS")).toBe(true);
    expect(isCalendarFile("/home/me/notes.txt")).toBe(false);
    expect(fileName("C:\\Users\\me\\trip.ics")).toBe("trip.ics");
    expect(fileName("/tmp/trip.ics")).toBe("trip.ics");
  });
});

describe("the import dialog", () => {
  it("previews into the first writable calendar, again for another, then imports", async () => {
    const ipc = fakeIpc();
    setUpImport(ipc).open("/tmp/trip.ics");
    await vi.waitFor(() => {
      expect($(".import-preview").textContent).toBe("12 events into Home: 10 new, 1 updated, 1 skipped.");
    });
    expect($(".import-file").textContent).toBe("trip.ics");
    expect($(".import-skipped").textContent).toContain("Old party");
    const select = $("#import-calendar", HTMLSelectElement);
    select.value = "6";
    select.dispatchEvent(new Event("change"));
    await vi.waitFor(() => {
      expect($(".import-preview").textContent).toContain("into Work");
    });
    $("#import-confirm", HTMLButtonElement).click();
    await vi.waitFor(() => {
      expect(ipc.imported).toHaveBeenCalledWith(preview());
    });
    expect(ipc.importEvents).toHaveBeenCalledWith("/tmp/trip.ics", 6);
    expect($(".import-preview").textContent).toBe("11 events imported into Home; 1 skipped.");
    expect($("#import-confirm").hidden).toBe(true);
  });

  it("offers no import when nothing would change, and says a failure in words", async () => {
    const ipc = fakeIpc();
    ipc.importPreview.mockResolvedValueOnce(preview({ new: 0, updated: 0, skipped: 12 }));
    const importer = setUpImport(ipc);
    importer.open("/tmp/old.ics");
    await vi.waitFor(() => {
      expect($(".import-preview").textContent).toContain("12 skipped");
    });
    expect($("#import-confirm", HTMLButtonElement).disabled).toBe(true);
    ipc.importPreview.mockRejectedValueOnce(new Error("This file is not a calendar: line 3 is not iCalendar."));
    importer.open("/tmp/bad.ics");
    await vi.waitFor(() => {
      expect($(".import-error").textContent).toBe("This file is not a calendar: line 3 is not iCalendar.");
    });
    expect($(".import-error").hidden).toBe(false);
  });

  it("takes the first calendar file of a drop, and refuses other files in words", async () => {
    const ipc = fakeIpc();
    const importer = setUpImport(ipc);
    importer.dropped(["/tmp/photo.jpg"]);
    expect(ipc.say).toHaveBeenCalledWith(expect.stringMatching(/\.ics/));
    expect($("#import-dialog").hasAttribute("open")).toBe(false);
    importer.dropped(["/tmp/photo.jpg", "/tmp/b.ics", "/tmp/c.ics"]);
    await vi.waitFor(() => {
      expect(ipc.importPreview).toHaveBeenCalledWith("/tmp/b.ics", 4);
    });
  });
});

describe("the test hook", () => {
  it("hands the paths of an almanac:test-drop event to the drop handler, and ignores other details", () => {
    const dropped = vi.fn();
    listenForTestDrops(window, { open: vi.fn(), dropped });
    window.dispatchEvent(new CustomEvent("almanac:test-drop", { detail: ["/tmp/a.ics"] }));
    window.dispatchEvent(new CustomEvent("almanac:test-drop", { detail: "/tmp/b.ics" }));
    expect(dropped).toHaveBeenCalledTimes(1);
    expect(dropped).toHaveBeenCalledWith(["/tmp/a.ics"]);
  });
});
