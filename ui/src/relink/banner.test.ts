import { describe, expect, it } from "vitest";
import type { AccountView } from "../ipc";
import { accountNeedingRelink, relinkWords } from "./banner";

const account = (id: number, state: string): AccountView => ({
  id, kind: "icloud", username: "jane@icloud.com", state, state_text: state, last_success: null, problems: 0,
});

describe("accountNeedingRelink", () => {
  it("finds the account the user must act on", () => {
    expect(accountNeedingRelink([account(1, "active"), account(2, "needs_relink")])?.id).toBe(2);
  });

  it("stays quiet for offline, backoff, a refusal being checked and a locked keychain", () => {
    const quiet = ["offline", "backoff", "confirming", "keychain_locked"].map((s, i) => account(i, s));
    expect(accountNeedingRelink(quiet)).toBeUndefined();
  });

  it("asks for the password again when the keychain has none, in other words than a revocation", () => {
    const missing = account(3, "password_missing");
    expect(accountNeedingRelink([account(1, "active"), missing])?.id).toBe(3);
    expect(relinkWords(missing).title).toBe("Almanac has no saved password for iCloud");
    expect(relinkWords(account(2, "needs_relink")).title).toBe("iCloud needs a new app-specific password");
  });
});
