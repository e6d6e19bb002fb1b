/**
 * One c360 run at a time per control database: a session-level PostgreSQL advisory lock held on
 * a dedicated connection for the whole run. A second run (a slow night, a manual run during cron)
 * fails fast with its own exit code instead of interleaving with the first; the lock disappears
 * with the connection, so a crashed run never leaves it behind.
 */
import { hostname } from "node:os";
import type { PostgresTarget, Timeouts } from "../config.js";
import { C360Error, ExitCode, messageOf } from "../errors.js";
import type { Logger } from "../logger.js";
import { connect, controlDbUnreachable, type PgClient } from "../postgres/connection.js";
import { installStopHandlers, type StopRequest } from "../signals.js";
import { sqlFile } from "../sql-files.js";
import { toolVersion } from "../version.js";

const runLockKey = 360_000_002;

export class RunLockedError extends C360Error {
  constructor(message: string) {
    super(message, ExitCode.locked, {
      hint: "Wait for the other run to finish; c360 never runs two jobs against one control database at once.",
    });
  }
}

/** The refused attempt is on record too (unless the control schema cannot take it yet). */
async function recordLocked(client: PgClient, command: string, error: RunLockedError, logger: Logger) {
  await client
    .query(sqlFile("control/queries/insert-failed-run-log.sql"), [
      command,
      toolVersion,
      error.exitCode,
      error.message,
    ])
    .catch((cause: unknown) => logger.debug({ err: messageOf(cause) }, "could not record the locked run"));
}

/**
 * Holding the lock, no other run is alive: a row still `running` belongs to a process that died
 * without a word. It is closed as failed, and said so; its load can still be resumed.
 */
async function closeVanishedRuns(client: PgClient, logger: Logger): Promise<void> {
  const message =
    "the process vanished (killed, out of memory, or the machine restarted) while this run was running";
  const closed = await client
    .query<{ log_id: number; command: string; run_start_time: Date }>(
      sqlFile("control/queries/close-vanished-runs.sql"),
      [message],
    )
    .catch((cause: unknown) => {
      // A control schema not yet initialized has no runs to close; the command reports that itself.
      logger.debug({ err: messageOf(cause) }, "could not look for vanished runs");
      return undefined;
    });
  for (const row of closed?.rows ?? [])
    logger.warn(
      { runId: row.log_id, command: row.command, startedAt: row.run_start_time.toISOString() },
      "a run's process vanished without a word: its row is now marked failed (a load of it can be resumed with --resume)",
    );
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
      const error = new RunLockedError(
        `another c360 run holds the run lock of ${controlDb.database}` +
          (who === undefined
            ? ""
            : ` (${who.application_name}, connected since ${who.backend_start.toISOString()})`),
      );
      await recordLocked(client, command, error, logger);
      throw error;
    }
    logger.debug({ command }, "took the run lock");
    await closeVanishedRuns(client, logger);
    return await work();
  } finally {
    // Ending the session releases the lock.
    await client.end().catch(() => undefined);
  }
}

/**
 * How commands that change things run: under the control database's run lock, with two-stage
 * SIGINT/SIGTERM handling whose stop request the phases check at their safe points.
 */
export async function guarded<T>(
  context: { config: { controlDb: PostgresTarget; timeouts: Timeouts }; logger: Logger },
  command: string,
  work: (stop: StopRequest) => Promise<T>,
): Promise<T> {
  const stop = installStopHandlers(context.logger);
  try {
    return await withRunLock(context.config.controlDb, context.config.timeouts, command, context.logger, () =>
      work(stop),
    );
  } finally {
    stop.dispose();
  }
}
