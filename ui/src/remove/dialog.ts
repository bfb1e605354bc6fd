/**
 * The question before something that deletes saved events from this computer: removing an
 * account (its password and calendars go) or ending a subscription (its events go). Nothing is
 * removed until the person says yes, and nothing changes on any server.
 */
import type { AccountView, CalendarView } from "../ipc";
import { byId } from "../dom";

export interface RemoveActions {
  removeAccount: (account: number) => Promise<void>;
  unsubscribe: (calendar: number) => Promise<void>;
  /** Something was removed: redraw what shows it. */
  removed: () => Promise<void>;
  /** The removal failed: say so in words. */
  failed: (err: unknown) => void;
}

export interface Question {
  title: string;
  text: string;
  /** The button that says yes. */
  yes: string;
}

/** What is asked before removing `account`. */
export function removeAccountQuestion(account: AccountView): Question {
  const name = account.kind === "icloud" ? `iCloud (${account.username})` : account.username;
  return {
    title: "Remove this account?",
    text: `Almanac will forget the password of ${name} and delete its saved calendars from this computer. Nothing changes on the server.`,
    yes: "Remove",
  };
}

/** What is asked before ending the subscription to `calendar`. */
export function unsubscribeQuestion(calendar: CalendarView): Question {
  return {
    title: "Unsubscribe from this calendar?",
    text: `Almanac will stop fetching ${calendar.name} and delete its events from this computer. You can subscribe again at any time.`,
    yes: "Unsubscribe",
  };
}

export interface RemoveDialog {
  /** Asks, then removes the account. */
  account: (account: AccountView) => void;
  /** Asks, then ends the subscription. */
  calendar: (calendar: CalendarView) => void;
}

/** Wires the static dialog in index.html. */
export function setUpRemove(actions: RemoveActions): RemoveDialog {
  const dialog = byId("remove-dialog", HTMLDialogElement);
  const title = byId("remove-title", HTMLElement);
  const text = byId("remove-text", HTMLElement);
  const confirm = byId("remove-confirm", HTMLButtonElement);

  const ask = (question: Question, remove: () => Promise<void>): void => {
    title.textContent = question.title;
    text.textContent = question.text;
    confirm.textContent = question.yes;
    dialog.returnValue = "";
    dialog.addEventListener(
      "close",
      () => {
        if (dialog.returnValue === "remove") remove().then(actions.removed).catch(actions.failed);
      },
      { once: true },
    );
    dialog.showModal();
  };

  return {
    account: (account) => {
      ask(removeAccountQuestion(account), () => actions.removeAccount(account.id));
    },
    calendar: (calendar) => {
      ask(unsubscribeQuestion(calendar), () => actions.unsubscribe(calendar.id));
    },
  };
}
