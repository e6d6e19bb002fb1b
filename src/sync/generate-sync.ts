/**
 * Generating a sync script: the change that makes the graph equal to the sources, computed
 * against the live graph (src/sync/compare.ts), written as a reviewable script like a full one
 * (src/sync/write.ts), its header saying what it changes and against which graph state.
 */
import { defaultTimeouts } from "../config.js";
import { withDriver } from "../neo4j/driver.js";
import { AbortedError, RefusedError } from "../errors.js";
import { qualifiedTable, type ExportPlan, type PlannedSource, type TablePlan } from "../metadata/plan.js";
import { connect, controlDbUnreachable, controlErrors, type PgClient } from "../postgres/connection.js";
import { headerComment, sectionMarker, type LabelChanges } from "../script/format.js";
import { relationshipShapes } from "../script/relationships.js";
import { schemaStatements } from "../script/schema.js";
import { ScriptWriter, type WrittenScript } from "../script/writer.js";
import { recordRunFailure, finishRun, lastCompletedRun } from "../control/run-log.js";
import { markRetired } from "../control/ownership.js";
import { checkDrift, saveSnapshots } from "../control/drift.js";
import { sqlFile } from "../sql-files.js";
import { toolVersion } from "../version.js";
import type { EmptyJoinKeyCount } from "../generate/generate.js";
import {
  closeConnections,
  countTables,
  defaultBatchSize,
  openSnapshots,
  planExport,
  registerScript,
  driftOptions,
  insertRunLog,
  startTableLogs,
} from "../generate/generate.js";
import { changesOf, compareTables, guardDeletes, nothingToDo, type SyncOptions } from "./compare.js";
import { holdsNothingOfC360, readGraphState, stateLine } from "./graph.js";
import { withSpoolDirectory } from "./spool.js";
import { relationshipGuard } from "./guard.js";
import { writeChanges } from "./write.js";

export type { SyncOptions } from "./compare.js";

export interface SyncResult {
  runId: number;
  plan: ExportPlan;
  /** What each table's label goes through. */
  changes: Map<TablePlan, LabelChanges>;
  /** The script written; undefined when nothing is to change (then there is nothing to load). */
  script?: WrittenScript;
  scriptId?: number;
}

/** Records each table's counts, and its log row as completed. */
async function recordTables(
  control: PgClient,
  started: { runId: number; tableLogs: ReadonlyMap<TablePlan, number> },
  changes: ReadonlyMap<TablePlan, LabelChanges>,
  rows: ReadonlyMap<string, number>,
): Promise<void> {
  const total = (field: "created" | "updated" | "deleted") =>
    [...changes.values()].reduce((sum, c) => sum + c[field], 0);
  // The run's relationship counts are the load's: they are known only once it has run.
  await control.query(sqlFile("control/queries/record-sync-counts.sql"), [
    started.runId,
    total("created"),
    total("updated"),
    total("deleted"),
    null,
    null,
  ]);
  const tableLogs = started.tableLogs;
  for (const [table, c] of changes) {
    const id = tableLogs.get(table);
    await control.query(sqlFile("control/queries/finish-table-sync.sql"), [
      id,
      c.created,
      c.updated,
      c.deleted,
    ]);
    await control.query(sqlFile("control/queries/finish-table-log.sql"), [
      id,
      "completed",
      rows.get(`${table.source.sourceName}.${qualifiedTable(table)}`) ?? 0,
      null,
    ]);
  }
}

/**
 * A sync script, or "empty graph" when the graph holds nothing c360 wrote for these mappings: then
 * a full script is the faster way, and the caller generates one (`c360 run` does).
 */
