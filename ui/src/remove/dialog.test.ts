import { beforeEach, describe, expect, it, vi } from "vitest";
import page from "../../index.html?raw";
import { type AccountView, type CalendarView, IpcFailure } from "../ipc";
import { type RemoveActions, setUpRemove } from "./dialog";

const jane: AccountView = {
  id: 1, kind: "icloud", username: "jane@icloud.com", state: "active", state_text: "Up to date", last_success: null, problems: 0,
};
const holidays: CalendarView = {
  id: 9, account: null, name: "Holidays <b>", color: null, enabled: true, read_only: true, notify: false, progress: null,
  health: null, not_shown: null, feed_url: "https://example.com/holidays.ics", can_unsubscribe: true,
};

function actions(over: Partial<RemoveActions> = {}): RemoveActions {
  return {
    removeAccount: vi.fn(() => Promise.resolve()),
    unsubscribe: vi.fn(() => Promise.resolve()),
    removed: vi.fn(() => Promise.resolve()),
    failed: vi.fn(),
    ...over,
  };
}

const dialog = (): HTMLDialogElement => document.getElementById("remove-dialog") as HTMLDialogElement;

/** The person closes the dialog with one of its buttons (what `<form method="dialog">` does). */
function answer(value: "remove" | "cancel"): void {
  dialog().returnValue = value;
  dialog().close();
}

beforeEach(() => {
  document.body.replaceChildren(...new DOMParser().parseFromString(page, "text/html").body.children);
});

describe("the removal question", () => {
  it("names the account and removes it only on yes, once", async () => {
    const act = actions();
    const remove = setUpRemove(act);
    remove.account(jane);
    expect(dialog().open).toBe(true);
    expect(document.getElementById("remove-text")?.textContent).toContain("iCloud (jane@icloud.com)");
    expect(document.getElementById("remove-confirm")?.textContent).toBe("Remove");
    answer("remove");
    expect(act.removeAccount).toHaveBeenCalledWith(1);
    await vi.waitFor(() => {
      expect(act.removed).toHaveBeenCalledTimes(1);
    });
    // A later question does not remove the account again.
    remove.calendar(holidays);
    answer("cancel");
    expect(act.removeAccount).toHaveBeenCalledTimes(1);
    expect(act.unsubscribe).not.toHaveBeenCalled();
  });

  it("removes nothing on cancel", () => {
    const act = actions();
    setUpRemove(act).account(jane);
    answer("cancel");
    expect(act.removeAccount).not.toHaveBeenCalled();
  });

  it("asks before ending a subscription, naming it as text", async () => {
    const act = actions();
    setUpRemove(act).calendar(holidays);
    expect(document.getElementById("remove-title")?.textContent).toBe("Unsubscribe from this calendar?");
    expect(document.getElementById("remove-text")?.textContent).toContain("Holidays <b>");
    expect(document.querySelector("#remove-dialog b")).toBeNull();
    answer("remove");
    expect(act.unsubscribe).toHaveBeenCalledWith(9);
    await vi.waitFor(() => {
      expect(act.removed).toHaveBeenCalledTimes(1);
    });
  });

  it("says why a removal failed", async () => {
    const refused = new IpcFailure({ code: "keychain", message: "The keychain is locked." });
    const act = actions({ removeAccount: vi.fn(() => Promise.reject(refused)) });
    setUpRemove(act).account(jane);
    answer("remove");
    await vi.waitFor(() => {
      expect(act.failed).toHaveBeenCalledWith(refused);
    });
    expect(act.removed).not.toHaveBeenCalled();
  });
});
