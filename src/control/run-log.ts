/**
 * The end of a run row in etl_run_logs, shared by every phase.
 */
import type { PostgresTarget } from "../config.js";
import type { ConfigError } from "../errors.js";
import { AbortedError, C360Error, ExitCode, RefusedError, messageOf } from "../errors.js";
import type { Logger } from "../logger.js";
import { controlDbUnreachable, withClient, type PgClient } from "../postgres/connection.js";
import { sqlFile } from "../sql-files.js";
import { toolVersion } from "../version.js";

const recordingTimeouts = { connectMs: 5_000, statementMs: 10_000, lockMs: 5_000 };

export type RunStatus = "completed" | "failed" | "aborted" | "refused";

export interface RunOutcome {
  scriptId?: number;
  rowsExtracted?: number;
  statementsTotal?: number;
}

export async function finishRun(client: PgClient, runId: number, outcome: RunOutcome = {}): Promise<void> {
  await client.query(sqlFile("control/queries/finish-run-log.sql"), [
    runId,
    "completed",
    null,
    ExitCode.ok,
    outcome.scriptId ?? null,
    outcome.rowsExtracted ?? null,
    outcome.statementsTotal ?? null,
  ]);
}

/**
 * Records why a run ended badly, with the exit code the CLI will report. If the run's own
 * connection is gone (the control database restarted, or a DBA ended it), one fresh connection is
 * tried, so the record does not stay `running`. Never throws: the original error matters more.
 */
export async function recordRunFailure(
  client: PgClient,
  target: PostgresTarget,
  runId: number,
  status: Exclude<RunStatus, "completed">,
  error: unknown,
  logger: Logger,
): Promise<void> {
  const exitCode = error instanceof C360Error ? error.exitCode : ExitCode.internal;
  const values = [runId, status, messageOf(error), exitCode, null, null, null];
  try {
    await client.query(sqlFile("control/queries/finish-run-log.sql"), values);
  } catch {
    try {
      await withClient(
        target,
        controlDbUnreachable,
        (fresh) => fresh.query(sqlFile("control/queries/finish-run-log.sql"), values),
        {
          applicationName: "c360 record failure",
          timeouts: recordingTimeouts,
        },
      );
    } catch (logError) {
      logger.error({ err: messageOf(logError), runId }, `could not record the ${status} run in etl_run_logs`);
    }
  }
}

/** The status a failure leaves on its run's row. */
export function failureStatus(error: unknown): Exclude<RunStatus, "completed"> {
  if (error instanceof RefusedError) return "refused";
  return error instanceof AbortedError ? "aborted" : "failed";
}

/**
 * A command's top-level row (`run`'s generate row) once a later phase failed: the row says what
 * the command did, not only its first phase. Never throws.
 */
export async function recordCommandFailure(
  target: PostgresTarget,
  runId: number,
  error: unknown,
  logger: Logger,
): Promise<void> {
  const exitCode = error instanceof C360Error ? error.exitCode : ExitCode.internal;
  await withClient(
    target,
    controlDbUnreachable,
    (client) =>
      client.query(sqlFile("control/queries/fail-command-log.sql"), [
        runId,
        failureStatus(error),
        messageOf(error),
        exitCode,
      ]),
    {
      applicationName: "c360 record failure",
      timeouts: recordingTimeouts,
    },
  ).catch((logError: unknown) =>
    logger.error({ err: messageOf(logError), runId }, "could not record the failed command in etl_run_logs"),
  );
}

/**
 * A command refused for its configuration, before it could open its run: on record all the same
 * when the control database's own settings were valid (the row says which settings were not).
 * Best effort, and never throws: an unreachable or uninitialized control database is the
 * configuration's problem too, and the error already says what to fix.
 */
export async function recordConfigFailure(error: ConfigError, logger: Logger): Promise<void> {
  const attempt = error.attempt;
  if (attempt?.command === undefined) return;
  const command = attempt.command;
  await withClient(
    attempt.controlDb,
    controlDbUnreachable,
    (client) =>
      client.query(sqlFile("control/queries/insert-failed-run-log.sql"), [
        command,
        toolVersion,
        error.exitCode,
        error.message,
      ]),
    { applicationName: "c360 record failure", timeouts: recordingTimeouts },
  ).catch((cause: unknown) =>
    logger.debug({ err: messageOf(cause) }, "could not record the refused configuration"),
  );
}

/** The newest run whose script was loaded completely (0: none). */
export async function lastCompletedRun(control: PgClient): Promise<number> {
  const result = await control.query<{ run_id: number }>(
    sqlFile("control/queries/select-last-completed-run.sql"),
  );
  return Number(result.rows[0]?.run_id ?? 0);
}
