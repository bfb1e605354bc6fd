/**
 * The "Subscribe to a calendar" dialog (sidebar button, or the sign-in screen's link): the
 * address of a calendar feed (a `webcal://` or `https://` .ics link, as holiday, sports and
 * school calendars publish them), an optional name, and the account to show it with, or none.
 * The shell fetches the feed once before anything is stored, so a wrong address says why and
 * stores nothing; the subscription is read-only and refreshed on the sync schedule.
 */
import type { CalendarView, Overview, SubscribeRequest } from "../ipc";
import { byId } from "../dom";

export interface SubscribeActions {
  subscribe: (request: SubscribeRequest) => Promise<CalendarView>;
  /** The subscription was made: redraw what shows calendars. */
  subscribed: (calendar: CalendarView) => void;
  /** Words for a failure. */
  describe: (err: unknown) => string;
}

/** Why `text` is not (yet) a feed address, in words; `null` when it may be one. Only the form is
 * checked: the shell fetches it and says what the server answered. */
export function addressProblem(text: string): string | null {
  const address = text.trim();
  if (address === "") return "Paste the calendar's address, starting with webcal:// or https://.";
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#\s]+)/i.exec(address);
  if (!match) return "The address starts with webcal:// or https://.";
  const scheme = (match[1] ?? "").toLowerCase();
  const host = (match[2] ?? "").toLowerCase();
  if (/\s/.test(address)) return "The address has a space in it.";
  if (host.includes("@")) return "Addresses with a user name or password in them are not supported.";
  if (scheme === "webcal" || scheme === "webcals" || scheme === "https") return null;
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  if (scheme === "http" && loopback) return null;
  if (scheme === "http") return "Almanac uses secure addresses only: try https:// instead of http://.";
  return "The address starts with webcal:// or https://.";
}

/** The account choices: no account first, then each account by the name the sidebar uses. */
export function accountChoices(data: Overview): { value: string; label: string }[] {
  return [
    { value: "", label: "No account" },
    ...data.accounts.map((a) => ({ value: String(a.id), label: a.kind === "icloud" ? `iCloud (${a.username})` : a.username })),
  ];
}

export interface SubscribeDialog {
  /** Opens the dialog, empty, with the accounts of `data` to choose from. */
  show(data: Overview): void;
}

/** Wires the static dialog in index.html. */
export function setUpSubscribe(actions: SubscribeActions): SubscribeDialog {
  const dialog = byId("subscribe-dialog", HTMLDialogElement);
  const url = byId("subscribe-url", HTMLInputElement);
  const hint = byId("subscribe-url-hint", HTMLElement);
  const name = byId("subscribe-name", HTMLInputElement);
  const account = byId("subscribe-account", HTMLSelectElement);
  const submit = byId("subscribe-submit", HTMLButtonElement);
  const error = byId("subscribe-error", HTMLElement);
  const form = byId("subscribe-form", HTMLFormElement);
  let busy = false;

  const check = (): void => {
    const problem = addressProblem(url.value);
    const typed = url.value.trim() !== "";
    hint.textContent = typed && problem ? problem : "A webcal:// or https:// link to an .ics calendar. It stays read-only.";
    hint.dataset["tone"] = typed && problem ? "warn" : "neutral";
    url.setAttribute("aria-invalid", String(typed && problem !== null));
    submit.disabled = busy || problem !== null;
  };
  url.addEventListener("input", () => {
    error.hidden = true;
    check();
  });

  form.addEventListener("submit", (e) => {
    const submitter = e.submitter;
    if (submitter instanceof HTMLButtonElement && submitter.value === "cancel") return;
    e.preventDefault();
    if (busy || addressProblem(url.value) !== null) return;
    busy = true;
    error.hidden = true;
    submit.textContent = "Subscribing…";
    check();
    const request: SubscribeRequest = {
      url: url.value.trim(),
      name: name.value.trim() === "" ? null : name.value.trim(),
      account: account.value === "" ? null : Number(account.value),
    };
    actions
      .subscribe(request)
      .then((calendar) => {
        dialog.close();
        actions.subscribed(calendar);
      })
      .catch((err: unknown) => {
        error.textContent = actions.describe(err);
        error.hidden = false;
        url.focus();
      })
      .finally(() => {
        busy = false;
        submit.textContent = "Subscribe";
        check();
      });
  });

  return {
    show(data) {
      url.value = "";
      name.value = "";
      account.replaceChildren(...accountChoices(data).map((c) => new Option(c.label, c.value)));
      account.value = "";
      error.hidden = true;
      check();
      if (!dialog.open) dialog.showModal();
      url.focus();
    },
  };
}
