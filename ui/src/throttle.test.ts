import { afterEach, describe, expect, it, vi } from "vitest";
import { throttle } from "./throttle";

describe("throttle", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs at once, then once at the end of a burst", () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const run = throttle(fn, 300);
    run();
    expect(fn).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 20; i++) run();
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(300);
    expect(fn).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledTimes(2);
    run();
    expect(fn).toHaveBeenCalledTimes(3);
  });
});
