/**
 * The first-run sign-in form: iCloud (Apple ID + app-specific password) or another CalDAV server.
 * It checks the password's shape as the person types and enables "Sign in" only when the fields
 * make sense; the server verifies before anything is stored.
 */
import type { AccountView, SignInRequest } from "../ipc";
import { byId } from "../dom";
import { classifyAppPassword, isPlausibleAppleId, passwordHint } from "./password";

type Kind = "icloud" | "caldav";

export interface SignInActions {
  /** The server verifies before anything is stored. */
  signIn: (request: SignInRequest) => Promise<AccountView>;
  openAppPasswordPage: () => Promise<void>;
  /** The server accepted the account. */
  signedIn: (account: AccountView) => void;
  /** Words for a failure. */
  describe: (err: unknown) => string;
}

/** Wires the static form in index.html. */
export function setUpSignIn(actions: SignInActions): void {
  const tabs: Record<Kind, HTMLButtonElement> = {
    icloud: byId("tab-icloud", HTMLButtonElement),
    caldav: byId("tab-caldav", HTMLButtonElement),
  };
  const panels: Record<Kind, HTMLElement> = {
    icloud: byId("panel-icloud", HTMLElement),
    caldav: byId("panel-caldav", HTMLElement),
  };
  const appleId = byId("apple-id", HTMLInputElement);
  const appleIdHint = byId("apple-id-hint", HTMLElement);
  const appPassword = byId("app-password", HTMLInputElement);
  const appPasswordHint = byId("app-password-hint", HTMLElement);
  const serverUrl = byId("server-url", HTMLInputElement);
  const caldavUser = byId("caldav-user", HTMLInputElement);
  const caldavPassword = byId("caldav-password", HTMLInputElement);
  const submit = byId("signin-submit", HTMLButtonElement);
  const error = byId("signin-error", HTMLElement);
  let kind: Kind = "icloud";

  const showError = (err: unknown): void => {
    error.textContent = actions.describe(err);
    error.hidden = false;
  };

  const showHint = (el: HTMLElement, text: string, tone: string): void => {
    el.textContent = text;
    el.dataset["tone"] = tone;
  };

  const refresh = (): void => {
    const shape = classifyAppPassword(appPassword.value);
    const hint = passwordHint(shape);
    showHint(appPasswordHint, hint.text, hint.tone);
    appPassword.setAttribute("aria-invalid", String(hint.tone === "warn"));
    const idTyped = appleId.value.trim().length > 0;
    const idOk = isPlausibleAppleId(appleId.value);
    showHint(
      appleIdHint,
      idTyped && !idOk ? "Use the e-mail address of your Apple ID." : "The e-mail address you sign in to Apple with.",
      idTyped && !idOk ? "warn" : "neutral",
    );
    submit.disabled =
      kind === "icloud"
        ? !(idOk && shape.kind === "app-specific")
        : !(serverUrl.value.trim() && caldavUser.value.trim() && caldavPassword.value);
  };

  const select = (next: Kind): void => {
    kind = next;
    for (const k of ["icloud", "caldav"] as const) {
      tabs[k].setAttribute("aria-selected", String(k === next));
      tabs[k].tabIndex = k === next ? 0 : -1;
      panels[k].hidden = k !== next;
    }
    error.hidden = true;
    refresh();
  };

  tabs.icloud.addEventListener("click", () => { select("icloud"); });
  tabs.caldav.addEventListener("click", () => { select("caldav"); });
  for (const tab of Object.values(tabs)) {
    tab.addEventListener("keydown", (e) => {
      if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
        const next: Kind = kind === "icloud" ? "caldav" : "icloud";
        select(next);
        tabs[next].focus();
      }
    });
  }
  for (const input of [appleId, appPassword, serverUrl, caldavUser, caldavPassword]) {
    input.addEventListener("input", refresh);
  }
  // Pasted passwords often carry spaces or capitals: show Apple's form once it is unambiguous.
  appPassword.addEventListener("blur", () => {
    const shape = classifyAppPassword(appPassword.value);
    if (shape.kind === "app-specific") appPassword.value = shape.normalised;
  });
  byId("apple-link", HTMLAnchorElement).addEventListener("click", (e) => {
    e.preventDefault();
    actions.openAppPasswordPage().catch(showError);
  });
  byId("signin-form", HTMLFormElement).addEventListener("submit", (e) => {
    e.preventDefault();
    if (submit.disabled) return;
    const shape = classifyAppPassword(appPassword.value);
    const request =
      kind === "icloud"
        ? {
            kind,
            username: appleId.value.trim(),
            password: shape.kind === "app-specific" ? shape.normalised : appPassword.value,
            server_url: null,
          }
        : { kind, username: caldavUser.value.trim(), password: caldavPassword.value, server_url: serverUrl.value.trim() };
    // The password leaves the form with the request: the keychain keeps it if the server takes
    // it, and a refused one is typed again rather than left in the page.
    appPassword.value = "";
    caldavPassword.value = "";
    submit.disabled = true;
    submit.textContent = "Checking…";
    error.hidden = true;
    actions
      .signIn(request)
      .then(actions.signedIn, showError)
      .finally(() => {
        submit.textContent = "Sign in";
        refresh();
      });
  });
  refresh();
  appleId.focus();
}
