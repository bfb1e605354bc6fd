import { beforeEach, describe, expect, it, vi } from "vitest";
import page from "../../index.html?raw";
import { type AccountStateView, type AccountView, IpcFailure } from "../ipc";
import { describe as words } from "../notice";
import { type RelinkActions, accountNeedingRelink, relinkWords, setUpRelinkBanner } from "./banner";

const account = (id: number, state: AccountStateView): AccountView => ({
  id, kind: "icloud", username: "jane@icloud.com", state, state_text: state, last_success: null, problems: 0,
});

describe("accountNeedingRelink", () => {
  it("finds the account the user must act on", () => {
    expect(accountNeedingRelink([account(1, "active"), account(2, "needs_relink")])?.id).toBe(2);
  });

  it("stays quiet for offline, backoff, a refusal being checked and a locked keychain", () => {
    const quiet = (["offline", "backoff", "confirming", "keychain_locked"] as const).map((s, i) => account(i, s));
    expect(accountNeedingRelink(quiet)).toBeUndefined();
  });

  it("asks for the password again when the keychain has none, in other words than a revocation", () => {
    const missing = account(3, "password_missing");
    expect(accountNeedingRelink([account(1, "active"), missing])?.id).toBe(3);
    expect(relinkWords(missing).title).toBe("Almanac has no saved password for iCloud");
    expect(relinkWords(account(2, "needs_relink")).title).toBe("iCloud needs a new app-specific password");
  });
});

const input = (): HTMLInputElement => document.getElementById("relink-password") as HTMLInputElement;
const banner = (): HTMLElement => document.getElementById("relink-banner") as HTMLElement;
const error = (): HTMLElement => document.getElementById("relink-error") as HTMLElement;
const submit = (): HTMLButtonElement => document.getElementById("relink-submit") as HTMLButtonElement;
const NEW_PASSWORD = "qrst-uvwx-yzab-cdef";

function actions(over: Partial<RelinkActions> = {}): RelinkActions {
  return {
    relink: vi.fn((id: number) => Promise.resolve({ ...account(id, "active") })),
    openAppPasswordPage: vi.fn(() => Promise.resolve()),
    relinked: vi.fn(),
    describe: words,
    ...over,
  };
}

function paste(text: string): void {
  input().value = text;
  document.getElementById("relink-form")?.dispatchEvent(new Event("submit", { cancelable: true }));
}

/** Waits until the banner has the server's answer (its button is back). */
async function answered(): Promise<void> {
  await vi.waitFor(() => {
    expect(submit().textContent).toBe("Use this password");
  });
}

describe("the relink banner", () => {
  beforeEach(() => {
    document.body.replaceChildren(...new DOMParser().parseFromString(page, "text/html").body.children);
  });

  it("shows for a revoked account and hides when none needs a password", () => {
    const show = setUpRelinkBanner(actions());
    expect(banner().hidden).toBe(true);
    show(account(2, "needs_relink"));
    expect(banner().hidden).toBe(false);
    expect(document.getElementById("relink-title")?.textContent).toBe("iCloud needs a new app-specific password");
    expect(document.getElementById("relink-apple-link")?.hidden).toBe(false);
    show(undefined);
    expect(banner().hidden).toBe(true);
  });

  it("sends the new password once, in Apple's form, and goes away", async () => {
    const act = actions();
    setUpRelinkBanner(act)(account(2, "needs_relink"));
    paste(NEW_PASSWORD.toUpperCase());
    expect(input().value).toBe("");
    // Pasted and sent again while the first is being checked.
    paste(NEW_PASSWORD.toUpperCase());
    expect(act.relink).toHaveBeenCalledTimes(1);
    expect(act.relink).toHaveBeenCalledWith(2, NEW_PASSWORD);
    await answered();
    expect(banner().hidden).toBe(true);
    expect(act.relinked).toHaveBeenCalledTimes(1);
    expect(act.relink).toHaveBeenCalledTimes(1);
  });

  it("says a refused password in words, stays, and keeps no copy of it", async () => {
    const refused = new IpcFailure({ code: "wrong_password", message: "iCloud did not accept this password." });
    const act = actions({ relink: vi.fn(() => Promise.reject(refused)) });
    setUpRelinkBanner(act)(account(2, "needs_relink"));
    paste(NEW_PASSWORD);
    await answered();
    expect(error().hidden).toBe(false);
    expect(error().textContent).toBe(refused.message);
    expect(banner().hidden).toBe(false);
    expect(act.relinked).not.toHaveBeenCalled();
    expect(input().value).toBe("");
    expect(new XMLSerializer().serializeToString(document)).not.toContain(NEW_PASSWORD);
  });

  it("sends nothing without a password", () => {
    const act = actions();
    setUpRelinkBanner(act)(account(2, "needs_relink"));
    paste("   ");
    expect(act.relink).not.toHaveBeenCalled();
  });

  it("says so when the browser will not open Apple's page", async () => {
    const act = actions({ openAppPasswordPage: vi.fn(() => Promise.reject(new IpcFailure({ code: "unavailable", message: "No browser." }))) });
    setUpRelinkBanner(act)(account(2, "needs_relink"));
    document.getElementById("relink-apple-link")?.click();
    await vi.waitFor(() => {
      expect(error().textContent).toBe("No browser.");
    });
    expect(error().hidden).toBe(false);
  });
});
