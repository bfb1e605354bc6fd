import { describe, expect, it } from "vitest";
import { FALLBACK_LOCALE, pickLocale } from "./locale";

describe("pickLocale", () => {
  it("keeps the first tag Intl accepts", () => {
    expect(pickLocale(["de-DE", "en-US"])).toBe("de-DE");
  });

  it("skips POSIX names that Intl rejects", () => {
    expect(pickLocale(["C", "fr-FR"])).toBe("fr-FR");
    expect(pickLocale(["C"])).toBe(FALLBACK_LOCALE);
    expect(pickLocale([])).toBe(FALLBACK_LOCALE);
  });
});
