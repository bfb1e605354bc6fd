import { describe, expect, it } from "vitest";
import { classifyAppPassword, isPlausibleAppleId, passwordHint } from "./password";

describe("classifyAppPassword", () => {
  it("accepts Apple's shape and normalises pasted variants", () => {
    for (const pasted of ["abcd-efgh-ijkl-mnop", "ABCD-EFGH-IJKL-MNOP", "abcd efgh ijkl mnop", " abcdefghijklmnop\n"]) {
      expect(classifyAppPassword(pasted)).toEqual({ kind: "app-specific", normalised: "abcd-efgh-ijkl-mnop" });
    }
  });

  it("counts letters while the person is still typing", () => {
    expect(classifyAppPassword("")).toEqual({ kind: "empty" });
    expect(classifyAppPassword("abcd-ef")).toEqual({ kind: "incomplete", letters: 6 });
  });

  it("recognises a main Apple ID password", () => {
    for (const typed of ["Summer2024!", "correct horse battery staple", "abcd-efgh-ijkl-mnopq", "abcd-efgh-ijkl-mn0p"]) {
      expect(classifyAppPassword(typed).kind).toBe("not-app-specific");
    }
  });
});

describe("passwordHint", () => {
  it("warns about main passwords and names where to get the right one", () => {
    const hint = passwordHint({ kind: "not-app-specific" });
    expect(hint.tone).toBe("warn");
    expect(hint.text).toContain("account.apple.com");
  });

  it("confirms the right shape", () => {
    expect(passwordHint({ kind: "app-specific", normalised: "abcd-efgh-ijkl-mnop" }).tone).toBe("ok");
  });
});

describe("isPlausibleAppleId", () => {
  it("wants an e-mail address", () => {
    expect(isPlausibleAppleId("jane@icloud.com")).toBe(true);
    expect(isPlausibleAppleId(" jane@example.co.uk ")).toBe(true);
    expect(isPlausibleAppleId("jane")).toBe(false);
    expect(isPlausibleAppleId("jane@icloud")).toBe(false);
  });
});
