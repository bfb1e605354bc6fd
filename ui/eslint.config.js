import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "node_modules"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Event text comes from strangers: it must never become markup.
      "no-restricted-properties": [
        "error",
        { property: "innerHTML", message: "Render text with textContent; event text is untrusted." },
        { property: "outerHTML", message: "Render text with textContent; event text is untrusted." },
        { property: "insertAdjacentHTML", message: "Build nodes instead; event text is untrusted." },
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
    files: ["src/ipc/**"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: ["eslint.config.js"],
    ...tseslint.configs.disableTypeChecked,
  },
);
