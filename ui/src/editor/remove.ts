/**
 * Deleting an event (the details panel's button, Delete or Backspace on the selected event, the
 * editor's button): a read-only one says why instead; a repeating one asks which occurrences;
 * the deletion is stored at once and offered for undo.
 */
import { describe } from "../notice";
import type { EditorCommands } from "./commands";
import type { AskScope } from "./scope";
import type { Changes } from "./undo";
import type { EventRef } from "../ipc";

export interface RemoveContext {
  commands: Pick<EditorCommands, "editorFields" | "deleteEvent">;
  changes: Changes;
  askScope: AskScope;
}

/** Deletes `event` after the questions it needs; says whether it was deleted. Failures are said
 * in the toast, never dropped. */
export async function removeEvent(ctx: RemoveContext, event: EventRef): Promise<boolean> {
  try {
    const fields = await ctx.commands.editorFields(event);
    if (fields.read_only) {
      ctx.changes.failed(new Error(`This event cannot be deleted here. ${fields.read_only_reason ?? "Its calendar is read-only."}`));
      return false;
    }
    const scope = fields.recurring ? await ctx.askScope({ action: "delete" }) : "all";
    if (scope === null) return false;
    const receipt = await ctx.commands.deleteEvent(event, scope);
    ctx.changes.changed(receipt, scope === "this" ? "Occurrence deleted." : "Event deleted.", event);
    return true;
  } catch (err) {
    ctx.changes.failed(new Error(`Could not delete the event: ${describe(err)}`));
    return false;
  }
}
