/**
 * Schema drift: a source whose shape changes under a nightly job. After each successful generate,
 * c360 keeps the shape of every mapped table as it read it (c360_table_snapshots); the next run
 * compares the plan with it, before anything is extracted:
 * - an added column follows C360_NEW_COLUMNS: `warn` (load it, and name it), `block` (leave it
 *   out until a run accepts it with --accept-drift) or `refuse` (exit 3);
 * - a dropped or retyped column is named and recorded; the sync rewrites what it changes;
 * - a changed key (its columns or their types) refuses the run (exit 3): it would duplicate or
 *   orphan every node of the label. `--accept-drift` accepts it for one full rebuild
 *   (`run --clear`): a sync cannot match nodes keyed the old way with rows keyed the new way.
 * Every change is recorded in c360_schema_drift with what the run did about it.
 */
import type { Logger } from "../logger.js";
import { ExitCode, MetadataError } from "../errors.js";
import { qualifiedTable, type ExportPlan, type TablePlan } from "../metadata/plan.js";
import type { PgClient } from "../postgres/connection.js";
import { sqlFile } from "../sql-files.js";

export type NewColumnPolicy = "warn" | "block" | "refuse";

interface Column {
  name: string;
  type: string;
}

/** A table as c360 read it. */
interface TableShape {
  columns: Column[];
  excluded: string[];
  key: Column[];
}

export interface Drift {
  table: TablePlan;
  change: "added" | "dropped" | "retyped" | "key";
  column?: string;
  from?: string;
  to?: string;
}

export interface DriftOptions {
  newColumns: NewColumnPolicy;
  acceptDrift: boolean;
  /** A full rebuild (generate, run --clear), which alone can take a key change. */
  fullRebuild: boolean;
  logger: Logger;
}

const blockedReason = "a new column (C360_NEW_COLUMNS=block; --accept-drift takes it in)";

function shapeOf(table: TablePlan): TableShape {
  const columns = table.columns.map((c) => ({ name: c.name, type: c.pgType }));
  const typeOf = (name: string) => columns.find((c) => c.name === name)?.type ?? "?";
  return {
    columns,
    // A blocked column is not part of the shape: it stays new until a run accepts it.
    excluded: table.excluded.filter((e) => e.reason !== blockedReason).map((e) => e.column),
    key: table.keyColumns.map((name) => ({ name, type: typeOf(name) })),
  };
}

const describeKey = (key: readonly Column[]) => key.map((c) => `${c.name} ${c.type}`).join(", ");

/** What changed in one table since its snapshot. */
function driftOf(table: TablePlan, previous: TableShape): Drift[] {
  const now = shapeOf(table);
  const drifts: Drift[] = [];
  const known = new Set([...previous.columns.map((c) => c.name), ...previous.excluded]);
  const present = new Set([...now.columns.map((c) => c.name), ...table.excluded.map((e) => e.column)]);
  for (const column of now.columns) {
    const before = previous.columns.find((c) => c.name === column.name);
    if (!known.has(column.name))
      drifts.push({ table, change: "added", column: column.name, to: column.type });
    else if (before !== undefined && before.type !== column.type)
      drifts.push({ table, change: "retyped", column: column.name, from: before.type, to: column.type });
  }
  for (const column of previous.columns)
    if (!present.has(column.name))
      drifts.push({ table, change: "dropped", column: column.name, from: column.type });
  if (describeKey(previous.key) !== describeKey(now.key))
    drifts.push({ table, change: "key", from: describeKey(previous.key), to: describeKey(now.key) });
  return drifts;
}

interface SnapshotRow {
  source_id: number;
  table_name: string;
  columns: Column[];
  excluded_columns: string[];
  key_columns: Column[];
}

async function readSnapshots(control: PgClient): Promise<Map<string, TableShape>> {
  const rows = await control.query<SnapshotRow>(sqlFile("control/queries/select-table-snapshots.sql"));
  return new Map(
    rows.rows.map((row) => [
      `${row.source_id}/${row.table_name}`,
      { columns: row.columns, excluded: row.excluded_columns, key: row.key_columns },
    ]),
  );
}

/** How a snapshot names a table. */
const snapshotKey = (table: TablePlan) => `${table.source.sourceId}/${qualifiedTable(table)}`;

