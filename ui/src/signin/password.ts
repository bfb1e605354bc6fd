/**
 * What the sign-in form tells a person about the app-specific password they are typing.
 * Apple issues these as four groups of four lowercase letters (`abcd-efgh-ijkl-mnop`); a main
 * Apple ID password will be refused by iCloud with the same 401 as a wrong one, so we say so
 * before a request is ever made.
 */
export type PasswordShape =
  | { kind: "empty" }
  | { kind: "incomplete"; letters: number }
  | { kind: "app-specific"; normalised: string }
  | { kind: "not-app-specific" };

const GROUP = 4;
const LETTERS = 16;

/** Strips what people paste around the letters (spaces, hyphens, line breaks) and lowers capitals. */
function letters(input: string): string {
  return input.replace(/[\s-]/g, "").toLowerCase();
}

/** Classifies typed or pasted text; the normalised form is what gets verified and stored. */
export function classifyAppPassword(input: string): PasswordShape {
  const bare = letters(input);
  if (bare.length === 0) return { kind: "empty" };
  if (!/^[a-z]+$/.test(bare) || bare.length > LETTERS) return { kind: "not-app-specific" };
  if (bare.length < LETTERS) return { kind: "incomplete", letters: bare.length };
  const groups: string[] = [];
  for (let i = 0; i < LETTERS; i += GROUP) groups.push(bare.slice(i, i + GROUP));
  return { kind: "app-specific", normalised: groups.join("-") };
}

/** The hint line under the field, in plain words. */
export function passwordHint(shape: PasswordShape): { text: string; tone: "neutral" | "ok" | "warn" } {
  switch (shape.kind) {
    case "empty":
      return { text: "Four groups of four lowercase letters, like abcd-efgh-ijkl-mnop.", tone: "neutral" };
    case "incomplete":
      return { text: `Keep going: ${String(shape.letters)} of 16 letters.`, tone: "neutral" };
    case "app-specific":
      return { text: "Looks like an app-specific password.", tone: "ok" };
    case "not-app-specific":
      return {
        text:
          "This is not an app-specific password. Your main Apple ID password will not work here: " +
          "create an app-specific password at account.apple.com and paste it.",
        tone: "warn",
      };
  }
}

/** An Apple ID is the account's e-mail address. */
export function isPlausibleAppleId(input: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input.trim());
}
