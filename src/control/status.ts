/**
 * What `c360 status` shows: the recent runs from etl_run_logs and the newest registered script,
 * read from the control database alone (no source, no Neo4j).
 */
import { existsSync } from "node:fs";
import type { PostgresTarget, Timeouts } from "../config.js";
import { controlDbUnreachable, controlErrors, withClient } from "../postgres/connection.js";
import { sqlFile } from "../sql-files.js";
import { assertSchemaCurrent } from "./migrate.js";

export interface RunSummary {
  id: number;
  /** The run whose load this row is (a `run`'s load row points at the run's own row). */
  parentId: number | null;
  command: string | null;
  kind: string | null;
  status: string;
  exitCode: number | null;
  startedAt: string;
  /** null while running (or for a row the original tool left open). */
  seconds: number | null;
  rows: number | null;
  nodes: { created: number | null; updated: number | null; deleted: number | null };
  relationships: { created: number | null; deleted: number | null };
  error: string | null;
}

export interface ScriptSummary {
  id: number;
  name: string;
  path: string;
  sizeBytes: number | null;
  statements: number | null;
  createdAt: string | null;
  lastLoadedAt: string | null;
  lastLoadStatus: string | null;
  /** present, missing (gone from disk), or removed (pruned by C360_KEEP_SCRIPTS). */
  file: "present" | "missing" | "removed";
}

export interface Status {
  runs: RunSummary[];
  lastScript: ScriptSummary | undefined;
}

interface RunRow {
  log_id: number;
  parent_log_id: number | null;
  command: string | null;
  script_kind: string | null;
  status: string;
  exit_code: number | null;
  run_start_time: Date;
  run_end_time: Date | null;
  rows_extracted: string | null;
  nodes_created: string | null;
  nodes_updated: string | null;
  nodes_deleted: string | null;
  relationships_created: string | null;
  relationships_deleted: string | null;
  error_message: string | null;
}

interface ScriptRow {
  script_id: number;
  script_name: string;
  file_path: string;
  file_size_bytes: string | null;
  statement_count: number | null;
  created_at: Date | null;
  last_run_time: Date | null;
  last_run_status: string | null;
  removed_at: Date | null;
}

const count = (value: string | null) => (value === null ? null : Number(value));

function runSummary(row: RunRow): RunSummary {
  return {
    id: row.log_id,
    parentId: row.parent_log_id,
    command: row.command,
    kind: row.script_kind,
    status: row.status,
    exitCode: row.exit_code,
    startedAt: row.run_start_time.toISOString(),
    seconds:
      row.run_end_time === null
        ? null
        : Math.round((row.run_end_time.getTime() - row.run_start_time.getTime()) / 100) / 10,
    rows: count(row.rows_extracted),
    nodes: {
      created: count(row.nodes_created),
      updated: count(row.nodes_updated),
      deleted: count(row.nodes_deleted),
    },
    relationships: { created: count(row.relationships_created), deleted: count(row.relationships_deleted) },
    error: row.error_message,
  };
}

function scriptSummary(row: ScriptRow): ScriptSummary {
  return {
    id: row.script_id,
    name: row.script_name,
    path: row.file_path,
    sizeBytes: count(row.file_size_bytes),
    statements: row.statement_count,
    createdAt: row.created_at?.toISOString() ?? null,
    lastLoadedAt: row.last_run_time?.toISOString() ?? null,
    lastLoadStatus: row.last_run_status,
    file: row.removed_at !== null ? "removed" : existsSync(row.file_path) ? "present" : "missing",
  };
}

export async function readStatus(target: PostgresTarget, timeouts: Timeouts, limit: number): Promise<Status> {
  return withClient(
    target,
    controlDbUnreachable,
    async (client) => {
      const control = controlErrors(client);
      await assertSchemaCurrent(control);
      const runs = await control.query<RunRow>(sqlFile("control/queries/select-recent-runs.sql"), [limit]);
      const script = await control.query<ScriptRow>(sqlFile("control/queries/select-last-script.sql"));
      const last = script.rows[0];
      return {
        runs: runs.rows.map(runSummary),
        lastScript: last === undefined ? undefined : scriptSummary(last),
      };
    },
    { applicationName: "c360 status", timeouts },
  );
}
