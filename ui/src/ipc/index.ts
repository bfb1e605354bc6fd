/**
 * The only door to the Rust shell. Every `@tauri-apps/api` import in the UI lives here, and
 * every payload type comes from the generated `bindings.ts`.
 */
import { invoke } from "@tauri-apps/api/core";
import type { ErrorCode, IpcError } from "./bindings";

export type { ErrorCode, IpcError } from "./bindings";

/** Whether a rejected command carried our structured error. */
export function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    "code" in value &&
    "message" in value &&
    typeof (value as { message: unknown }).message === "string"
  );
}

/** A failed command, as an `Error` the UI can throw and catch, with the code to branch on. */
export class IpcFailure extends Error implements IpcError {
  readonly code: ErrorCode;

  constructor(error: IpcError) {
    super(error.message);
    this.name = "IpcFailure";
    this.code = error.code;
  }
}

/** Turns anything a command rejected with into our error shape; raw rejections are never shown. */
export function asIpcError(value: unknown, fallback: ErrorCode = "unavailable"): IpcFailure {
  if (value instanceof IpcFailure) return value;
  if (isIpcError(value)) return new IpcFailure(value);
  return new IpcFailure({ code: fallback, message: "Almanac could not complete that. Please try again." });
}

/** Opens Apple's account page (where app-specific passwords are made) in the default browser. */
export async function openAppPasswordPage(): Promise<void> {
  try {
    await invoke("open_app_password_page");
  } catch (err) {
    throw asIpcError(err);
  }
}
