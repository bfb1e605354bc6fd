/** The "Go to date" dialog (toolbar button, or "g"): a date field, prefilled with the shown date. */

/** `YYYY-MM-DD` when `text` is a real calendar date in that form, else `null`. */
export function parseDay(text: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [, y, m, d] = match.map(Number);
  if (y === undefined || m === undefined || d === undefined) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? text.trim() : null;
}

/** Wires the dialog; returns a function that opens it at `current` (`YYYY-MM-DD`). */
export function setUpGoTo(dialog: HTMLDialogElement, input: HTMLInputElement, error: HTMLElement, go: (day: string) => void): (current: string) => void {
  const form = input.form;
  form?.addEventListener("submit", (e) => {
    const submitter = e.submitter;
    if (submitter instanceof HTMLButtonElement && submitter.value === "cancel") return;
    const day = parseDay(input.value);
    if (!day) {
      e.preventDefault();
      error.textContent = "Enter a date as year-month-day, for example 2026-12-24.";
      error.hidden = false;
      input.focus();
      return;
    }
    go(day);
  });
  return (current) => {
    input.value = current;
    error.hidden = true;
    dialog.showModal();
    input.focus();
  };
}
