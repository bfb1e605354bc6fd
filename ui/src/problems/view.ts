/**
 * The "sync problems" view: events the sync kept raw but could not read, each with its calendar,
 * its summary and UID (when they could be found in the raw text) and the reason. The rest of
 * each calendar syncs normally; these stay saved as the server has them.
 */
import type { ProblemView } from "../ipc";

function line(className: string, label: string, value: string): HTMLElement {
  const p = document.createElement("p");
  p.className = className;
  const name = document.createElement("span");
  name.className = "problem-label";
  name.textContent = `${label}: `;
  const text = document.createElement("span");
  text.className = "problem-value";
  text.textContent = value;
  p.append(name, text);
  return p;
}

/** Renders the problems into `list`, replacing what was there. */
export function renderProblems(list: HTMLElement, problems: readonly ProblemView[]): void {
  if (problems.length === 0) {
    const none = document.createElement("li");
    none.className = "problems-none";
    none.textContent = "No sync problems: every saved event could be read.";
    list.replaceChildren(none);
    return;
  }
  list.replaceChildren(
    ...problems.map((problem) => {
      const item = document.createElement("li");
      item.className = "problem";
      const title = document.createElement("h3");
      title.className = "problem-summary";
      title.textContent = problem.summary ?? "(No title found)";
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
    const loading = document.createElement("li");
    loading.className = "problems-none";
    loading.textContent = "Loading…";
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
