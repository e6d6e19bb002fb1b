/**
 * Comparing the sources with the graph, table by table: the source's (key, hash) and the graph's
 * (key, hash) are read in key order and merged (src/sync/diff.ts). PostgreSQL hashes every row, so
 * an unchanged row costs a key and a number, never its values. The changes go to a spool on disk,
 * and the delete guard looks at the totals before anything is written.
 */
import type { Driver } from "neo4j-driver";
import type { Neo4jTarget } from "../config.js";
import { AbortedError, C360Error, ExitCode, MetadataError, RefusedError } from "../errors.js";
import { hashSalt, keyHashStatement, readQuery } from "../extract/extract.js";
import { sourceFailure, type GenerateOptions } from "../generate/generate.js";
import type { ExportPlan, PlannedSource, TablePlan } from "../metadata/plan.js";
import type { PgClient } from "../postgres/connection.js";
import type { LabelChanges } from "../script/format.js";
import { collectorOnGrowth } from "../memory.js";
import { sqlFile } from "../sql-files.js";
import { diff, OrderError, type KeyedHash } from "./diff.js";
import { graphKeys, type GraphState } from "./graph.js";
import { keyComparator, keyKinds, type KeyKind } from "./keys.js";
import { ChangeSpool } from "./spool.js";

export interface SyncOptions extends GenerateOptions {
  neo4j: Neo4jTarget;
  /** The share of a label's c360 nodes a sync may delete. */
  maxDeletePercent: number;
  /** Lift the delete guard for this run. */
  allowDeletes?: boolean;
}

/** What comparing needs: a sync's options but where a script would go (a preview writes none). */
export type CompareOptions = Omit<SyncOptions, "outputDir">;

/** One table being compared: its key kinds and its spool. */
export interface TableSync {
  table: TablePlan;
  kinds: KeyKind[];
  spool: ChangeSpool;
  graphNodes: number;
}

/** Refuses tables whose keys a sync cannot order, all at once. */
export function refuseUnorderableKeys(plan: ExportPlan): Map<TablePlan, KeyKind[]> {
  const kinds = new Map<TablePlan, KeyKind[]>();
  const problems: string[] = [];
  for (const table of plan.tables) {
    const found = keyKinds(table);
    if ("kinds" in found) kinds.set(table, found.kinds);
    else
      problems.push(
        `node_label_mappings row ${table.mappingId} (${table.table} -> ${table.label}): key column ${found.unsupported} is neither an integer nor text, which a sync cannot compare in order`,
      );
  }
  if (problems.length > 0)
    throw new MetadataError(problems, ExitCode.config, {
      hint: "Key those tables by integer or text columns (key_columns), or rebuild with `c360 run --clear`.",
    });
  return kinds;
}

/** The source's rows of a table as (key, hash), in the sync's key order. */
async function* sourceKeys(
  client: PgClient,
  table: TablePlan,
  kinds: readonly KeyKind[],
): AsyncGenerator<KeyedHash[]> {
  const width = table.keyColumns.length;
  for await (const rows of readQuery(client, keyHashStatement(table, kinds), [hashSalt(table)], 10_000))
    yield rows.map((row) => ({
      key: width === 1 ? [row[0] as string] : (row.slice(0, width) as string[]),
      hash: row[width] as string,
    }));
}

/** Compares one table with its label's nodes, spooling the changes. */
export async function compareTable(
  sync: TableSync,
  client: PgClient,
  driver: Driver,
  database: string,
  options: CompareOptions,
): Promise<void> {
  const { table, kinds, spool } = sync;
  const graph = countingC360(graphKeys(driver, database, table, kinds), sync);
  try {
    await diff(sourceKeys(client, table, kinds), graph, keyComparator(kinds), (change) => spool.add(change));
    if (options.stop?.requested === true)
      throw new AbortedError(
        `sync stopped by a signal while comparing ${table.table}`,
        options.stop.exitCode,
      );
  } catch (error) {
    if (error instanceof OrderError)
      throw new C360Error(
        `comparing ${table.source.sourceName}.${table.table} with :${table.label}: ${error.message}`,
        ExitCode.target,
        {
          cause: error,
          hint: `Check that the uniqueness constraint c360_${table.label}_key exists (SHOW CONSTRAINTS); \`c360 run --clear\` rebuilds the label.`,
        },
      );
    if (error instanceof C360Error) throw error;
    sourceFailure(table.source.sourceName, `comparing ${table.table}`)(error);
  } finally {
    await spool.close();
  }
}

