/**
 * The whole job, `c360 run`, as a library function: generate, then load the script just generated.
 * A sync by default; a rebuild with `clear` or `bulk`. The CLI (src/commands/run.ts) only parses
 * flags into RunOptions and prints what this returns; the demo and the tests call it directly.
 */
import { outputDirOf, phaseSettings, type Config } from "../config.js";
import { messageOf } from "../errors.js";
import { generate, type GenerateProgress } from "../generate/generate.js";
import type { BulkTarget } from "../load/bulk/bulk.js";
import { loadScript, type LoadOptions, type LoadProgress, type LoadResult } from "../load/load.js";
import type { Logger } from "../logger.js";
import { qualifiedTable, type ExportPlan, type TablePlan } from "../metadata/plan.js";
import { assertWritable, withDriver } from "../neo4j/driver.js";
import type { LabelChanges } from "../script/format.js";
import type { WrittenScript } from "../script/writer.js";
import type { StopRequest } from "../signals.js";
import { generateSync } from "../sync/generate-sync.js";
import { readGraphState } from "../sync/graph.js";
import { pruneScripts } from "../control/prune.js";
import { recordCommandFailure } from "../control/run-log.js";

export interface RunOptions {
  config: Config;
  logger: Logger;
  clear?: boolean;
  outputDir?: string;
  batchSize?: number;
  stop?: StopRequest;
  bulk?: BulkTarget;
  /** Lift the sync's delete guard for this run. */
  allowDeletes?: boolean;
  /** Accept this run's schema drift (src/control/drift.ts). */
  acceptDrift?: boolean;
  /** Told as each table is extracted (a full run). */
  generateProgress?: GenerateProgress;
  /** Told as the load's statements are done. */
  loadProgress?: LoadProgress;
}

export interface RunResult {
  /** A full rebuild (--clear, --bulk, or a graph holding nothing of c360's), or a sync. */
  kind: "full" | "sync";
  /** The script written: undefined when a sync found nothing to change. */
  script?: WrittenScript;
  /** The load; undefined when there was nothing to load. */
  loaded?: LoadResult;
  /** A sync's changes per label. */
  changes?: ReadonlyMap<TablePlan, LabelChanges>;
  /** What the run covered, and what the graph holds after it (see graphTotals). */
  totals?: RunTotals;
  /** From the command's start to the end of its load. */
  elapsedMs?: number;
}

export interface RunTotals {
  /** Per mapped table: its label, the rows read (a sync: written), the label's nodes in the graph. */
  labels: Array<{ label: string; table: string; rows: number; nodes: number }>;
  /** Per relationship type: what this run created, and how many the graph holds. */
  types: Array<{ type: string; created: number; relationships: number }>;
}

/**
 * The graph's counts per label and type after a load, from the one query a sync reads the graph's
 * state with (src/sync/graph.ts): the count store answers it in constant time, and the next sync
 * finds it planned.
 */
async function graphTotals(
  options: RunOptions,
  plan: ExportPlan,
  rows: ReadonlyMap<string, number>,
  loaded: LoadResult | undefined,
): Promise<RunTotals> {
  const { neo4j } = options.config;
  const state = await withDriver(neo4j, options.config.timeouts, (driver) =>
    readGraphState(driver, neo4j.database, plan),
  );
  const labels = plan.tables.map((table) => {
    const name = `${table.source.sourceName}.${qualifiedTable(table)}`;
    const nodes = state.labels[table.label]?.[0] ?? 0;
    return { label: table.label, table: name, rows: rows.get(name) ?? 0, nodes };
  });
  const types = plan.relationships.map((relationship) => ({
    type: relationship.type,
    created: loaded?.relationshipsByType.get(relationship.type)?.created ?? 0,
    relationships: state.types[relationship.type] ?? 0,
  }));
  return { labels, types };
}

function loadOptions(options: RunOptions, script: WrittenScript, parentRunId: number): LoadOptions {
  const { config, logger } = options;
  return {
    ...phaseSettings(config),
    file: script.path,
    written: script,
    clear: options.clear === true,
    bulk: options.bulk,
    logger,
    parentRunId,
    progress: options.loadProgress,
    stop: options.stop,
  };
}

