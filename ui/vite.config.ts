import { defineConfig } from "vitest/config";

// Tauri serves the built files itself; the dev server must match tauri.conf.json's devUrl.
export default defineConfig({
  clearScreen: false,
  server: { port: 5173, strictPort: true, host: "127.0.0.1" },
  build: { target: "es2022", outDir: "dist", emptyOutDir: true, sourcemap: false },
  test: { environment: "jsdom", include: ["src/**/*.test.ts"], setupFiles: ["src/testing/dialog.ts"] },
});
