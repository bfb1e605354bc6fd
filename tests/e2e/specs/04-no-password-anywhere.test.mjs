// After a whole session (sign in, sync, revoke, relink), no password the emulator ever issued is
// in the app's data directory, the session's logs or the window's DOM: only the keychain has it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { launchApp } from "./app.mjs";
import { control } from "./emulator.mjs";

let browser;
let secrets;

before(async () => {
  browser = await launchApp();
  const info = await control("info");
  // Every password issued, revoked or not, in the forms a person might have typed.
  secrets = [...new Set([info.password, ...info.passwords])].flatMap((p) => [p, p.replaceAll("-", ""), p.toUpperCase()]);
  assert.ok(secrets.length >= 6, "the session issued at least two passwords");
});
after(async () => {
  await browser?.deleteSession();
});

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.isFile() ? [full] : [];
  });
}

function hits(files) {
  return files.flatMap((file) => {
    const bytes = readFileSync(file);
    return secrets.filter((s) => bytes.includes(Buffer.from(s))).map((s) => `${file} holds ${s.slice(0, 4)}…`);
  });
}

test("the app's data directory holds no password", () => {
  const dataDir = path.join(process.env.XDG_DATA_HOME, "app.almanac.desktop");
  const files = filesUnder(dataDir);
  assert.ok(files.some((f) => f.endsWith("almanac.sqlite3")), "the store is there to be searched");
  assert.deepEqual(hits(files), []);
});

test("no log of the session and no IPC event holds a password", () => {
  const logs = filesUnder(process.env.ALMANAC_ARTIFACTS).filter(
    (f) => f.endsWith(".log") && !f.endsWith("emulator.log") && statSync(f).size > 0,
  );
  assert.ok(logs.includes(process.env.ALMANAC_IPC_TRACE), "the IPC event stream was recorded");
  assert.deepEqual(hits(logs), []);
});

test("the window's DOM holds no password", async () => {
  await browser.$("#calendar .fc-view").waitForExist({ timeout: 20_000 });
  const html = await browser.execute(() => document.documentElement.outerHTML);
  assert.deepEqual(secrets.filter((s) => html.includes(s)), []);
});
