import { describe, expect, it, vi } from "vitest";
import { latestOnly } from "./latest";

/** A load whose answers the test hands out in any order. */
function answers(): { load: () => Promise<string>; resolve: (i: number, value: string) => void; reject: (i: number, err: unknown) => void } {
  const pending: { resolve: (v: string) => void; reject: (e: unknown) => void }[] = [];
  return {
    load: () =>
      new Promise<string>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
    resolve: (i, value) => {
      pending[i]?.resolve(value);
    },
    reject: (i, err) => {
      pending[i]?.reject(err);
    },
  };
}

describe("latestOnly", () => {
  it("shows each answer when they come in order", async () => {
    const server = answers();
    const show = vi.fn();
    const refresh = latestOnly(server.load, show, vi.fn());
    const first = refresh();
    server.resolve(0, "one");
    await first;
    const second = refresh();
    server.resolve(1, "two");
    await second;
    expect(show.mock.calls).toEqual([["one"], ["two"]]);
  });

  it("drops a slower earlier answer", async () => {
    const server = answers();
    const show = vi.fn();
    const refresh = latestOnly(server.load, show, vi.fn());
    const older = refresh();
    const newer = refresh();
    server.resolve(1, "new");
    await newer;
    server.resolve(0, "old");
    await older;
    expect(show.mock.calls).toEqual([["new"]]);
  });

  it("says a failure only when it is the newest answer", async () => {
    const server = answers();
    const show = vi.fn();
    const failed = vi.fn();
    const refresh = latestOnly(server.load, show, failed);
    const older = refresh();
    const newer = refresh();
    server.resolve(1, "new");
    server.reject(0, new Error("late"));
    await Promise.all([older, newer]);
    expect(failed).not.toHaveBeenCalled();
    const last = refresh();
    server.reject(2, new Error("offline"));
    await last;
    expect(failed).toHaveBeenCalledWith(new Error("offline"));
    expect(show.mock.calls).toEqual([["new"]]);
  });
});
