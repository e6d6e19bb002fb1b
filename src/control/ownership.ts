/**
 * What c360 owns on its nodes: exactly what it writes. For each mapped label, the properties of
 * the columns its table's mapping reads (and c360's own `c360_` ones); everything else on those
 * nodes, other properties and other labels, is someone else's and is never touched.
 *
 * A property c360 wrote in an earlier run and no longer writes (a newly excluded column, one left
 * out of include_columns, one dropped or renamed in the source) is "retired": the node statements
 * of this run set it to null, which removes it. The owned set is known without reading a node:
 * every run records the properties it writes (etl_table_logs.properties), and a label's c360 nodes
 * can hold only what the last completed load wrote, or what a later load began to write.
 *
 * Why the node statements suffice: the row hash is salted with the table's columns
 * (src/extract/extract.ts), so a node written under another column set never hashes as
 * unchanged, and a sync rewrites it with the retired properties in its statement.
 */
import {
  notIncludedReason,
  type ExportPlan,
  type RetiredProperty,
  type RetiredReason,
  type TablePlan,
} from "../metadata/plan.js";
import type { Logger } from "../logger.js";
import type { PgClient } from "../postgres/connection.js";
import { sqlFile } from "../sql-files.js";
import { snapshotColumns } from "./drift.js";
import { lastCompletedRun } from "./run-log.js";

/** The properties a run writes on a table's nodes, as etl_table_logs.properties records them. */
export function writtenProperties(table: TablePlan): string[] {
  return table.columns.map((column) => column.name);
}

/** Why `table` no longer writes `property`. */
function reasonFor(table: TablePlan, property: string): RetiredReason {
  const excluded = table.excluded.find((e) => e.column === property);
  if (excluded === undefined) return "dropped or renamed in the source";
  return excluded.reason === notIncludedReason ? "left include_columns" : "newly excluded";
}

/** Per label: every property a c360 node of it may hold now. */
async function ownedSoFar(control: PgClient): Promise<Map<string, Set<string>>> {
  const since = await lastCompletedRun(control);
  const result = await control.query<{ node_label: string; properties: string[] }>(
    sqlFile("control/queries/select-written-properties.sql"),
    [since],
  );
  return new Map(result.rows.map((row) => [row.node_label, new Set(row.properties)]));
}

/**
 * Sets each table's `retired` properties: those c360 may have written on its label's nodes and
 * this plan no longer writes. The last snapshot's columns count too: they cover the runs from
 * before c360 recorded what each run wrote.
 */
export async function markRetired(control: PgClient, plan: ExportPlan, logger: Logger): Promise<void> {
  const owned = await ownedSoFar(control);
  const snapshots = await snapshotColumns(control, plan);
  for (const table of plan.tables) {
    const before = new Set([...(owned.get(table.label) ?? []), ...(snapshots.get(table) ?? [])]);
    for (const column of table.columns) before.delete(column.name);
    const retired: RetiredProperty[] = [...before]
      .sort()
      .map((property) => ({ property, reason: reasonFor(table, property) }));
    table.retired = retired;
    if (retired.length > 0)
      logger.info(
        { label: table.label, retired },
        `:${table.label}: no longer written, so removed from its nodes: ${describeRetired(table) as string}`,
      );
  }
}

/** How a summary names what a table's nodes lose: `email (newly excluded), ...`. */
export function describeRetired(table: TablePlan): string | undefined {
  const retired = table.retired ?? [];
  if (retired.length === 0) return undefined;
  return retired.map((r) => `${r.property} (${r.reason})`).join(", ");
}