/** The columns each table had at its last snapshot (none for a table's first run). */
export async function snapshotColumns(
  control: PgClient,
  plan: ExportPlan,
): Promise<Map<TablePlan, string[]>> {
  const snapshots = await readSnapshots(control);
  const columns = new Map<TablePlan, string[]>();
  for (const table of plan.tables) {
    const previous = snapshots.get(snapshotKey(table));
    if (previous !== undefined)
      columns.set(
        table,
        previous.columns.map((c) => c.name),
      );
  }
  return columns;
}

const where = (d: Drift) => `${d.table.source.sourceName}.${qualifiedTable(d.table)}`;

export function describeDrift(d: Drift): string {
  switch (d.change) {
    case "added":
      return `${where(d)}.${d.column} (${d.to}) is a new column`;
    case "dropped":
      return `${where(d)}.${d.column} (${d.from}) is gone`;
    case "retyped":
      return `${where(d)}.${d.column} changed type from ${d.from} to ${d.to}`;
    case "key":
      return `the key of :${d.table.label} (${where(d)}) changed from (${d.from}) to (${d.to})`;
  }
}

/** What this run does about a change, or the problem that refuses it. */
function outcomeOf(d: Drift, options: DriftOptions): { outcome: string; problem?: string } {
  if (d.change === "key") {
    if (!options.acceptDrift)
      return {
        outcome: "refused",
        problem: `${describeDrift(d)}: every node of the label would be duplicated or orphaned; accept it for one rebuild with \`c360 run --clear --accept-drift\``,
      };
    if (!options.fullRebuild)
      return {
        outcome: "refused",
        problem: `${describeDrift(d)}: a sync cannot match nodes keyed the old way; rebuild with \`c360 run --clear --accept-drift\``,
      };
    return { outcome: "accepted" };
  }
  if (d.change !== "added") return { outcome: "noted" };
  if (options.acceptDrift || options.newColumns === "warn") return { outcome: "loaded" };
  if (options.newColumns === "block") return { outcome: "blocked" };
  return {
    outcome: "refused",
    problem: `${describeDrift(d)} (C360_NEW_COLUMNS=refuse): list it in field_exclusion_rules or include_columns, or take it in with --accept-drift`,
  };
}

/** Leaves a blocked column out of its table, as an exclusion would. */
function block(table: TablePlan, column: string): void {
  table.columns = table.columns.filter((c) => c.name !== column);
  table.excluded.push({ column, reason: blockedReason });
}

/** The plan's drift since the last snapshots, as `generate --dry-run` shows it: nothing recorded. */
export async function previewDrift(control: PgClient, plan: ExportPlan): Promise<Drift[]> {
  const snapshots = await readSnapshots(control);
  return plan.tables.flatMap((table) => {
    const previous = snapshots.get(snapshotKey(table));
    return previous === undefined ? [] : driftOf(table, previous);
  });
}

/**
 * Compares the plan with the last snapshots, records and logs every change, applies the policy
 * (blocked columns leave the plan), and refuses, all problems at once, what the policy refuses.
 * A table without a snapshot (its first run) has no drift.
 */
export async function checkDrift(
  control: PgClient,
  runId: number,
  plan: ExportPlan,
  options: DriftOptions,
): Promise<Drift[]> {
  const drifts = await previewDrift(control, plan);
  const problems: string[] = [];
  for (const d of drifts) {
    const { outcome, problem } = outcomeOf(d, options);
    if (problem !== undefined) problems.push(problem);
    if (outcome === "blocked") block(d.table, d.column as string);
    options.logger.warn({ change: d.change, table: where(d), outcome }, `schema drift: ${describeDrift(d)}`);
    await control.query(sqlFile("control/queries/insert-schema-drift.sql"), [
      runId,
      d.table.source.sourceId,
      qualifiedTable(d.table),
      d.change,
      d.column ?? null,
      d.from ?? null,
      d.to ?? null,
      outcome,
    ]);
  }
  if (problems.length > 0)
    throw new MetadataError(problems, ExitCode.config, {
      hint: "The source's shape changed since the last run (c360_schema_drift has the details).",
    });
  return drifts;
}

/** After a successful generate: the shapes the next run compares with. */
export async function saveSnapshots(control: PgClient, runId: number, plan: ExportPlan): Promise<void> {
  for (const table of plan.tables) {
    const shape = shapeOf(table);
    await control.query(sqlFile("control/queries/upsert-table-snapshot.sql"), [
      table.source.sourceId,
      qualifiedTable(table),
      JSON.stringify(shape.columns),
      shape.excluded,
      JSON.stringify(shape.key),
      runId,
    ]);
  }
}
