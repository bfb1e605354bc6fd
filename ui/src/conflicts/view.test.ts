import { afterEach, describe, expect, it, vi } from "vitest";
import type { ConflictView, PendingChanges } from "../ipc";
import { countsText, renderChangeCounts } from "./counts";
import { type ConflictsIpc, setUpConflicts } from "./view";

const side = { title: "Budget", start: "2028-03-01T10:00:00", end: "2028-03-01T11:00:00", all_day: false, location: "Room 1", notes: null, text: "" };
const conflict: ConflictView = {
  id: 5, calendar: 1, calendar_name: "Work", title: "Budget",
  mine: { ...side, title: "Budget <b>final</b>" },
  theirs: { ...side, start: "2028-03-01T14:00:00", end: "2028-03-01T15:00:00" },
};

function fakeIpc(list: ConflictView[][]) {
  const answers = [...list];
  return {
    conflicts: vi.fn<ConflictsIpc["conflicts"]>(() => Promise.resolve(answers.shift() ?? [])),
    resolveConflict: vi.fn<ConflictsIpc["resolveConflict"]>(() => Promise.resolve()),
    resolved: vi.fn(),
    describe: (err: unknown) => (err instanceof Error ? err.message : "failed"),
  };
}

afterEach(() => {
  document.body.replaceChildren();
});

describe("the Conflicts view", () => {
  it("shows both versions side by side, as text, with what differs marked", async () => {
    const ipc = fakeIpc([[conflict]]);
    setUpConflicts(ipc, "en-US").show();
    await vi.waitFor(() => {
      expect(document.querySelector("[data-conflict='5']")).not.toBeNull();
    });
    const [mine, theirs] = document.querySelectorAll(".conflict-side");
    expect(mine?.textContent).toContain("On this computer");
    expect(mine?.textContent).toContain("Budget <b>final</b>");
    expect(mine?.querySelector("b")).toBeNull();
    expect(theirs?.textContent).toContain("On the server");
    const differs = [...document.querySelectorAll(".conflict-differs")].map((el) => el.previousElementSibling?.textContent);
    expect(new Set(differs)).toEqual(new Set(["Title", "When"]));
    expect([...document.querySelectorAll("[data-keep]")].map((b) => b.textContent)).toEqual(["Keep mine", "Keep theirs", "Keep both"]);
  });

  it("resolves with the chosen version, then lists what is left", async () => {
    const ipc = fakeIpc([[conflict], []]);
    setUpConflicts(ipc, "en-US").show();
    await vi.waitFor(() => {
      expect(document.querySelector("[data-keep='both']")).not.toBeNull();
    });
    document.querySelector<HTMLButtonElement>("[data-keep='both']")?.click();
    await vi.waitFor(() => {
      expect(document.querySelector(".conflicts-none")).not.toBeNull();
    });
    expect(ipc.resolveConflict).toHaveBeenCalledWith(5, "both");
    expect(ipc.resolved).toHaveBeenCalled();
  });

  it("offers no 'keep both' when one side deleted the event, and says 'Deleted'", async () => {
    setUpConflicts(fakeIpc([[{ ...conflict, theirs: null }]]), "en-US").show();
    await vi.waitFor(() => {
      expect(document.querySelector("[data-keep='mine']")).not.toBeNull();
    });
    expect(document.querySelector("[data-keep='both']")).toBeNull();
    expect(document.querySelector(".conflict-deleted")?.textContent).toBe("Deleted");
  });

  it("says a failure and lets the person try again", async () => {
    const ipc = fakeIpc([[conflict]]);
    ipc.resolveConflict.mockRejectedValueOnce(new Error("The store is busy."));
    setUpConflicts(ipc, "en-US").show();
    await vi.waitFor(() => {
      expect(document.querySelector("[data-keep='mine']")).not.toBeNull();
    });
    document.querySelector<HTMLButtonElement>("[data-keep='mine']")?.click();
    await vi.waitFor(() => {
      expect(document.querySelector(".conflicts-status")?.textContent).toBe("The store is busy.");
    });
    expect(document.querySelector<HTMLButtonElement>("[data-keep='mine']")?.disabled).toBe(false);
  });
});

describe("the sidebar's counts", () => {
  const count = (over: Partial<PendingChanges>): PendingChanges => ({ account: 1, pending: 0, refused: 0, conflicts: 0, ...over });

  it("says nothing when every change is on the server", () => {
    expect(countsText(count({}))).toBeNull();
  });

  it("counts in words, and the conflicts count opens the view", () => {
    const sidebar = document.createElement("div");
    const section = document.createElement("section");
    section.className = "account";
    section.dataset["account"] = "1";
    section.append(Object.assign(document.createElement("ul"), { className: "calendar-list" }));
    sidebar.append(section);
    const show = vi.fn();
    renderChangeCounts(sidebar, [count({ pending: 3, refused: 1, conflicts: 1 }), count({ account: 9, pending: 2 })], show);
    expect(section.querySelector(".changes-waiting")?.textContent).toBe("3 changes not yet on the server");
    expect(section.querySelector(".changes-refused")?.textContent).toBe("1 change refused by the server");
    section.querySelector<HTMLButtonElement>(".changes-conflicts")?.click();
    expect(show).toHaveBeenCalled();
    expect(section.querySelector(".account-changes")?.nextElementSibling?.className).toBe("calendar-list");
    renderChangeCounts(sidebar, [count({ pending: 1 })], show);
    expect(sidebar.querySelectorAll(".account-changes")).toHaveLength(1);
    expect(section.querySelector(".changes-waiting")?.textContent).toBe("1 change not yet on the server");
  });
});
