// Built by tests/bench/memory.sh with the UI's Vite: `cd ui && npx vite build --config
// ../tests/bench/bare-calendar/vite.config.mjs`. The page takes FullCalendar from the UI's
// node_modules, so it is the same version the app ships.
import path from "node:path";

const here = import.meta.dirname;
const modules = path.join(here, "../../../ui/node_modules");

export default {
  root: here,
  logLevel: "warn",
  resolve: { alias: [{ find: /^@fullcalendar\/(.*)$/, replacement: `${modules}/@fullcalendar/$1` }] },
  build: { outDir: process.env.BARE_CALENDAR_OUT, emptyOutDir: true, target: "es2022" },
};
