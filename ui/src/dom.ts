/** Looks up the static elements of index.html, checking their kind, so a renamed id fails loudly. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`index.html lacks #${id} of the expected kind`);
  return el;
}
