/**
 * Links in event text, which comes from strangers. Only `http:` and `https:` URLs ever become
 * links; everything else (`javascript:`, `data:`, `file:`) stays text. A link is opened by the
 * shell in the default browser (which checks the scheme again); the webview never navigates.
 */
import { element } from "../dom";

/** The URL, normalised, when it is a web link; otherwise `null`. */
export function webLink(text: string): string | null {
  try {
    const url = new URL(text.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

export type Piece = { text: string } | { url: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = ".,;:!?'\")]}";

/** Drops punctuation that ends a sentence rather than the URL ("see https://x.org/a."). */
function trimTrailing(url: string): string {
  let end = url.length;
  while (end > 0 && TRAILING.includes(url.charAt(end - 1))) {
    const last = url.charAt(end - 1);
    const kept = url.slice(0, end);
    // A closing bracket belongs to the URL when it closes one opened inside it (Wikipedia links).
    if (last === ")" && kept.split("(").length > kept.split(")").length - 1) break;
    end--;
  }
  return url.slice(0, end);
}

/** Splits plain text into text and web links, in order. */
export function linkPieces(text: string): Piece[] {
  const pieces: Piece[] = [];
  let at = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = trimTrailing(match[0]);
    const url = webLink(raw);
    if (!url) continue;
    if (match.index > at) pieces.push({ text: text.slice(at, match.index) });
    pieces.push({ url: raw });
    at = match.index + raw.length;
  }
  if (at < text.length) pieces.push({ text: text.slice(at) });
  return pieces;
}

/** A link that asks the shell to open `url` instead of navigating. */
export function linkElement(url: string, label: string, open: (url: string) => void): HTMLAnchorElement {
  const a = element("a", "external", label);
  a.href = url;
  a.rel = "noopener noreferrer";
  a.addEventListener("click", (e) => {
    e.preventDefault();
    open(url);
  });
  return a;
}

/** Plain text with its web links made clickable; the rest stays text nodes. */
export function linkifiedText(text: string, open: (url: string) => void): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const piece of linkPieces(text)) {
    fragment.append("url" in piece ? linkElement(piece.url, piece.url, open) : document.createTextNode(piece.text));
  }
  return fragment;
}

/** Cancels any click on a link that no handler took, so the webview can never leave the app. */
export function guardNavigation(doc: Document): void {
  for (const type of ["click", "auxclick"] as const) {
    doc.addEventListener(type, (e) => {
      if (e.target instanceof Element && e.target.closest("a[href]")) e.preventDefault();
    });
  }
}
