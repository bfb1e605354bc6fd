import { beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn<(command: string, args?: unknown) => Promise<unknown>>(() => Promise.resolve(undefined));
vi.mock("@tauri-apps/api/core", () => ({ invoke: (command: string, args?: unknown) => invoke(command, args) }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

const ipc = await import("./index");
const { commands } = await import("./commands");

describe("IPC errors", () => {
  it("keeps structured errors as they are", () => {
    const err = { code: "invalid_input", message: "Enter your Apple ID." };
    expect(ipc.isIpcError(err)).toBe(true);
    const failure = ipc.asIpcError(err);
    expect(failure.code).toBe("invalid_input");
    expect(failure.message).toBe("Enter your Apple ID.");
    expect(failure).toBeInstanceOf(Error);
  });

  it("never shows a raw rejection to a person", async () => {
    const shown = ipc.asIpcError(new Error("invoke failed: state not managed\n    at foo (bar.js:1)"));
    expect(shown.code).toBe("unavailable");
    expect(shown.message).not.toContain("at foo");
    invoke.mockImplementationOnce(() => Promise.reject(new Error("command settings not found")));
    await expect(ipc.settings()).rejects.toMatchObject({ code: "unavailable", message: "Almanac could not complete that. Please try again." });
  });
});

describe("commands", () => {
  beforeEach(() => {
    invoke.mockClear();
  });

  it("sends the visible range as wall-clock strings without an offset", async () => {
    await ipc.eventsBetween(new Date("2026-11-29T00:00:00Z"), new Date("2027-01-10T00:00:00Z"));
    expect(invoke).toHaveBeenCalledWith("events_between", { from: "2026-11-29T00:00:00", to: "2027-01-10T00:00:00" });
  });

  it("names every argument as the shell's commands do", async () => {
    await ipc.eventDetails(3, "/cal/a.ics", "2026-12-01T10:00:00");
    await ipc.openLink("https://example.com/");
    await ipc.syncProblems();
    await ipc.setSyncInterval(30);
    await ipc.setStartAtLogin(true);
    await ipc.setZoneOverride(null);
    await ipc.setCalendarNotify(7, false);
    await ipc.exportCalendar(7);
    await ipc.diagnostics();
    await ipc.openDataDir();
    expect(invoke.mock.calls).toEqual([
      ["event_details", { calendar: 3, href: "/cal/a.ics", start: "2026-12-01T10:00:00" }],
      ["open_link", { url: "https://example.com/" }],
      ["sync_problems", undefined],
      ["set_sync_interval", { minutes: 30 }],
      ["set_start_at_login", { enabled: true }],
      ["set_zone_override", { zone: null }],
      ["set_calendar_notify", { calendar: 7, enabled: false }],
      ["export_calendar", { calendar: 7 }],
      ["diagnostics", undefined],
      ["open_data_dir", undefined],
    ]);
  });
});

describe("generated wrappers", () => {
  it("are all exported by the door, each under its own name", () => {
    const generated = Object.keys(commands(() => Promise.resolve(undefined as never)));
    expect(generated.length).toBeGreaterThan(20);
    const door: Record<string, unknown> = ipc;
    const missing = generated.filter((name) => typeof door[name] !== "function");
    expect(missing).toEqual([]);
  });

  it("send snake_case commands with the argument keys Tauri expects", async () => {
    invoke.mockClear();
    await ipc.shell.setCalendarEnabled(4, true);
    expect(invoke).toHaveBeenCalledWith("set_calendar_enabled", { calendar: 4, enabled: true });
  });
});
