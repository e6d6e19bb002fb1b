/**
 * Generating a sync script: the change that makes the graph equal to the sources, computed
 * against the live graph, and written as a reviewable script like a full one.
 *
 * Per mapped table, the source's (key, hash) and the graph's (key, hash) are read in key order
 * and merged (src/sync/diff.ts): PostgreSQL hashes every row, so an unchanged row costs a key and
 * a number, never its values. The changes go to a spool on disk. Once every table is compared,
 * the delete guard runs, and only then is the script written: per label, stamps for junctions,
 * then the created and updated rows (fetched by key, in the same snapshot), then the deletes;
 * finally the relationships are re-derived around the nodes written.
 */
import type { Driver } from "neo4j-driver";
import type { Neo4jTarget } from "../config.js";
import { AbortedError, C360Error, ExitCode, MetadataError, RefusedError } from "../errors.js";
import { keyHashStatement, readQuery, selectByKeysStatement, hashSalt } from "../extract/extract.js";
import type { ExportPlan, PlannedSource, TablePlan } from "../metadata/plan.js";
import { withDriver } from "../neo4j/driver.js";
import { connect, controlDbUnreachable, controlErrors, type PgClient } from "../postgres/connection.js";
import { headerComment, sectionMarker, type LabelChanges } from "../script/format.js";
import { nodeBatchStatement } from "../script/node-batches.js";
import { relationshipShapes } from "../script/relationships.js";
import { schemaStatements } from "../script/schema.js";
import { deleteStatement, keysPerStatement, rederiveStatements, stampStatement } from "../script/sync.js";
import { ScriptWriter, type WrittenScript } from "../script/writer.js";
import { recordRunFailure, finishRun } from "../control/run-log.js";
import { sqlFile } from "../sql-files.js";
import { toolVersion } from "../version.js";
import {
  countTables,
  defaultBatchSize,
  encodeRow,
  openSnapshots,
  planExport,
  provenanceKeys,
  registerScript,
  runEntry,
  sourceFailure,
  startRunLog,
  type GenerateOptions,
} from "../generate/generate.js";
import { diff, OrderError, type KeyedHash } from "./diff.js";
import { graphKeys, holdsNothingOfC360, readGraphState, stateLine, type GraphState } from "./graph.js";
import { keyComparator, keyKinds, type KeyKind } from "./keys.js";
import { ChangeSpool, withSpoolDirectory } from "./spool.js";

export interface SyncOptions extends GenerateOptions {
  neo4j: Neo4jTarget;
  /** The share of a label's c360 nodes a sync may delete. */
  maxDeletePercent: number;
  /** Lift the delete guard for this run. */
  allowDeletes?: boolean;
}

export interface SyncResult {
  runId: number;
  plan: ExportPlan;
  /** What each table's label goes through. */
  changes: Map<TablePlan, LabelChanges>;
  /** The script written; undefined when nothing is to change (then there is nothing to load). */
  script?: WrittenScript;
  scriptId?: number;
}

/** One table being compared: its key kinds and its spool. */
interface TableSync {
  table: TablePlan;
  kinds: KeyKind[];
  spool: ChangeSpool;
  graphNodes: number;
}

/** Refuses tables whose keys a sync cannot order, all at once. */
function refuseUnorderableKeys(plan: ExportPlan): Map<TablePlan, KeyKind[]> {
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
): AsyncGenerator<KeyedHash> {
  const width = table.keyColumns.length;
  for await (const rows of readQuery(client, keyHashStatement(table, kinds), [hashSalt(table)], 5000)) {
    for (const row of rows) yield { key: row.slice(0, width) as string[], hash: row[width] as string };
  }
}

