/**
 * The "sync problems" view: events the sync kept raw but could not read, each with its calendar,
 * its summary and UID (when they could be found in the raw text) and the reason. The rest of
 * each calendar syncs normally; these stay saved as the server has them.
 */
import type { ProblemView } from "../ipc";
import { element } from "../dom";

function line(className: string, label: string, value: string): HTMLElement {
  const p = element("p", className);
  p.append(element("span", "problem-label", `${label}: `), element("span", "problem-value", value));
  return p;
}

/** Renders the problems into `list`, replacing what was there. */
export function renderProblems(list: HTMLElement, problems: readonly ProblemView[]): void {
  if (problems.length === 0) {
    list.replaceChildren(element("li", "problems-none", "No sync problems: every saved event could be read."));
    return;
  }
  list.replaceChildren(
    ...problems.map((problem) => {
      const item = element("li", "problem");
      const title = element("h3", "problem-summary", problem.summary ?? "(No title found)");
      title.dir = "auto";
      item.append(
        title,
        line("problem-calendar", "Calendar", problem.calendar_name),
        line("problem-uid", "UID", problem.uid ?? "(none found)"),
        line("problem-reason", "Why", problem.reason),
      );
      return item;
    }),
  );
}

/** Wires the dialog; returns a function that loads the problems and shows them. */
export function setUpProblems(
  dialog: HTMLDialogElement,
  list: HTMLElement,
  load: () => Promise<ProblemView[]>,
  failed: (err: unknown) => string,
): () => void {
  return () => {
    const loading = element("li", "problems-none", "Loading…");
    list.replaceChildren(loading);
    if (!dialog.open) dialog.showModal();
    load()
      .then((problems) => {
        renderProblems(list, problems);
      })
      .catch((err: unknown) => {
        loading.textContent = failed(err);
      });
  };
}
