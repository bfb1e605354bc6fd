import { beforeEach, describe, expect, it, vi } from "vitest";
import page from "../../index.html?raw";
import { type AccountView, IpcFailure } from "../ipc";
import { describe as words } from "../notice";
import { type SignInActions, setUpSignIn } from "./form";

const PASSWORD = "qrst-uvwx-yzab-cdef";

const jane: AccountView = {
  id: 1, kind: "icloud", username: "jane@icloud.com", state: "active", state_text: "Up to date", last_success: null, problems: 0,
};

function actions(over: Partial<SignInActions> = {}): SignInActions {
  return {
    signIn: vi.fn(() => Promise.resolve(jane)),
    openAppPasswordPage: vi.fn(() => Promise.resolve()),
    signedIn: vi.fn(),
    describe: words,
    ...over,
  };
}

const input = (id: string): HTMLInputElement => document.getElementById(id) as HTMLInputElement;
const submit = (): HTMLButtonElement => document.getElementById("signin-submit") as HTMLButtonElement;
const error = (): HTMLElement => document.getElementById("signin-error") as HTMLElement;

function type(id: string, text: string): void {
  input(id).value = text;
  input(id).dispatchEvent(new Event("input"));
}

function send(): void {
  document.getElementById("signin-form")?.dispatchEvent(new Event("submit", { cancelable: true }));
}

/** Waits until the form has the server's answer (its button says "Sign in" again). */
async function answered(): Promise<void> {
  await vi.waitFor(() => {
    expect(submit().textContent).toBe("Sign in");
  });
}

/** Everything of the page a person or a script could read: text, attributes and field values. */
function shown(): string {
  const fields = [...document.querySelectorAll("input")].map((f) => f.value);
  return [new XMLSerializer().serializeToString(document), ...fields].join("\n");
}

beforeEach(() => {
  const parsed = new DOMParser().parseFromString(page, "text/html");
  document.body.replaceChildren(...parsed.body.children);
});

describe("sign-in validation", () => {
  it("enables Sign in only for an Apple ID and an app-specific password", () => {
    setUpSignIn(actions());
    expect(submit().disabled).toBe(true);
    type("apple-id", "jane");
    type("app-password", PASSWORD);
    expect(submit().disabled).toBe(true);
    expect(document.getElementById("apple-id-hint")?.dataset["tone"]).toBe("warn");
    type("apple-id", "jane@icloud.com");
    expect(submit().disabled).toBe(false);
  });

  it("calls out a main Apple ID password before anything is sent", () => {
    const act = actions();
    setUpSignIn(act);
    type("apple-id", "jane@icloud.com");
    type("app-password", "Summer2024!");
    const hint = document.getElementById("app-password-hint");
    expect(hint?.dataset["tone"]).toBe("warn");
    expect(hint?.textContent).toContain("not an app-specific password");
    expect(input("app-password").getAttribute("aria-invalid")).toBe("true");
    expect(submit().disabled).toBe(true);
    send();
    expect(act.signIn).not.toHaveBeenCalled();
  });

  it("wants an address, a user name and a password for another server", () => {
    setUpSignIn(actions());
    document.getElementById("tab-caldav")?.click();
    expect(document.getElementById("panel-caldav")?.hidden).toBe(false);
    expect(document.getElementById("panel-icloud")?.hidden).toBe(true);
    type("server-url", "https://dav.example.com/");
    type("caldav-user", "jane");
    expect(submit().disabled).toBe(true);
    type("caldav-password", "secret words");
    expect(submit().disabled).toBe(false);
  });
});

describe("signing in", () => {
  it("sends Apple's form of a pasted password once, and hands over the account", async () => {
    const act = actions();
    setUpSignIn(act);
    type("apple-id", " jane@icloud.com ");
    type("app-password", "QRST UVWX YZAB CDEF");
    send();
    send();
    expect(act.signIn).toHaveBeenCalledTimes(1);
    expect(act.signIn).toHaveBeenCalledWith({ kind: "icloud", username: "jane@icloud.com", password: PASSWORD, server_url: null });
    expect(submit().textContent).toBe("Checking…");
    await answered();
    expect(act.signedIn).toHaveBeenCalledWith(jane);
  });

  it("says a wrong password in words and keeps the form up", async () => {
    const refused = new IpcFailure({
      code: "wrong_password",
      message: "iCloud did not accept this app-specific password. Create a new one at account.apple.com.",
    });
    const act = actions({ signIn: vi.fn(() => Promise.reject(refused)) });
    setUpSignIn(act);
    type("apple-id", "jane@icloud.com");
    type("app-password", PASSWORD);
    send();
    await answered();
    expect(error().hidden).toBe(false);
    expect(error().textContent).toBe(refused.message);
    expect(act.signedIn).not.toHaveBeenCalled();
  });

  it("clears the password after sending it and never shows it, whatever the answer", async () => {
    for (const answer of [() => Promise.resolve(jane), () => Promise.reject(new IpcFailure({ code: "wrong_password", message: "Refused." }))]) {
      document.body.replaceChildren(...new DOMParser().parseFromString(page, "text/html").body.children);
      setUpSignIn(actions({ signIn: vi.fn(answer) }));
      type("apple-id", "jane@icloud.com");
      type("app-password", PASSWORD);
      send();
      expect(input("app-password").value).toBe("");
      await answered();
      expect(input("app-password").value).toBe("");
      expect(shown()).not.toContain(PASSWORD);
      expect(shown()).not.toContain(PASSWORD.replaceAll("-", ""));
      expect(submit().disabled).toBe(true);
    }
  });

  it("clears another server's password too", async () => {
    const act = actions();
    setUpSignIn(act);
    document.getElementById("tab-caldav")?.click();
    type("server-url", "https://dav.example.com/");
    type("caldav-user", "jane");
    type("caldav-password", "secret words");
    send();
    expect(act.signIn).toHaveBeenCalledWith({ kind: "caldav", username: "jane", password: "secret words", server_url: "https://dav.example.com/" });
    await answered();
    expect(shown()).not.toContain("secret words");
  });

  it("says so when the browser will not open Apple's page", async () => {
    const act = actions({ openAppPasswordPage: vi.fn(() => Promise.reject(new IpcFailure({ code: "unavailable", message: "No browser." }))) });
    setUpSignIn(act);
    document.getElementById("apple-link")?.click();
    await vi.waitFor(() => {
      expect(error().textContent).toBe("No browser.");
    });
    expect(error().hidden).toBe(false);
    expect(act.openAppPasswordPage).toHaveBeenCalledTimes(1);
  });
});