/** Compares one table with its label's nodes, spooling the changes. */
async function compareTable(
  sync: TableSync,
  client: PgClient,
  driver: Driver,
  database: string,
  options: SyncOptions,
): Promise<void> {
  const { table, kinds, spool } = sync;
  const graph = countingC360(graphKeys(driver, database, table, kinds), sync);
  try {
    for await (const change of diff(sourceKeys(client, table, kinds), graph, keyComparator(kinds))) {
      await spool.add(change);
      if (options.stop?.requested === true)
        throw new AbortedError(
          `sync stopped by a signal while comparing ${table.table}`,
          options.stop.exitCode,
        );
    }
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
async function* countingC360(entries: AsyncIterable<KeyedHash>, sync: TableSync): AsyncGenerator<KeyedHash> {
  for await (const entry of entries) {
    if (entry.hash !== null) sync.graphNodes++;
    yield entry;
  }
}

/** Refuses, before anything is written, to delete more than the allowed share of a label. */
function guardDeletes(syncs: readonly TableSync[], options: SyncOptions): void {
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

/** The created and updated rows of a table, fetched by key in batches, as node statements. */
async function writeUpserts(
  sync: TableSync,
  client: PgClient,
  writer: ScriptWriter,
  runId: number,
  batchSize: number,
): Promise<number> {
  const { table, spool } = sync;
  const keys = provenanceKeys(table);
  const run = runEntry(runId);
  let rows = 0;
  for await (const batch of spool.batches(["create", "update"], batchSize)) {
    const values = table.keyColumns.map((_, i) => batch.map((key) => key[i]));
    const literals: string[] = [];
    for await (const chunk of readQuery(
      client,
      selectByKeysStatement(table),
      [hashSalt(table), ...values],
      batchSize,
    ))
      for (const row of chunk) literals.push(encodeRow(table, keys, row, run));
    rows += literals.length;
    if (literals.length > 0)
      await writer.statement(nodeBatchStatement(table.label, table.keyColumns, literals));
  }
  return rows;
}

/** Stamps before a junction label's nodes change: one statement per batch and relationship. */
async function writeStamps(
  sync: TableSync,
  plan: ExportPlan,
  writer: ScriptWriter,
  runId: number,
): Promise<void> {
  const through = plan.relationships.filter((r) => r.junction?.label === sync.table.label);
  if (through.length === 0) return;
  for await (const batch of sync.spool.batches(["update", "delete"], keysPerStatement))
    for (const relationship of through)
      await writer.statement(stampStatement(relationship, sync.table, sync.kinds, batch, runId));
}

async function writeDeletes(sync: TableSync, writer: ScriptWriter): Promise<void> {
  for await (const batch of sync.spool.batches(["delete"], keysPerStatement))
    await writer.statement(deleteStatement(sync.table, sync.kinds, batch));
}

function changesOf(syncs: readonly TableSync[]): Map<TablePlan, LabelChanges> {
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
function nothingToDo(syncs: readonly TableSync[], state: GraphState, since: number): boolean {
  const changed = syncs.some(
    ({ spool }) => spool.counts.create + spool.counts.update + spool.counts.delete > 0,
  );
  const unfinished = Object.values(state.labels).some(([, lastRun]) => lastRun !== null && lastRun > since);
  return !changed && !unfinished;
}

/** The newest run whose script was loaded completely (0: none). */
async function lastCompletedRun(control: PgClient): Promise<number> {
  const result = await control.query<{ run_id: number }>(
    sqlFile("control/queries/select-last-completed-run.sql"),
  );
  return Number(result.rows[0]?.run_id ?? 0);
}

/**
 * A sync script, or "empty graph" when the graph holds nothing c360 wrote for these mappings: then
 * a full script is the faster way, and the caller generates one (`c360 run` does).
 */
export async function generateSync(options: SyncOptions): Promise<SyncResult | "empty graph"> {
  const { logger } = options;
  const batchSize = options.batchSize ?? defaultBatchSize;
  const control = controlErrors(
    await connect(options.controlDb, controlDbUnreachable, {
      applicationName: "c360 sync",
      timeouts: options.timeouts,
    }),
  );
  const sources = new Map<PlannedSource, PgClient>();
  let runId: number | undefined;
  let writer: ScriptWriter | undefined;
  try {
    const plan = await planExport(control, options);
    const kinds = refuseUnorderableKeys(plan);
    return await withDriver(options.neo4j, options.timeouts ?? { connectMs: 15_000 }, async (driver) => {
      const database = options.neo4j.database;
      const state = await readGraphState(driver, database, plan);
      if (holdsNothingOfC360(state)) return "empty graph";
      const started = await startRunLog(control, plan, options.command ?? "generate");
      runId = started.runId;
      await control.query(sqlFile("control/queries/set-run-kind.sql"), [runId, "sync"]);
      const since = await lastCompletedRun(control);
      logger.info({ runId, since, tables: plan.tables.length }, "sync started");
      await openSnapshots(plan, control, sources, options.timeouts);
      const rowCounts = await countTables(plan, sources);
      return await withSpoolDirectory(async (directory) => {
        const syncs: TableSync[] = [];
        for (const [i, table] of plan.tables.entries()) {
          const sync: TableSync = {
            table,
            kinds: kinds.get(table) as KeyKind[],
            spool: await ChangeSpool.create(directory, `${i}.changes`),
            graphNodes: 0,
          };
          syncs.push(sync);
          await compareTable(sync, sources.get(table.source) as PgClient, driver, database, options);
          const { create, update, delete: deleted } = sync.spool.counts;
          logger.info(
            { table: table.table, label: table.label, create, update, delete: deleted },
            "compared",
          );
        }
        guardDeletes(syncs, options);
        const changes = changesOf(syncs);
        for (const sync of syncs) {
          const c = changes.get(sync.table) as LabelChanges;
          await control.query(sqlFile("control/queries/finish-table-sync.sql"), [
            started.tableLogs.get(sync.table),
            c.created,
            c.updated,
            c.deleted,
          ]);
        }
        if (nothingToDo(syncs, state, since)) {
          await finishRun(control, runId as number, { rowsExtracted: 0, statementsTotal: 0 });
          await markTablesDone(control, started.tableLogs, syncs);
          logger.info({ runId }, "sync: the graph already equals the sources");
          return { runId: runId as number, plan, changes };
        }
        const generatedAt = new Date();
        writer = await ScriptWriter.create(options.outputDir, generatedAt);
        await writer.write(
          headerComment(plan, {
            toolVersion,
            runId: runId as number,
            generatedAt,
            rowCounts,
            sync: { graphState: stateLine(state), since, changes },
          }),
        );
        await writer.write(sectionMarker("schema").slice(1));
        for (const statement of schemaStatements(plan, relationshipShapes(plan, rowCounts)))
          await writer.statement(statement);
        const rows = new Map<string, number>();
        let rowsExtracted = 0;
        for (const sync of syncs) {
          await writer.write(sectionMarker("nodes", sync.table));
          await writeStamps(sync, plan, writer, runId as number);
          const written = await writeUpserts(
            sync,
            sources.get(sync.table.source) as PgClient,
            writer,
            runId as number,
            batchSize,
          );
          await writeDeletes(sync, writer);
          rows.set(`${sync.table.source.sourceName}.${sync.table.table}`, written);
          rowsExtracted += written;
          if (options.stop?.requested === true)
            throw new AbortedError(
              `sync stopped by a signal after ${sync.table.table}`,
              options.stop.exitCode,
            );
        }
        await markTablesDone(control, started.tableLogs, syncs, rows);
        await writer.write(sectionMarker("relationships"));
        for (const relationship of plan.relationships)
          for (const statement of rederiveStatements(relationship, since, runId as number))
            await writer.statement(statement);
        const { script, scriptId } = await registerScript(control, writer);
        writer = undefined;
        await finishRun(control, runId as number, {
          scriptId,
          rowsExtracted,
          statementsTotal: script.statementCount,
        });
        logger.info({ runId, script: script.path, statements: script.statementCount }, "sync script written");
        return { runId: runId as number, scriptId, script, plan, changes };
      });
    });
  } catch (error) {
    if (writer !== undefined) await writer.abort();
    if (runId !== undefined) {
      const status =
        error instanceof AbortedError ? "aborted" : error instanceof RefusedError ? "refused" : "failed";
      await recordRunFailure(control, options.controlDb, runId, status, error, logger);
    }
    throw error;
  } finally {
    for (const client of sources.values()) {
      await client.query("ROLLBACK").catch(() => undefined);
      await client.end().catch(() => undefined);
    }
    await control.end().catch(() => undefined);
  }
}

async function markTablesDone(
  control: PgClient,
  tableLogs: ReadonlyMap<TablePlan, number>,
  syncs: readonly TableSync[],
  rows: ReadonlyMap<string, number> = new Map(),
): Promise<void> {
  for (const { table } of syncs)
    await control.query(sqlFile("control/queries/finish-table-log.sql"), [
      tableLogs.get(table),
      "completed",
      rows.get(`${table.source.sourceName}.${table.table}`) ?? 0,
      null,
    ]);
}
