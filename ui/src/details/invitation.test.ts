import { describe, expect, it, vi } from "vitest";
import type { ChangeReceipt } from "../ipc";
import { type InvitationActions, invitationBlock } from "./invitation";
import { editingRows, stateLines } from "./state";

const ref = { calendar: 3, href: "/work/r.ics", start: "2026-12-01T17:00:00" };
const receipt: ChangeReceipt = { undo: 4, event: ref, note: null };

function fakeActions() {
  const spies = {
    answerInvitation: vi.fn<InvitationActions["answerInvitation"]>(() => Promise.resolve(receipt)),
    askScope: vi.fn<InvitationActions["askScope"]>(() => Promise.resolve("this")),
    changed: vi.fn<InvitationActions["changed"]>(),
    failed: vi.fn<InvitationActions["failed"]>(),
  };
  return spies;
}

const button = (block: HTMLElement, answer: string): HTMLButtonElement => {
  const found = block.querySelector<HTMLButtonElement>(`[data-answer="${answer}"]`);
  if (!found) throw new Error(answer);
  return found;
};

describe("invitationBlock", () => {
  it("offers the three answers with the current one pressed", () => {
    const block = invitationBlock(ref, "tentative", false, fakeActions(), vi.fn());
    expect([...block.querySelectorAll("button")].map((b) => b.textContent)).toEqual(["Accept", "Maybe", "Decline"]);
    expect(button(block, "tentative").getAttribute("aria-pressed")).toBe("true");
    expect(button(block, "accepted").getAttribute("aria-pressed")).toBe("false");
    expect(invitationBlock(ref, "needs_action", false, fakeActions(), vi.fn()).textContent).toContain("Going?");
  });

  it("answers a single event for all of it, then shows the event again", async () => {
    const actions = fakeActions();
    const answered = vi.fn();
    button(invitationBlock(ref, "needs_action", false, actions, answered), "accepted").click();
    await vi.waitFor(() => {
      expect(answered).toHaveBeenCalled();
    });
    expect(actions.askScope).not.toHaveBeenCalled();
    expect(actions.answerInvitation).toHaveBeenCalledWith(ref, "all", "accepted");
    expect(actions.changed).toHaveBeenCalledWith(receipt, "Invitation accepted");
  });

  it("asks the scope of a repeating invitation, and answers nothing when cancelled", async () => {
    const actions = fakeActions();
    actions.askScope.mockResolvedValueOnce("following").mockResolvedValueOnce(null);
    const block = invitationBlock(ref, "needs_action", true, actions, vi.fn());
    button(block, "declined").click();
    await vi.waitFor(() => {
      expect(actions.answerInvitation).toHaveBeenCalledWith(ref, "following", "declined");
    });
    button(block, "declined").click();
    await vi.waitFor(() => {
      expect(actions.askScope).toHaveBeenCalledTimes(2);
    });
    expect(actions.answerInvitation).toHaveBeenCalledTimes(1);
  });

  it("says a failed answer in words", async () => {
    const actions = fakeActions();
    const offline = new Error("Almanac could not save your answer.");
    actions.answerInvitation.mockRejectedValue(offline);
    button(invitationBlock(ref, "needs_action", false, actions, vi.fn()), "accepted").click();
    await vi.waitFor(() => {
      expect(actions.failed).toHaveBeenCalledWith(offline);
    });
  });
});

const quiet = { pending: false, refused: null, conflict: false, invitation: null, recurrence: null };

describe("stateLines", () => {
  it("says nothing for an event the server has", () => {
    expect(stateLines(quiet, vi.fn())).toEqual([]);
  });

  it("says a pending change waits, a refusal gives the server's reason as text, a conflict leads to Conflicts", () => {
    expect(stateLines({ ...quiet, pending: true }, vi.fn())[0]?.textContent).toMatch(/^Not yet on the server/);
    const refused = stateLines({ ...quiet, pending: true, refused: "<b>Quota</b> exceeded" }, vi.fn())[0];
    expect(refused?.textContent).toContain("<b>Quota</b> exceeded");
    expect(refused?.querySelector("b")).toBeNull();
    const show = vi.fn();
    const conflict = stateLines({ ...quiet, conflict: true }, show)[0];
    conflict?.querySelector("button")?.click();
    expect(show).toHaveBeenCalled();
  });
});

describe("editingRows", () => {
  it("adds the answers only for an invitation, and shows the event again after one", async () => {
    const reshow = vi.fn();
    const deps = { ...fakeActions(), showConflicts: vi.fn(), reshow };
    expect(editingRows(ref, quiet, deps)).toEqual([]);
    const rows = editingRows(ref, { ...quiet, pending: true, invitation: { answer: "needs_action" }, recurrence: "Every week" }, deps);
    expect(rows.map((r) => r.className)).toEqual(["details-state state-pending", "invitation"]);
    rows[1]?.querySelector<HTMLButtonElement>("[data-answer='tentative']")?.click();
    await vi.waitFor(() => {
      expect(reshow).toHaveBeenCalledWith(ref);
    });
    expect(deps.askScope).toHaveBeenCalled();
  });
});
