/**
 * The banner shown while an account needs a new password: what happened, a link to make a new
 * app-specific password, and a field to paste it. Browsing keeps working beneath it.
 */
import type { AccountView } from "../ipc";
import { byId } from "../dom";
import { classifyAppPassword } from "../signin/password";

/** The first account that needs a password pasted (a refused one, or none in the keychain). */
export function accountNeedingRelink(accounts: readonly AccountView[]): AccountView | undefined {
  return accounts.find((a) => a.state === "needs_relink" || a.state === "password_missing");
}

/** What the banner says for `account`: a refused password, or none in the keychain. */
export function relinkWords(account: AccountView): { title: string; why: string } {
  const name = account.kind === "icloud" ? "iCloud" : account.username;
  if (account.state === "password_missing") {
    return {
      title: `Almanac has no saved password for ${name}`,
      why: "The system keychain has no password for this account (it was removed, or the keychain was reset). Paste it again; your calendars stay available as saved.",
    };
  }
  return account.kind === "icloud"
    ? {
        title: "iCloud needs a new app-specific password",
        why: "Apple no longer accepts Almanac's password: the Apple ID password was changed, or the app-specific password was revoked. Your calendars stay available as saved.",
      }
    : {
        title: `${account.username} needs a new password`,
        why: "The server no longer accepts Almanac's password. Your calendars stay available as saved.",
      };
}

export interface RelinkActions {
  /** Verifies the new password with the server and puts it in the keychain. */
  relink: (account: number, password: string) => Promise<AccountView>;
  openAppPasswordPage: () => Promise<void>;
  /** The server took the new password. */
  relinked: () => void;
  /** Words for a failure. */
  describe: (err: unknown) => string;
}

/** Wires the banner; returns a function that shows it for an account, or hides it. */
export function setUpRelinkBanner(actions: RelinkActions): (account: AccountView | undefined) => void {
  const banner = byId("relink-banner", HTMLElement);
  const title = byId("relink-title", HTMLElement);
  const why = byId("relink-why", HTMLElement);
  const link = byId("relink-apple-link", HTMLAnchorElement);
  const field = byId("relink-password", HTMLInputElement);
  const submit = byId("relink-submit", HTMLButtonElement);
  const error = byId("relink-error", HTMLElement);
  let current: AccountView | undefined;
  let busy = false;

  const showError = (err: unknown): void => {
    error.textContent = actions.describe(err);
    error.hidden = false;
  };
  link.addEventListener("click", (e) => {
    e.preventDefault();
    actions.openAppPasswordPage().catch(showError);
  });
  byId("relink-form", HTMLFormElement).addEventListener("submit", (e) => {
    e.preventDefault();
    if (busy || !current || !field.value.trim()) return;
    const shape = classifyAppPassword(field.value);
    const password = current.kind === "icloud" && shape.kind === "app-specific" ? shape.normalised : field.value;
    // The password leaves the page with the request; a refused one is pasted again.
    field.value = "";
    busy = true;
    submit.disabled = true;
    submit.textContent = "Checking…";
    error.hidden = true;
    actions
      .relink(current.id, password)
      .then(() => {
        banner.hidden = true;
        actions.relinked();
      }, showError)
      .finally(() => {
        busy = false;
        submit.disabled = false;
        submit.textContent = "Use this password";
      });
  });

  return (account) => {
    current = account;
    if (!account) {
      banner.hidden = true;
      return;
    }
    const icloud = account.kind === "icloud";
    const words = relinkWords(account);
    title.textContent = words.title;
    why.textContent = words.why;
    link.hidden = !icloud;
    field.placeholder = icloud ? "xxxx-xxxx-xxxx-xxxx" : "New password";
    banner.hidden = false;
  };
}