export async function generateSync(options: SyncOptions): Promise<SyncResult | "empty graph"> {
  const { logger } = options;
  const control = controlErrors(
    await connect(options.controlDb, controlDbUnreachable, {
      applicationName: "c360 sync",
      timeouts: options.timeouts,
    }),
  );
  const sources = new Map<PlannedSource, PgClient>();
  const run: { id?: number; writer?: ScriptWriter } = {};
  try {
    run.id = await insertRunLog(control, options.command ?? "generate");
    const runId = run.id;
    const plan = await planExport(control, options);
    await checkDrift(control, runId, plan, driftOptions(options, false));
    await markRetired(control, plan, options.logger);
    return await withDriver(options.neo4j, options.timeouts ?? defaultTimeouts, async (driver) => {
      const state = await readGraphState(driver, options.neo4j.database, plan);
      if (holdsNothingOfC360(state)) {
        // The full load that follows keeps its own row; this one did nothing.
        await control.query(sqlFile("control/queries/delete-run-log.sql"), [runId]);
        run.id = undefined;
        return "empty graph";
      }
      const started = await startTableLogs(control, runId, plan);
      await control.query(sqlFile("control/queries/set-run-kind.sql"), [run.id, "sync"]);
      const since = await lastCompletedRun(control);
      logger.info({ runId: run.id, since, tables: plan.tables.length }, "sync started");
      await openSnapshots(plan, control, sources, options.timeouts);
      const rowCounts = await countTables(plan, sources);
      return withSpoolDirectory(async (directory) => {
        const syncs = await compareTables(plan, sources, driver, directory, options, rowCounts);
        guardDeletes(syncs, options);
        const changes = changesOf(syncs);
        if (nothingToDo(syncs, state, since)) {
          await recordTables(control, started, changes, new Map());
          await saveSnapshots(control, runId, plan);
          await finishRun(control, runId, { rowsExtracted: 0, statementsTotal: 0 });
          logger.info({ runId }, "sync: the graph already equals the sources");
          return { runId, plan, changes };
        }
        const generatedAt = new Date();
        const writer = (run.writer = await ScriptWriter.create(options.outputDir, generatedAt));
        const sync = { graphState: stateLine(state), since, changes };
        await writer.write(headerComment(plan, { toolVersion, runId, generatedAt, rowCounts, sync }));
        await writer.write(sectionMarker("schema").slice(1));
        for (const statement of schemaStatements(plan, relationshipShapes(plan, rowCounts)))
          await writer.statement(statement);
        const batchSize = options.batchSize ?? defaultBatchSize;
        const empties = new Map<TablePlan, EmptyJoinKeyCount>();
        const writing = { plan, syncs, sources, runId, since, state, batchSize, batched: true, empties };
        const guard = relationshipGuard(writer, driver, plan, options, directory);
        const rows = await writeChanges(guard ?? writer, { ...writing, stop: options.stop });
        await guard?.enforce(state, options.maxDeletePercent);
        await recordTables(control, started, changes, rows);
        for (const [table, count] of empties)
          await count.record(control, started.tableLogs.get(table) as number, table, logger);
        await saveSnapshots(control, runId, plan);
        return finishScript(control, writer, run, { runId, plan, changes, rows, logger: options.logger });
      });
    });
  } catch (error) {
    if (run.writer !== undefined) await run.writer.abort();
    if (run.id !== undefined) {
      const status =
        error instanceof AbortedError ? "aborted" : error instanceof RefusedError ? "refused" : "failed";
      await recordRunFailure(control, options.controlDb, run.id, status, error, logger);
    }
    throw error;
  } finally {
    await closeConnections(control, sources);
  }
}

/** Registers the complete script and closes the run's row. */
async function finishScript(
  control: PgClient,
  writer: ScriptWriter,
  run: { writer?: ScriptWriter },
  done: Pick<SyncResult, "runId" | "plan" | "changes"> & {
    rows: ReadonlyMap<string, number>;
    logger: SyncOptions["logger"];
  },
): Promise<SyncResult> {
  const { script, scriptId } = await registerScript(control, writer);
  run.writer = undefined;
  const rowsExtracted = [...done.rows.values()].reduce((sum, n) => sum + n, 0);
  await finishRun(control, done.runId, { scriptId, rowsExtracted, statementsTotal: script.statementCount });
  done.logger.info(
    { runId: done.runId, script: script.path, statements: script.statementCount },
    "sync script written",
  );
  return { runId: done.runId, plan: done.plan, changes: done.changes, script, scriptId };
}
