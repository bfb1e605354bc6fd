// The iCloud emulator that with-driver.sh started: its account and its control API.
import { readFileSync } from "node:fs";

export const emulator = JSON.parse(readFileSync(process.env.ALMANAC_EMULATOR_INFO, "utf8"));

/** Calls the emulator's control API and returns its JSON answer. */
export async function control(path, body) {
  const response = await fetch(new URL(`control/${path}`, emulator.control_url), {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** The emulator's request log entries. */
export async function requests() {
  return (await control("log")).entries;
}
