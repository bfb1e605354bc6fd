/**
 * Vitest setup (vite.config.ts `setupFiles`): jsdom has `<dialog>` without its methods, so every
 * dialog test gets the two the window uses, behaving as a browser's do: `showModal` opens,
 * `close` closes and says so with a `close` event.
 */
HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
  this.setAttribute("open", "");
};
HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
  this.removeAttribute("open");
  this.dispatchEvent(new Event("close"));
};
