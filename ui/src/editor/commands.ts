/**
 * The shell's editing commands the editor uses, as the generated wrappers name them: the window
 * passes `shell` (or the named wrappers), the DOM tests pass fakes.
 */
import type { Commands } from "../ipc";

export type EditorCommands = Pick<Commands, "writableCalendars" | "editorFields" | "createEvent" | "updateEvent" | "deleteEvent" | "undoChange">;
