/**
 * Pruning old scripts. Every script holds source data, PII included, so after a successful run
 * only the newest C360_KEEP_SCRIPTS registered scripts stay on disk. A pruned script's row stays in
 * cypher_scripts (the record of what ran) with `removed_at` set. A file that is no longer the one
 * c360 registered (another size) is left where it is, with a warning: it is not c360's to delete.
 */
import { stat, unlink } from "node:fs/promises";
import type { PostgresTarget, Timeouts } from "../config.js";
import { messageOf } from "../errors.js";
import type { Logger } from "../logger.js";
import { connect, controlDbUnreachable, controlErrors, type PgClient } from "../postgres/connection.js";
import { sqlFile } from "../sql-files.js";

export interface PruneResult {
  removed: string[];
  /** Files left in place: changed since c360 registered them, or not removable. */
  kept: string[];
}

interface ScriptRow {
  script_id: number;
  file_path: string;
  file_size_bytes: string | null;
}

/** Removes one script's file if it is still the one registered; whether its row is now done. */
async function removeScript(row: ScriptRow, logger: Logger): Promise<"removed" | "gone" | "kept"> {
  const size = await stat(row.file_path).then(
    (s) => s.size,
    (error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? undefined : Promise.reject(error)),
  );
  if (size === undefined) return "gone";
  if (row.file_size_bytes !== null && size !== Number(row.file_size_bytes)) {
    logger.warn(
      { script: row.file_path, scriptId: row.script_id },
      "not pruning a script whose file changed since c360 registered it",
    );
    return "kept";
  }
  await unlink(row.file_path);
  return "removed";
}

async function pruneWith(control: PgClient, keep: number, logger: Logger): Promise<PruneResult> {
  const result: PruneResult = { removed: [], kept: [] };
  const rows = await control.query<ScriptRow>(sqlFile("control/queries/select-prunable-scripts.sql"), [keep]);
  for (const row of rows.rows) {
    let outcome: Awaited<ReturnType<typeof removeScript>>;
    try {
      outcome = await removeScript(row, logger);
    } catch (error) {
      logger.warn({ script: row.file_path, error: messageOf(error) }, "could not prune a script");
      result.kept.push(row.file_path);
      continue;
    }
    if (outcome === "kept") result.kept.push(row.file_path);
    else {
      if (outcome === "removed") result.removed.push(row.file_path);
      await control.query(sqlFile("control/queries/mark-script-removed.sql"), [row.script_id]);
    }
  }
  if (result.removed.length > 0)
    logger.info({ removed: result.removed.length, keep }, "pruned the oldest scripts (C360_KEEP_SCRIPTS)");
  return result;
}

/** Keeps the newest `keep` registered scripts (0: all) and removes the rest's files. */
export async function pruneScripts(
  controlDb: PostgresTarget,
  keep: number,
  logger: Logger,
  timeouts?: Timeouts,
): Promise<PruneResult> {
  if (keep === 0) return { removed: [], kept: [] };
  const control = controlErrors(
    await connect(controlDb, controlDbUnreachable, { applicationName: "c360 prune", timeouts }),
  );
  try {
    return await pruneWith(control, keep, logger);
  } finally {
    await control.end().catch(() => undefined);
  }
}
