/** Looks up the static elements of index.html, checking their kind, so a renamed id fails loudly. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`index.html lacks #${id} of the expected kind`);
  return el;
}

/** A new element with its class and text: the one way the window builds nodes, so text from
 * servers only ever becomes text (`textContent`), never markup. */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The "×" that closes a panel, dialog or message: `label` names what it closes for screen
 * readers (the glyph says nothing), `close` runs on a click. */
export function closeButton(className: string, label: string, close: () => void): HTMLButtonElement {
  const button = element("button", `icon-button ${className}`.trim(), "×");
  button.type = "button";
  button.setAttribute("aria-label", label);
  button.addEventListener("click", () => {
    close();
  });
  return button;
}
