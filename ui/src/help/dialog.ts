/** The keyboard shortcuts dialog (sidebar button, or "?"): each shortcut's keys and what it does. */
import { element } from "../dom";

/** Lists `shortcuts` into `list` (a `<dl>`): the keys, "or" between them, then what they do. */
export function renderShortcuts(list: HTMLElement, shortcuts: readonly { keys: readonly string[]; what: string }[]): void {
  list.replaceChildren(
    ...shortcuts.flatMap(({ keys, what }) => {
      const dt = element("dt");
      keys.forEach((key, i) => {
        if (i > 0) dt.append(" or ");
        dt.append(element("kbd", undefined, key));
      });
      return [dt, element("dd", undefined, what)];
    }),
  );
}
