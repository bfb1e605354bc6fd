/**
 * The one question a repeating event asks before a change: this event, this and following, or
 * all events (as Apple and GNOME Calendar ask it). The editor, deleting, and dragging an
 * occurrence (the calendar's own code) all ask through `askScope`; nothing asks for an event that
 * does not repeat.
 */
import { element } from "../dom";
import type { EditScope } from "../ipc";
import { modalDialog, openModal } from "./modal";

/** What the question is about. */
export interface ScopeQuestion {
  /** "save" (an edit, a move) or "delete". */
  action?: "save" | "delete";
  /** Whether "only this event" makes sense (not when the repetition itself changed). */
  allowThis?: boolean;
}

export type AskScope = (question?: ScopeQuestion) => Promise<EditScope | null>;

const WORDS = {
  save: {
    title: "Change a repeating event",
    text: "This event repeats. Which events should the change apply to?",
    this: "Only this event",
    following: "This and following events",
    all: "All events",
  },
  delete: {
    title: "Delete a repeating event",
    text: "This event repeats. Which events should be deleted?",
    this: "Delete only this event",
    following: "Delete this and following",
    all: "Delete all events",
  },
} as const;

/** Sets up the question's dialog (added to the document once) and returns the way to ask it. */
export function setUpScopeQuestion(): AskScope {
  let answer: ((scope: EditScope | null) => void) | null = null;
  const finish = (scope: EditScope | null): void => {
    const done = answer;
    answer = null;
    if (dialog.open) dialog.close();
    done?.(scope);
  };
  const dialog = modalDialog("card confirm scope-dialog", "Which events?", () => {
    finish(null);
  });
  const title = element("h2", "scope-title");
  title.id = "scope-title";
  dialog.removeAttribute("aria-label");
  dialog.setAttribute("aria-labelledby", title.id);
  const text = element("p", "scope-text");
  const choices = element("div", "scope-choices");
  const buttons = (["this", "following", "all"] as const).map((scope) => {
    const button = element("button", scope === "all" ? "secondary scope-all" : "secondary");
    button.type = "button";
    button.dataset["scope"] = scope;
    button.addEventListener("click", () => {
      finish(scope);
    });
    choices.append(button);
    return button;
  });
  const cancel = element("button", "link-button scope-cancel", "Cancel");
  cancel.type = "button";
  cancel.addEventListener("click", () => {
    finish(null);
  });
  dialog.append(title, text, choices, cancel);

  return (question = {}) => {
    // A question still open is answered "cancel" first: one question at a time.
    finish(null);
    const words = WORDS[question.action ?? "save"];
    title.textContent = words.title;
    text.textContent = words.text;
    for (const button of buttons) {
      const scope = button.dataset["scope"] as EditScope;
      button.textContent = words[scope];
      button.hidden = scope === "this" && question.allowThis === false;
      button.classList.toggle("scope-danger", question.action === "delete");
    }
    openModal(dialog);
    buttons.find((b) => !b.hidden)?.focus();
    return new Promise((resolve) => {
      answer = resolve;
    });
  };
}
