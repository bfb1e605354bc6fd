import { describe, expect, it } from "vitest";
import type { AccountView } from "../ipc";
import { accountNeedingRelink } from "./banner";

const account = (id: number, state: string): AccountView => ({
  id, kind: "icloud", username: "jane@icloud.com", state, state_text: state, last_success: null, problems: 0,
});

describe("accountNeedingRelink", () => {
  it("finds the account the user must act on", () => {
    expect(accountNeedingRelink([account(1, "active"), account(2, "needs_relink")])?.id).toBe(2);
  });

  it("stays quiet for offline and backoff", () => {
    expect(accountNeedingRelink([account(1, "offline"), account(2, "backoff")])).toBeUndefined();
  });
});
