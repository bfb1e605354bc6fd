import { describe, expect, it } from "vitest";
import { asIpcError, isIpcError } from "./index";

describe("IPC errors", () => {
  it("keeps structured errors as they are", () => {
    const err = { code: "invalid_input", message: "Enter your Apple ID." };
    expect(isIpcError(err)).toBe(true);
    const failure = asIpcError(err);
    expect(failure.code).toBe("invalid_input");
    expect(failure.message).toBe("Enter your Apple ID.");
    expect(failure).toBeInstanceOf(Error);
  });

  it("never shows a raw rejection to a person", () => {
    const shown = asIpcError(new Error("invoke failed: state not managed\n    at foo (bar.js:1)"));
    expect(shown.code).toBe("unavailable");
    expect(shown.message).not.toContain("at foo");
  });
});
