import { describe, expect, it } from "vitest";
import { readOnlyMark, readOnlyReason } from "./readonly";

describe("read-only calendars", () => {
  it("say why, a subscription differently from a share", () => {
    expect(readOnlyReason({ read_only: false, feed_url: null })).toBeNull();
    expect(readOnlyReason({ read_only: true, feed_url: null })).toMatch(/^Shared with you read-only/);
    expect(readOnlyReason({ read_only: true, feed_url: "https://example.com/us.ics" })).toMatch(/^A subscription/);
  });

  it("carry the reason on hover and for screen readers", () => {
    const mark = readOnlyMark("Shared with you read-only.");
    expect(mark.title).toBe("Shared with you read-only.");
    expect(mark.textContent).toBe("Read-only Shared with you read-only.");
  });
});
