/**
 * The person's locale, as the calendar uses it for week start, 12/24 h and month names. The
 * webview reports what the system says, which may be a POSIX name such as "C" that `Intl`
 * rejects; we take the first tag `Intl` accepts.
 */
export const FALLBACK_LOCALE = "en-US";

/** The first usable locale tag among the candidates, in order of preference. */
export function pickLocale(candidates: readonly string[]): string {
  for (const tag of candidates) {
    try {
      const [supported] = Intl.DateTimeFormat.supportedLocalesOf(tag);
      if (supported) return supported;
    } catch {
      // Not a BCP 47 tag ("C", "POSIX", "en_US.UTF-8"): try the next.
    }
  }
  return FALLBACK_LOCALE;
}
