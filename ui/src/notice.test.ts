import { beforeEach, describe, expect, it } from "vitest";
import { IpcFailure } from "./ipc";
import { describe as words, setUpNotices, showUnhandledRejections } from "./notice";

const line = (): HTMLElement | null => document.querySelector(".notice");

beforeEach(() => {
  document.body.replaceChildren();
});

describe("notices", () => {
  it("stay hidden until there is something to say, then say it until closed", () => {
    const notices = setUpNotices(document.body);
    expect(line()?.hidden).toBe(true);
    notices.say("Almanac could not reach the server.");
    expect(line()?.hidden).toBe(false);
    expect(line()?.getAttribute("role")).toBe("alert");
    expect(line()?.textContent).toContain("Almanac could not reach the server.");
    document.querySelector<HTMLButtonElement>(".notice-close")?.click();
    expect(line()?.hidden).toBe(true);
  });

  it("show a failed command's own words, and general words for anything else", () => {
    const notices = setUpNotices(document.body);
    notices.failed(new IpcFailure({ code: "offline", message: "You are offline." }));
    expect(line()?.textContent).toContain("You are offline.");
    notices.failed("a bare string");
    expect(line()?.textContent).toContain(words(undefined));
    expect(line()?.textContent).not.toContain("a bare string");
  });

  it("show the failure of work nobody waits on", async () => {
    const notices = setUpNotices(document.body);
    const work = Promise.reject(new IpcFailure({ code: "storage", message: "The disk is full." }));
    notices.watch(work);
    await work.catch(() => undefined);
    expect(line()?.hidden).toBe(false);
    expect(line()?.textContent).toContain("The disk is full.");
  });

  it("leave work that succeeds alone", async () => {
    const notices = setUpNotices(document.body);
    const work = Promise.resolve();
    notices.watch(work);
    await work;
    expect(line()?.hidden).toBe(true);
  });

  it("show a rejection no code handled, as the last resort", () => {
    const notices = setUpNotices(document.body);
    showUnhandledRejections(window, notices);
    const event = Object.assign(new Event("unhandledrejection"), { reason: new Error("The store is locked.") });
    window.dispatchEvent(event);
    expect(line()?.hidden).toBe(false);
    expect(line()?.textContent).toContain("The store is locked.");
  });
});
