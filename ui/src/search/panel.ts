/**
 * Search over saved events: type in the sidebar field (or press "/"), pick a result, and the
 * calendar jumps to its day. Results are built with textContent: titles come from strangers.
 */
import type { SearchHitView } from "../ipc";
import { wallDate } from "../details/format";

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
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "search-hit";
    const title = document.createElement("span");
    title.className = "search-title";
    title.textContent = hit.title;
    title.dir = "auto";
    const meta = document.createElement("span");
    meta.className = "search-meta";
    meta.textContent = [hit.date ? dayText(hit.date, locale) : null, hit.calendar_name, hit.location].filter(Boolean).join(" · ");
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
    const none = document.createElement("li");
    none.className = "search-none";
    none.textContent = `No saved event matches “${query.trim()}”.`;
    items.push(none);
  }
  list.replaceChildren(...items);
  list.hidden = items.length === 0;
}

/** Wires the field: searches as the person types (after a short pause). ("/" focuses it: see
 * keyboard.ts.) Escape clears the field and the results. */
export function setUpSearch(
  input: HTMLInputElement,
  list: HTMLElement,
  find: (text: string) => Promise<SearchHitView[]>,
  choose: (date: string) => void,
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
      void find(text).then((hits) => {
        // A slower earlier answer must not replace a newer one.
        if (ticket === latest) renderResults(list, hits, text, choose, locale);
      });
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