/** Passes the graph's entries through, counting c360's nodes (for the delete guard). */
async function* countingC360(
  batches: AsyncIterable<KeyedHash[]>,
  sync: TableSync,
): AsyncGenerator<KeyedHash[]> {
  // A million keys are a million small objects: collected as they go, memory stays flat.
  const collect = collectorOnGrowth(32 * 2 ** 20);
  for await (const batch of batches) {
    for (const entry of batch) if (entry.hash !== null) sync.graphNodes++;
    collect();
    yield batch;
  }
}

/** Refuses, before anything is written, to delete more than the allowed share of a label. */
export function guardDeletes(syncs: readonly TableSync[], options: CompareOptions): void {
  if (options.allowDeletes === true) return;
  const problems: string[] = [];
  for (const { table, spool, graphNodes } of syncs) {
    const deleted = spool.counts.delete;
    if (deleted === 0 || graphNodes === 0) continue;
    const percent = (100 * deleted) / graphNodes;
    if (percent > options.maxDeletePercent)
      problems.push(
        `:${table.label} (${table.source.sourceName}.${table.table}): ${deleted} of its ${graphNodes} c360 nodes would be deleted (${percent.toFixed(1)}%)`,
      );
  }
  if (problems.length > 0)
    throw new RefusedError(
      `refusing to delete more than C360_MAX_DELETE_PERCENT=${options.maxDeletePercent}% of a label's nodes:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
      {
        hint: "If the sources really lost those rows, run once with --allow-deletes (or raise C360_MAX_DELETE_PERCENT). Nothing was written to the graph.",
      },
    );
}

export function changesOf(syncs: readonly TableSync[]): Map<TablePlan, LabelChanges> {
  return new Map(
    syncs.map(({ table, spool, graphNodes }) => [
      table,
      {
        created: spool.counts.create,
        updated: spool.counts.update,
        deleted: spool.counts.delete,
        graphNodes,
      },
    ]),
  );
}

/** Whether the graph is already what the sources say, with no earlier sync left unfinished. */
export function nothingToDo(syncs: readonly TableSync[], state: GraphState, since: number): boolean {
  const changed = syncs.some(
    ({ spool }) => spool.counts.create + spool.counts.update + spool.counts.delete > 0,
  );
  const unfinished = Object.values(state.labels).some(([, lastRun]) => lastRun !== null && lastRun > since);
  return !changed && !unfinished;
}

/** The newest run whose script was loaded completely (0: none). */
export async function lastCompletedRun(control: PgClient): Promise<number> {
  const result = await control.query<{ run_id: number }>(
    sqlFile("control/queries/select-last-completed-run.sql"),
  );
  return Number(result.rows[0]?.run_id ?? 0);
}

/** Compares every table, in plan order, each into its own spool in `directory`. */
export async function compareTables(
  plan: ExportPlan,
  sources: ReadonlyMap<PlannedSource, PgClient>,
  driver: Driver,
  directory: string,
  options: CompareOptions,
): Promise<TableSync[]> {
  const kinds = refuseUnorderableKeys(plan);
  const syncs: TableSync[] = [];
  for (const [i, table] of plan.tables.entries()) {
    const sync: TableSync = {
      table,
      kinds: kinds.get(table) as KeyKind[],
      spool: await ChangeSpool.create(directory, `${i}.changes`),
      graphNodes: 0,
    };
    syncs.push(sync);
    await compareTable(sync, sources.get(table.source) as PgClient, driver, options.neo4j.database, options);
    const { create, update, delete: deleted } = sync.spool.counts;
    options.logger.info(
      { table: table.table, label: table.label, create, update, delete: deleted },
      "compared",
    );
  }
  return syncs;
}
