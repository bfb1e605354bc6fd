/**
 * Answering an invitation from the details panel: Accept, Maybe, Decline, the current answer
 * pressed. Only the person's own answer changes (`answer_invitation`); the server tells the
 * organizer. A repeating invitation asks which occurrences the answer is for.
 */
import { element } from "../dom";
import type { Answer, AnswerView, ChangeReceipt, EditScope, EventRef } from "../ipc";

export interface InvitationActions {
  answerInvitation: (event: EventRef, scope: EditScope, answer: Answer) => Promise<ChangeReceipt>;
  /** The scope question; `null` when the person cancels. */
  askScope: () => Promise<EditScope | null>;
  /** The answer was stored: the undo toast says `what`. */
  changed: (receipt: ChangeReceipt, what: string) => void;
  failed: (err: unknown) => void;
}

const CHOICES: readonly { answer: Answer; label: string; done: string }[] = [
  { answer: "accepted", label: "Accept", done: "Invitation accepted" },
  { answer: "tentative", label: "Maybe", done: "Answered maybe" },
  { answer: "declined", label: "Decline", done: "Invitation declined" },
];

/** "Going?" with the three answers for the occurrence `event`; `answered` runs after a stored
 * answer (the panel shows the event again). */
export function invitationBlock(
  event: EventRef,
  current: AnswerView,
  recurring: boolean,
  actions: InvitationActions,
  answered: () => void,
): HTMLElement {
  const block = element("div", "invitation");
  block.setAttribute("role", "group");
  block.setAttribute("aria-label", "Your answer to this invitation");
  const question = element("p", "invitation-question", current === "needs_action" ? "You are invited. Going?" : "Your answer:");
  const buttons = CHOICES.map(({ answer, label, done }) => {
    const button = element("button", "secondary invitation-answer", label);
    button.type = "button";
    button.dataset["answer"] = answer;
    button.setAttribute("aria-pressed", String(answer === current));
    button.addEventListener("click", () => {
      choose(answer, done).catch(actions.failed);
    });
    return button;
  });
  const choose = async (answer: Answer, done: string): Promise<void> => {
    const scope = recurring ? await actions.askScope() : "all";
    if (scope === null) return;
    for (const b of buttons) b.disabled = true;
    try {
      actions.changed(await actions.answerInvitation(event, scope, answer), done);
      answered();
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  };
  const row = element("div", "invitation-answers");
  row.append(...buttons);
  block.append(question, row);
  return block;
}
