import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Event text comes from strangers: it must never become markup.
const noMarkup = [
  { property: "innerHTML", message: "Render text with textContent; event text is untrusted." },
  { property: "outerHTML", message: "Render text with textContent; event text is untrusted." },
  { property: "insertAdjacentHTML", message: "Build nodes instead; event text is untrusted." },
];

export default tseslint.config(
  { ignores: ["dist", "node_modules"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A rejection reaches the person in words: a promise is awaited, handled, or given to
      // notices.watch; `void` does not count as handling it.
      "@typescript-eslint/no-floating-promises": ["error", { ignoreVoid: false }],
      "no-restricted-properties": [
        "error",
        ...noMarkup,
        { object: "document", property: "createElement", message: "Build nodes with element() from src/dom.ts." },
      ],
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@tauri-apps/api", "@tauri-apps/api/*"],
              message: "Talk to the shell through src/ipc only.",
            },
          ],
        },
      ],
    },
  },
  {
    // The one element() helper, and tests building a bare root to render into.
    files: ["src/dom.ts", "src/**/*.test.ts"],
    rules: { "no-restricted-properties": ["error", ...noMarkup] },
  },
  {
    files: ["src/ipc/**"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: ["eslint.config.js"],
    ...tseslint.configs.disableTypeChecked,
  },
);
