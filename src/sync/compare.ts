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
import { KeyGuard, sourceFailure, type GenerateOptions } from "../generate/generate.js";
import type { ExportPlan, PlannedSource, TablePlan } from "../metadata/plan.js";
import type { PgClient } from "../postgres/connection.js";
import type { LabelChanges } from "../script/format.js";
import { collectorOnGrowth } from "../memory.js";
import { diff, OrderError, type KeyBatch } from "./diff.js";
import { graphKeys, labelsStampedAfter, type GraphState } from "./graph.js";
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

/** Heap growth between full collections while tables are compared. */
const compareGarbageAllowanceBytes = 64 * 2 ** 20;

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
): AsyncGenerator<KeyBatch> {
  const width = table.keyColumns.length;
  // The key comes first in each row; NULL and duplicate keys are refused as a full load refuses them.
  const guard = new KeyGuard(
    table,
    table.keyColumns.map((_, i) => i),
  );
  for await (const rows of readQuery(client, keyHashStatement(table, kinds), [hashSalt(table)], 10_000)) {
    const batch: KeyBatch = { keys: [], hashes: [] };
    for (const row of rows) {
      guard.check(row);
      for (let i = 0; i < width; i++) batch.keys.push(row[i] as string);
      batch.hashes.push(row[width] as string);
    }
    yield batch;
  }
}

/** Thrown into a source's comparison when another source's has failed: that failure is the news. */
class Abandoned extends Error {}

/**
 * Compares one table with its label's nodes, spooling the changes. Between batches it stops for
 * a signal, or when `abandoned` says another comparison failed.
 */
async function compareTable(
  sync: TableSync,
  client: PgClient,
  driver: Driver,
  options: CompareOptions,
  abandoned: () => boolean,
  collect: () => void,
): Promise<void> {
  const { table, kinds, spool } = sync;
  const interrupt = () => {
    if (options.stop?.requested === true)
      throw new AbortedError(
        `sync stopped by a signal while comparing ${table.table}`,
        options.stop.exitCode,
      );
    if (abandoned()) throw new Abandoned();
  };
  const graph = countingC360(
    graphKeys(driver, options.neo4j.database, table, kinds),
    sync,
    interrupt,
    collect,
  );
  try {
    await diff(
      sourceKeys(client, table, kinds),
      graph,
      table.keyColumns.length,
      keyComparator(kinds),
      (change) => spool.add(change),
    );
    interrupt();
  } catch (error) {
    if (error instanceof Abandoned) throw error;
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

/**
 * Passes the graph's entries through, counting c360's nodes (for the delete guard); `interrupt`
 * may throw between batches (ending early instead would read as the graph's end, and deletes).
 */
async function* countingC360(
  batches: AsyncIterable<KeyBatch>,
  sync: TableSync,
  interrupt: () => void,
  collect: () => void,
): AsyncGenerator<KeyBatch> {
  for await (const batch of batches) {
    for (const hash of batch.hashes) if (hash !== null) sync.graphNodes++;
    collect();
    interrupt();
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

/** Whether any table has a row to create, update or delete. */
export function anyNodeChanges(syncs: readonly TableSync[]): boolean {
  return syncs.some(({ spool }) => spool.counts.create + spool.counts.update + spool.counts.delete > 0);
}

/** Whether the graph is already what the sources say, with no earlier sync left unfinished. */
export function nothingToDo(syncs: readonly TableSync[], state: GraphState, since: number): boolean {
  return !anyNodeChanges(syncs) && labelsStampedAfter(state, since).length === 0;
}

/**
 * Compares every table, each into its own spool in `directory`; returns them in plan order. The
 * tables of one source share its snapshot's connection, so they are compared one after another,
 * largest first (by `rowCounts`), but the sources are compared side by side: the largest table
 * waits for no other, and the small ones are compared while it is.
 */
export async function compareTables(
  plan: ExportPlan,
  sources: ReadonlyMap<PlannedSource, PgClient>,
  driver: Driver,
  directory: string,
  options: CompareOptions,
  rowCounts: ReadonlyMap<TablePlan, number>,
): Promise<TableSync[]> {
  const kinds = refuseUnorderableKeys(plan);
  const syncs: TableSync[] = new Array<TableSync>(plan.tables.length);
  let failed = false;
  // A million keys are millions of short-lived strings. One collector for all the comparisons
  // running side by side (each its own would collect as often as any one grew), with an
  // allowance that keeps memory flat yet costs a few full collections per million keys, not
  // a dozen: at 1M play events, 64 MB took 0.3 s off the comparison for some 15 MB of RSS.
  const collect = collectorOnGrowth(compareGarbageAllowanceBytes);
  const largestFirst = [...plan.tables.entries()].sort(
    ([, a], [, b]) => (rowCounts.get(b) ?? 0) - (rowCounts.get(a) ?? 0),
  );
  const compareSource = async (source: PlannedSource) => {
    for (const [i, table] of largestFirst) {
      if (table.source !== source) continue;
      const sync: TableSync = {
        table,
        kinds: kinds.get(table) as KeyKind[],
        spool: await ChangeSpool.create(directory, `${i}.changes`),
        graphNodes: 0,
      };
      syncs[i] = sync;
      await compareTable(sync, sources.get(source) as PgClient, driver, options, () => failed, collect).catch(
        (error: unknown) => {
          failed = true;
          throw error;
        },
      );
      const { create, update, delete: deleted } = sync.spool.counts;
      options.logger.info(
        { table: table.table, label: table.label, create, update, delete: deleted },
        "compared",
      );
    }
  };
  // Every source finishes (or fails) before this returns: none is still reading when the caller
  // closes the connections.
  const outcomes = await Promise.allSettled(plan.sources.map(compareSource));
  const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as Error] : []));
  const failure = failures.find((reason) => !(reason instanceof Abandoned)) ?? failures[0];
  if (failure !== undefined) throw failure;
  return syncs;
}