/** Loads the run's script; if the load fails, the run's own row says so too, with its exit code. */
async function loadAsPartOf(options: RunOptions, script: WrittenScript, runId: number): Promise<LoadResult> {
  try {
    return await loadScript(loadOptions(options, script, runId));
  } catch (error) {
    await recordCommandFailure(options.config.controlDb, runId, error, options.logger);
    throw error;
  }
}

/** What a run's generate phase takes, full or sync. */
function generateOptions(options: RunOptions) {
  const { config } = options;
  return {
    ...phaseSettings(config),
    outputDir: outputDirOf(config, options.outputDir),
    batchSize: options.batchSize,
    logger: options.logger,
    command: "run",
    stop: options.stop,
    acceptDrift: options.acceptDrift,
  };
}

/** Generate a full script, then load it: --clear and --bulk rebuild, and a first load starts here. */
async function fullRun(options: RunOptions): Promise<RunResult> {
  const { config } = options;
  const generated = await generate({
    ...generateOptions(options),
    progress: options.generateProgress,
    // An online load needs Neo4j at the end: find out before the extract, not after it.
    preflight: options.bulk === undefined ? () => assertWritable(config.neo4j, config.timeouts) : undefined,
  });
  const loaded = await loadAsPartOf(options, generated.script, generated.runId);
  const totals = await summarised(options, generated.plan, generated.rows, loaded);
  return { kind: "full", script: generated.script, loaded, totals };
}

/** The run's totals, or none if Neo4j cannot say (the run itself is done and recorded). */
async function summarised(
  options: RunOptions,
  plan: ExportPlan,
  rows: ReadonlyMap<string, number>,
  loaded: LoadResult | undefined,
): Promise<RunTotals | undefined> {
  return graphTotals(options, plan, rows, loaded).catch((error: unknown) => {
    options.logger.warn({ err: messageOf(error) }, "could not read the graph's counts for the summary");
    return undefined;
  });
}

/**
 * The whole job. Without --clear or --bulk it is a sync: the graph converges to the sources in
 * place (src/sync/), and a graph holding nothing of c360's yet gets a full load. Two linked rows in
 * etl_run_logs: the generate row (command "run") and the load row whose parent_log_id points at
 * it. If generation fails or is refused, nothing is loaded and the graph is untouched. A
 * successful run then prunes the oldest scripts (C360_KEEP_SCRIPTS).
 */
export async function runPipeline(options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const result = { ...(await runJob(options)), elapsedMs: Date.now() - started };
  const { config, logger } = options;
  // Housekeeping: the night's work is done and recorded, and a pruning problem does not undo it.
  await pruneScripts(config.controlDb, config.keepScripts, logger, config.timeouts).catch((error: unknown) =>
    logger.warn({ error: messageOf(error) }, "could not prune old scripts"),
  );
  return result;
}

async function runJob(options: RunOptions): Promise<RunResult> {
  const { logger } = options;
  if (options.clear === true || options.bulk !== undefined) return fullRun(options);
  const synced = await generateSync({ ...generateOptions(options), allowDeletes: options.allowDeletes });
  if (synced === "empty graph") {
    logger.info("the graph holds nothing c360 wrote for these mappings: a full load");
    return fullRun(options);
  }
  // A sync reads every row but writes only the changed ones: those are its rows.
  const written = new Map(
    [...synced.changes].map(([table, c]) => [
      `${table.source.sourceName}.${qualifiedTable(table)}`,
      c.created + c.updated,
    ]),
  );
  if (synced.script === undefined)
    return {
      kind: "sync",
      changes: synced.changes,
      totals: await summarised(options, synced.plan, written, undefined),
    };
  const loaded = await loadAsPartOf(options, synced.script, synced.runId);
  const totals = await summarised(options, synced.plan, written, loaded);
  return { kind: "sync", script: synced.script, loaded, changes: synced.changes, totals };
}
