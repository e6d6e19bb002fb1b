/**
 * One c360 run at a time per control database: a session-level PostgreSQL advisory lock held on
 * a dedicated connection for the whole run. A second run (a slow night, a manual run during cron)
 * fails fast with its own exit code instead of interleaving with the first; the lock disappears
 * with the connection, so a crashed run never leaves it behind.
 */
import { hostname } from "node:os";
import type { PostgresTarget, Timeouts } from "../config.js";
import { C360Error, ExitCode } from "../errors.js";
import type { Logger } from "../logger.js";
import { connect, controlDbUnreachable } from "../postgres/connection.js";
import { sqlFile } from "../sql-files.js";

const runLockKey = 360_000_002;

export class RunLockedError extends C360Error {
  constructor(message: string) {
    super(message, ExitCode.locked, {
      hint: "Wait for the other run to finish; c360 never runs two jobs against one control database at once.",
    });
  }
}

export async function withRunLock<T>(
  controlDb: PostgresTarget,
  timeouts: Timeouts,
  command: string,
  logger: Logger,
  work: () => Promise<T>,
): Promise<T> {
  const client = await connect(controlDb, controlDbUnreachable, {
    applicationName: `c360 ${command} pid ${process.pid} on ${hostname()}`.slice(0, 63),
    timeouts,
  });
  try {
    const locked = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [runLockKey]);
    if (locked.rows[0]?.ok !== true) {
      const holder = await client.query<{ application_name: string; backend_start: Date }>(
        sqlFile("control/queries/run-lock-holder.sql"),
        [runLockKey],
      );
      const who = holder.rows[0];
      throw new RunLockedError(
        `another c360 run holds the run lock of ${controlDb.database}` +
          (who === undefined
            ? ""
            : ` (${who.application_name}, connected since ${who.backend_start.toISOString()})`),
      );
    }
    logger.debug({ command }, "took the run lock");
    return await work();
  } finally {
    // Ending the session releases the lock.
    await client.end().catch(() => undefined);
  }
}
