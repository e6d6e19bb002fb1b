/**
 * The end of a run row in etl_run_logs, shared by every phase.
 */
import { C360Error, ExitCode, messageOf } from "../errors.js";
import type { Logger } from "../logger.js";
import type { PgClient } from "../postgres/connection.js";
import { sqlFile } from "../sql-files.js";

export type RunStatus = "completed" | "failed" | "aborted";

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
 * Records why a run ended badly, with the exit code the CLI will report. Never throws: the
 * original error matters more than a control database that went away meanwhile.
 */
export async function recordRunFailure(
  client: PgClient,
  runId: number,
  status: Exclude<RunStatus, "completed">,
  error: unknown,
  logger: Logger,
): Promise<void> {
  const exitCode = error instanceof C360Error ? error.exitCode : ExitCode.internal;
  await client
    .query(sqlFile("control/queries/finish-run-log.sql"), [
      runId,
      status,
      messageOf(error),
      exitCode,
      null,
      null,
      null,
    ])
    .catch((logError: unknown) =>
      logger.error({ err: messageOf(logError), runId }, `could not record the ${status} run in etl_run_logs`),
    );
}
