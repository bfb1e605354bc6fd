import { beforeEach, describe, expect, it, vi } from "vitest";
import page from "../../index.html?raw";
import type { CalendarView, Overview, SubscribeRequest } from "../ipc";
import { IpcFailure } from "../ipc";
import { type SubscribeActions, accountChoices, addressProblem, setUpSubscribe } from "./dialog";

const overview: Overview = {
  accounts: [
    { id: 1, kind: "icloud", username: "jane@icloud.com", state: "active", state_text: "Up to date", last_success: null, problems: 0 },
    { id: 2, kind: "caldav", username: "jane", state: "active", state_text: "Up to date", last_success: null, problems: 0 },
  ],
  calendars: [],
  display_zone: "UTC",
  clock_skew_ms: 0,
};

const made: CalendarView = {
  id: 9, account: null, name: "Holidays in the United States", color: null, enabled: true, read_only: true, notify: true,
  progress: null, health: null, not_shown: null, feed_url: "https://calendar.example.com/us.ics", can_unsubscribe: true,
};

function actions(over: Partial<SubscribeActions> = {}): SubscribeActions {
  return {
    subscribe: vi.fn(() => Promise.resolve(made)),
    subscribed: vi.fn(),
    describe: (err) => (err instanceof Error ? err.message : "failed"),
    ...over,
  };
}

beforeEach(() => {
  const parsed = new DOMParser().parseFromString(page, "text/html");
  document.body.replaceChildren(...parsed.body.children);
});

function field<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`no #${id}`);
  return el;
}

function type(input: HTMLInputElement, text: string): void {
  input.value = text;
  input.dispatchEvent(new Event("input"));
}

function submit(): void {
  field("subscribe-form", HTMLFormElement).requestSubmit(field("subscribe-submit", HTMLButtonElement));
}

describe("addressProblem", () => {
  it("takes webcal and https feeds, and http only on this computer", () => {
    for (const ok of [
      "webcal://p12-calendars.icloud.com/holiday/US_en.ics",
      " https://calendar.google.com/calendar/ical/en.usa%23holiday%40group.v.calendar.google.com/public/basic.ics ",
      "WEBCALS://example.com/a.ics",
      "http://127.0.0.1:8080/feed.ics",
      "http://localhost/feed.ics",
    ]) {
      expect(addressProblem(ok), ok).toBeNull();
    }
  });

  it("says what is wrong with anything else", () => {
    expect(addressProblem("")).toMatch(/webcal:\/\/ or https:\/\//);
    expect(addressProblem("example.com/a.ics")).toMatch(/starts with/);
    expect(addressProblem("http://example.com/a.ics")).toMatch(/https:\/\/ instead of http:\/\//);
    expect(addressProblem("ftp://example.com/a.ics")).toMatch(/starts with/);
    expect(addressProblem("https://jane:secret@example.com/a.ics")).toMatch(/user name or password/);
    expect(addressProblem("https://example.com/my calendar.ics")).toMatch(/space/);
  });
});

describe("accountChoices", () => {
  it("offers no account first, then each account by its sidebar name", () => {
    expect(accountChoices(overview)).toEqual([
      { value: "", label: "No account" },
      { value: "1", label: "iCloud (jane@icloud.com)" },
      { value: "2", label: "jane" },
    ]);
  });
});

describe("setUpSubscribe", () => {
  it("enables Subscribe once the address may be a feed, and sends what was chosen", async () => {
    const act = actions();
    const dialog = setUpSubscribe(act);
    dialog.show(overview);
    const url = field("subscribe-url", HTMLInputElement);
    const button = field("subscribe-submit", HTMLButtonElement);
    expect(field("subscribe-dialog", HTMLDialogElement).open).toBe(true);
    expect(button.disabled).toBe(true);
    expect(field("subscribe-account", HTMLSelectElement).options).toHaveLength(3);
    type(url, "http://example.com/us.ics");
    expect(button.disabled).toBe(true);
    expect(field("subscribe-url-hint", HTMLElement).textContent).toMatch(/https:\/\//);
    expect(url.getAttribute("aria-invalid")).toBe("true");
    type(url, "webcal://calendar.example.com/us.ics");
    expect(button.disabled).toBe(false);
    field("subscribe-name", HTMLInputElement).value = "  US  ";
    field("subscribe-account", HTMLSelectElement).value = "2";
    submit();
    const sent: SubscribeRequest = { url: "webcal://calendar.example.com/us.ics", name: "US", account: 2 };
    expect(act.subscribe).toHaveBeenCalledWith(sent);
    await vi.waitFor(() => {
      expect(act.subscribed).toHaveBeenCalledWith(made);
    });
    expect(field("subscribe-dialog", HTMLDialogElement).open).toBe(false);
  });

  it("sends no name and no account when none were chosen", () => {
    const act = actions();
    setUpSubscribe(act).show(overview);
    type(field("subscribe-url", HTMLInputElement), "https://calendar.example.com/us.ics");
    submit();
    expect(act.subscribe).toHaveBeenCalledWith({ url: "https://calendar.example.com/us.ics", name: null, account: null });
  });

  it("keeps the dialog open with the shell's words when the feed is refused", async () => {
    const refused = new IpcFailure({ code: "invalid_input", message: "calendar.example.com did not answer with a calendar (.ics) file. Check the address." });
    const act = actions({ subscribe: vi.fn(() => Promise.reject(refused)) });
    const dialog = setUpSubscribe(act);
    dialog.show(overview);
    type(field("subscribe-url", HTMLInputElement), "https://calendar.example.com/page");
    submit();
    const error = field("subscribe-error", HTMLElement);
    await vi.waitFor(() => {
      expect(error.hidden).toBe(false);
    });
    expect(error.textContent).toBe(refused.message);
    expect(field("subscribe-dialog", HTMLDialogElement).open).toBe(true);
    expect(field("subscribe-submit", HTMLButtonElement).textContent).toBe("Subscribe");
    expect(act.subscribed).not.toHaveBeenCalled();
    // Typing again clears the old error; opening again starts empty.
    type(field("subscribe-url", HTMLInputElement), "https://calendar.example.com/us.ics");
    expect(error.hidden).toBe(true);
    dialog.show(overview);
    expect(field("subscribe-url", HTMLInputElement).value).toBe("");
  });

  it("is reached from the sign-in screen too, for a window with no account", () => {
    expect(document.getElementById("signin-subscribe")?.textContent).toMatch(/subscribe to a calendar/i);
    expect(document.getElementById("open-subscribe")?.textContent).toMatch(/Subscribe to a calendar/);
  });
});
