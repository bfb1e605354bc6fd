/**
 * Search over saved events: type in the sidebar field (or press "/"), pick a result, and the
 * calendar jumps to its day. Results are built with textContent: titles come from strangers.
 */
import type { SearchHitView } from "../ipc";
import { wallDate } from "../details/format";
import { element } from "../dom";

/** A result's day for people ("Dec 1, 2026"); the day string as sent if the locale fails. */
function dayText(day: string, locale: string): string {
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(wallDate(day));
  } catch {
    return day;
  }
}

/** Renders results into `list`; `choose` gets the picked result's date. */
export function renderResults(
  list: HTMLElement,
  hits: readonly SearchHitView[],
  query: string,
  choose: (date: string) => void,
  locale = "en-US",
): void {
  const items = hits.map((hit) => {
    const item = element("li");
    const button = element("button", "search-hit");
    button.type = "button";
    const title = element("span", "search-title", hit.title);
    title.dir = "auto";
    const meta = element(
      "span",
      "search-meta",
      [hit.date ? dayText(hit.date, locale) : null, hit.calendar_name, hit.location].filter(Boolean).join(" · "),
    );
    button.append(title, meta);
    const date = hit.date;
    if (date) {
      button.addEventListener("click", () => {
        choose(date);
      });
    } else {
      button.disabled = true;
    }
    item.append(button);
    return item;
  });
  if (items.length === 0 && query.trim()) {
    items.push(element("li", "search-none", `No saved event matches “${query.trim()}”.`));
  }
  list.replaceChildren(...items);
  list.hidden = items.length === 0;
}

/** Says in the list why the search failed. */
export function renderFailure(list: HTMLElement, words: string): void {
  list.replaceChildren(element("li", "search-none", words));
  list.hidden = false;
}

/** Wires the field: searches as the person types (after a short pause). ("/" focuses it: see
 * keyboard.ts.) Escape clears the field and the results. A failed search says why, in words. */
export function setUpSearch(
  input: HTMLInputElement,
  list: HTMLElement,
  find: (text: string) => Promise<SearchHitView[]>,
  choose: (date: string) => void,
  describe: (err: unknown) => string,
  locale = "en-US",
): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value;
    const ticket = ++latest;
    timer = setTimeout(() => {
      if (!text.trim()) {
        renderResults(list, [], "", choose, locale);
        return;
      }
      // A slower earlier answer must not replace a newer one.
      find(text).then(
        (hits) => {
          if (ticket === latest) renderResults(list, hits, text, choose, locale);
        },
        (err: unknown) => {
          if (ticket === latest) renderFailure(list, describe(err));
        },
      );
    }, 150);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || !input.value) return;
    e.stopPropagation();
    input.value = "";
    ++latest;
    renderResults(list, [], "", choose, locale);
  });
}
