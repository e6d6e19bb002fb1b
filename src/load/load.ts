/**
 * The load phase: check a script against its registration, optionally clear the graph, execute
 * the script statement by statement, and keep the control database's record (run row, checkpoint,
 * the script's last run) true at every step.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import type { Driver } from "neo4j-driver";
import { quoteName } from "../script/literals.js";
import { defaultTimeouts, type Neo4jTarget, type PostgresTarget, type Timeouts } from "../config.js";
import {
  AbortedError,
  C360Error,
  ExitCode,
  RefusedError,
  ScriptFileError,
  TargetError,
  messageOf,
} from "../errors.js";
import { finishRun, recordRunFailure } from "../control/run-log.js";
import { assertSchemaCurrent } from "../control/migrate.js";
import type { Logger } from "../logger.js";
import { withDriver } from "../neo4j/driver.js";
import { connect, controlDbUnreachable, controlErrors, type PgClient } from "../postgres/connection.js";
import type { WrittenScript } from "../script/writer.js";
import { sqlFile } from "../sql-files.js";
import type { StopRequest } from "../signals.js";
import { toolVersion } from "../version.js";
import {
  emptyCounters,
  executeStatements,
  StatementError,
  StopRequested,
  type ExecuteOptions,
  type LoadCounters,
  type SectionTiming,
} from "./execute.js";
import { readScriptKind, readStatements, type ScriptKind } from "../script/format.js";
import type { Statement } from "../script/lexer.js";
import { relationshipTypeOf } from "../script/sync.js";
import { assertGraphUnchanged } from "../sync/check.js";
import { ScriptSyntaxError } from "../script/lexer.js";
import { BulkStopped, bulkLoad, type BulkSectionTiming, type BulkTarget } from "./bulk/bulk.js";

export interface LoadProgress {
  statementDone(done: number, total: number, counters: LoadCounters): void;
}

export interface LoadOptions {
  controlDb: PostgresTarget;
  neo4j: Neo4jTarget;
  file: string;
  clear?: boolean;
  resume?: boolean;
  allowModified?: boolean;
  logger: Logger;
  progress?: LoadProgress;
  /** The generate run this load belongs to (`c360 run`). */
  parentRunId?: number;
  /**
   * The script that generate has just written (`c360 run`): its hash and statement count are
   * known, so it is not read an extra time before loading. It is still hashed as it executes.
   */
  written?: WrittenScript;
  rowsPerTransaction?: number;
  timeouts?: Timeouts;
  /** Checked after every commit: a requested stop ends the load at a safe point, as `aborted`. */
  stop?: StopRequest;
  /** Load offline into this local store with Neo4j's bulk importer (src/load/bulk/bulk.ts). */
  bulk?: BulkTarget;
  /** Told the rows a hand-written statement returned (its first ones: see ExecuteOptions). */
  onRows?: ExecuteOptions["onRows"];
}

export interface LoadResult {
  runId: number;
  scriptId: number;
  statementsTotal: number;
  resumedAfter: number;
  counters: LoadCounters;
  /** Wall time per section of the script (schema, nodes, relationships; a bulk load's convert and import), in order. */
  sections: Array<SectionTiming | BulkSectionTiming>;
  elapsedMs: number;
  /** A full script, or a sync. */
  kind: "full" | "sync";
  /** What the relationship statements (and a sync's re-derive statements) did, per type. */
  relationshipsByType: Map<string, TypeCounts>;
}

export interface TypeCounts {
  created: number;
  deleted: number;
}

interface ScannedScript {
  path: string;
  sha256: string;
  sizeBytes: number;
  statements: number;
}

/**
 * Reads the whole file once, streaming, before anything is touched: its hash, its statement
 * count, and proof that it is well-formed text (no NUL bytes, valid UTF-8, every string closed).
 */
export async function scanScript(file: string): Promise<ScannedScript> {
  let resolved: string;
  try {
    resolved = await realpath(file);
    const info = await stat(resolved);
    if (!info.isFile()) throw new ScriptFileError(`${file} is not a file`);
    if (info.size === 0)
      throw new ScriptFileError(`${file} is empty`, { hint: "Generate a script with `c360 generate`." });
  } catch (error) {
    if (error instanceof C360Error) throw error;
    throw new ScriptFileError(`cannot read ${file}: ${messageOf(error)}`, { cause: error });
  }
  const hash = createHash("sha256");
  let size = 0;
  let statements = 0;
  async function* bytes(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(resolved) as AsyncIterable<Buffer>) {
      if (chunk.includes(0))
        throw new ScriptFileError(`${file} contains NUL bytes: it is not a Cypher script`);
      hash.update(chunk);
      size += chunk.length;
      yield chunk;
    }
  }
  try {
    for await (const statement of readStatements(bytes(), { name: file })) statements = statement.index;
  } catch (error) {
    if (error instanceof C360Error) throw error;
    if (error instanceof ScriptSyntaxError) {
      throw new ScriptFileError(`${file}: ${error.message}`, {
        hint: "The file looks truncated or damaged; nothing was loaded.",
      });
    }
    if (error instanceof TypeError) {
      throw new ScriptFileError(`${file} is not UTF-8 text: it is not a Cypher script`, { cause: error });
    }
    throw error;
  }
  if (statements === 0)
    throw new ScriptFileError(`${file} holds no statements (only comments or white space)`);
  return { path: resolved, sha256: hash.digest("hex"), sizeBytes: size, statements };
}

/**
 * Reads the script again as it is used, hashing it: `verify` (once every byte is read) refuses
 * content that changed since it was scanned or registered.
 */
function rereadScript(script: ScannedScript): { chunks: AsyncIterable<Buffer>; verify: () => void } {
  const hash = createHash("sha256");
  async function* chunks(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(script.path) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      yield chunk;
    }
  }
  return {
    chunks: chunks(),
    verify() {
      if (hash.digest("hex") !== script.sha256) {
        throw new ScriptFileError(`${script.path} changed while it was being loaded`, {
          hint: "Whatever writes the file must finish before c360 loads it; load it again once it is complete.",
        });
      }
    },
  };
}

/** Finds or registers the script; refuses one modified since registration unless allowed. */
async function registerOrVerify(
  control: PgClient,
  script: ScannedScript,
  allowModified: boolean,
  logger: Logger,
): Promise<{ scriptId: number; changed: boolean }> {
  const found = await control.query<{ script_id: number; sha256: string | null }>(
    sqlFile("control/queries/select-script-by-path.sql"),
    [script.path],
  );
  const row = found.rows[0];
  if (row === undefined) {
    const base = path.basename(script.path);
    for (let attempt = 0; ; attempt++) {
      const name = attempt === 0 ? base : `${base} (${attempt + 1})`;
      const taken = await control.query(sqlFile("control/queries/select-script-by-name.sql"), [name]);
      if ((taken.rowCount ?? 0) > 0) continue;
      const inserted = await control.query<{ script_id: number }>(
        sqlFile("control/queries/register-script.sql"),
        [name, script.path, script.sizeBytes, script.sha256, script.statements],
      );
      logger.info({ script: script.path, name }, "registered the script in cypher_scripts");
      return { scriptId: inserted.rows[0]?.script_id as number, changed: false };
    }
  }
  if (row.sha256 !== null && row.sha256.trim() !== script.sha256) {
    if (!allowModified) {
      throw new RefusedError(`${script.path} was modified after it was registered (sha256 differs)`, {
        hint: "Load it anyway with --allow-modified (the registry then records the new content), or regenerate it.",
      });
    }
    logger.warn({ script: script.path }, "loading a modified script (--allow-modified)");
  }
  const changed = row.sha256 !== null && row.sha256.trim() !== script.sha256;
  if (row.sha256 === null || changed) {
    await control.query(sqlFile("control/queries/update-script-content.sql"), [
      row.script_id,
      script.sha256,
      script.statements,
      script.sizeBytes,
    ]);
  }
  return { scriptId: row.script_id, changed };
}

/** Empties the graph in bounded transactions: relationships first, then nodes. */
export async function clearGraph(driver: Driver, database: string): Promise<void> {
  const session = driver.session({ database });
  try {
    await session.run("MATCH ()-[r]->() CALL { WITH r DELETE r } IN TRANSACTIONS OF 10000 ROWS").summary();
    await session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").summary();
  } finally {
    await session.close();
  }
}

/** What a load knows as it goes: kept in step with the control database's record. */
interface LoadState {
  kind: ScriptKind;
  relationshipsByType: Map<string, TypeCounts>;
  runId?: number;
  scriptId?: number;
  /** The checkpoint: statements up to this one are in the graph. */
  lastComplete: number;
  /** Whether the graph may already hold some of the script (a failure now is partial). */
  touchedGraph: boolean;
  sections: Array<SectionTiming | BulkSectionTiming>;
}

/** A sync applies changes to the graph it was computed against: it neither clears nor replaces it. */
function refuseSyncContradictions(options: LoadOptions, kind: ScriptKind, file: string): void {
  if (kind.kind !== "sync") return;
  const flag = options.clear === true ? "--clear" : options.bulk !== undefined ? "--bulk" : undefined;
  if (flag === undefined) return;
  throw new RefusedError(
    `${file} is a sync script, which changes the graph in place; ${flag} does not apply`,
    {
      hint: "Load it without the flag, or generate a full script (`c360 generate`) to rebuild the graph.",
    },
  );
}

function countByType(state: LoadState) {
  return (statement: Statement, changed: LoadCounters) => {
    const type = relationshipTypeOf(statement);
    if (type === undefined) return;
    const counts = state.relationshipsByType.get(type) ?? { created: 0, deleted: 0 };
    counts.created += changed.relationshipsCreated;
    counts.deleted += changed.relationshipsDeleted;
    state.relationshipsByType.set(type, counts);
  };
}

async function recordTypeCounts(control: PgClient, state: LoadState): Promise<void> {
  for (const [type, counts] of state.relationshipsByType)
    await control.query(sqlFile("control/queries/insert-relationship-log.sql"), [
      state.runId,
      type,
      counts.created,
      counts.deleted,
    ]);
}

/**
 * After a full load, a relationship type with no relationship at all in the graph: most often a
 * join_condition that compares the wrong columns, or sources whose keys do not meet. Loaded all
 * the same (its row in etl_relationship_logs records 0 created), and said out loud.
 */
async function warnOfEmptyTypes(driver: Driver, database: string, state: LoadState, logger: Logger) {
  for (const [type, counts] of state.relationshipsByType) {
    if (counts.created > 0) continue;
    const found = await driver.executeQuery(
      `MATCH ()-[r:${quoteName(type)}]->() RETURN count(r) AS n`,
      {},
      { database, routing: "READ" },
    );
    if (Number(found.records[0]?.get("n") ?? 0) === 0)
      logger.warn(
        { relationshipType: type },
        `:${type} matched no pairs: check its relationship_mappings row (join_condition) and the join columns' values`,
      );
  }
}

function refuseContradictions(options: LoadOptions): void {
  if (options.bulk !== undefined && options.resume === true) {
    throw new RefusedError("--resume does not apply to --bulk", {
      hint: "A bulk load replaces the whole graph or nothing: run it again without --resume.",
    });
  }
  if (options.resume === true && options.clear === true) {
    throw new RefusedError("--resume and --clear contradict each other", {
      hint: "--resume continues a failed load; --clear starts from an empty graph.",
    });
  }
}

/** The script as `c360 run` just wrote it, or as a read of the whole file finds it. */
async function scriptToLoad(options: LoadOptions): Promise<ScannedScript> {
  if (options.written === undefined) return scanScript(options.file);
  return {
    path: await realpath(options.written.path),
    sha256: options.written.sha256,
    sizeBytes: options.written.sizeBytes,
    statements: options.written.statementCount,
  };
}

/** With --resume, the checkpoint of the script's last load, which must have failed. */
async function resumePoint(
  control: PgClient,
  script: ScannedScript,
  registration: { scriptId: number; changed: boolean },
  logger: Logger,
): Promise<number> {
  if (registration.changed) {
    throw new RefusedError(`cannot resume ${script.path}: its content changed since the load that failed`, {
      hint: "The checkpoint counts statements of the old content; load the new content without --resume.",
    });
  }
  const last = await control.query<{
    log_id: number;
    status: string;
    statements_executed: number | null;
  }>(sqlFile("control/queries/select-last-load.sql"), [registration.scriptId]);
  const previous = last.rows[0];
  if (previous === undefined || previous.status === "completed") {
    throw new RefusedError(
      `nothing to resume: ${script.path} has ${previous === undefined ? "never been loaded" : "completed its last load"}`,
      { hint: "Run `c360 load <file>` without --resume." },
    );
  }
  const resumedAfter = previous.statements_executed ?? 0;
  logger.info({ previousRun: previous.log_id, resumeAfter: resumedAfter }, "resuming a failed load");
  return resumedAfter;
}

function recordCheckpoint(control: PgClient, runId: number, index: number, counters: LoadCounters) {
  return control.query(sqlFile("control/queries/checkpoint-run-log.sql"), [
    runId,
    index,
    counters.nodesCreated,
    counters.relationshipsCreated,
    counters.propertiesSet,
    counters.nodesDeleted,
    counters.relationshipsDeleted,
  ]);
}

function sectionLogger(state: LoadState, logger: Logger) {
  return (timing: SectionTiming | BulkSectionTiming) => {
    state.sections.push(timing);
    logger.info(timing, `load section completed: ${timing.section}`);
  };
}

/** A bulk load: offline, all or nothing, its sections logged like an online load's. */
async function loadInBulk(
  options: LoadOptions,
  target: BulkTarget,
  script: ScannedScript,
  control: PgClient,
  state: LoadState,
  resumedAfter: number,
): Promise<LoadCounters> {
  if (options.stop?.requested === true) throw new StopRequested(resumedAfter, emptyCounters());
  const reread = rereadScript(script);
  let result: LoadCounters;
  try {
    result = await bulkLoad({
      file: script.path,
      bytes: reread.chunks,
      verifyScript: reread.verify,
      target,
      replace: options.clear === true,
      logger: options.logger,
      shouldStop: () => options.stop?.requested === true,
      onSection: sectionLogger(state, options.logger),
    });
  } catch (error) {
    if (error instanceof BulkStopped) throw new StopRequested(0, emptyCounters());
    throw error;
  }
  state.lastComplete = script.statements;
  await recordCheckpoint(control, state.runId as number, script.statements, result);
  options.progress?.statementDone(script.statements, script.statements, result);
  return result;
}

/** An online load: optionally clear, then execute the statements, checkpointing every commit. */
async function loadOnline(
  options: LoadOptions,
  script: ScannedScript,
  control: PgClient,
  state: LoadState,
  resumedAfter: number,
): Promise<LoadCounters> {
  const { logger } = options;
  const timeouts = options.timeouts ?? defaultTimeouts;
  return withDriver(options.neo4j, timeouts, async (driver) => {
    // A stop requested before anything ran (say, late in generate) must not still clear the graph.
    if (options.stop?.requested === true) throw new StopRequested(resumedAfter, emptyCounters());
    if (state.kind.kind === "sync" && resumedAfter === 0)
      await assertGraphUnchanged(
        driver,
        options.neo4j.database,
        state.kind.graphState as string,
        script.path,
      );
    if (options.clear === true) {
      logger.info("clearing the graph (--clear)");
      state.touchedGraph = true;
      await clearGraph(driver, options.neo4j.database).catch((error: unknown) => {
        throw new TargetError(`clearing the graph failed: ${messageOf(error)}`, { cause: error });
      });
    }
    // The file is hashed again as it executes: content that changes under a running load is caught.
    const reread = rereadScript(script);
    let lastCommitAt = Date.now();
    const result = await executeStatements(driver, readStatements(reread.chunks, { name: script.path }), {
      database: options.neo4j.database,
      startAfter: resumedAfter,
      transactionTimeoutMs: timeouts.statementMs,
      rowsPerTransaction: options.rowsPerTransaction,
      shouldStop: () => options.stop?.requested === true,
      onSection: sectionLogger(state, logger),
      onWritten: countByType(state),
      onRows: options.onRows,
      onCommit: async (index, soFar) => {
        logger.debug({ statement: index, ms: Date.now() - lastCommitAt }, "committed");
        lastCommitAt = Date.now();
        state.lastComplete = index;
        state.touchedGraph = true;
        await recordCheckpoint(control, state.runId as number, index, soFar);
        options.progress?.statementDone(index, script.statements, soFar);
      },
    });
    reread.verify();
    if (state.kind.kind === "full" && resumedAfter === 0)
      await warnOfEmptyTypes(driver, options.neo4j.database, state, logger);
    return result;
  });
}

/** What a failed load reports: a stop is `aborted`, a failure after a change is a partial load. */
function loadFailure(
  caught: unknown,
  options: LoadOptions,
  state: LoadState,
): { error: unknown; status: "failed" | "aborted" | "refused" } {
  if (caught instanceof StopRequested) {
    const exitCode = options.stop?.exitCode ?? ExitCode.interrupted;
    return {
      status: "aborted",
      error:
        options.bulk !== undefined
          ? new AbortedError("bulk load stopped by a signal; the graph was not changed", exitCode, {
              hint: "Run the bulk load again.",
            })
          : new AbortedError(
              `load stopped by a signal after statement ${caught.lastCompleteStatement}`,
              exitCode,
              {
                hint: "Continue it with `c360 load --resume <file>`.",
              },
            ),
    };
  }
  if (caught instanceof StatementError || (caught instanceof TargetError && state.touchedGraph)) {
    const touched = state.touchedGraph;
    return {
      status: "failed",
      error: new C360Error(
        `${caught.message}${touched ? `; statements up to ${state.lastComplete} are in the graph` : ""}`,
        touched ? ExitCode.partialLoad : ExitCode.target,
        {
          cause: caught,
          hint: touched
            ? "Fix the cause, then `c360 load --resume <file>` continues where it stopped."
            : undefined,
        },
      ),
    };
  }
  return { error: caught, status: caught instanceof RefusedError ? "refused" : "failed" };
}

export async function loadScript(options: LoadOptions): Promise<LoadResult> {
  const { logger } = options;
  const started = Date.now();
  refuseContradictions(options);
  const script = await scriptToLoad(options);
  const control = controlErrors(
    await connect(options.controlDb, controlDbUnreachable, {
      applicationName: "c360 load",
      timeouts: options.timeouts,
    }),
  );
  const kind = await readScriptKind(script.path);
  refuseSyncContradictions(options, kind, script.path);
  const state: LoadState = {
    kind,
    relationshipsByType: new Map(),
    lastComplete: 0,
    touchedGraph: false,
    sections: [],
  };
  try {
    await assertSchemaCurrent(control);
    const registration = await registerOrVerify(control, script, options.allowModified === true, logger);
    state.scriptId = registration.scriptId;
    const resumedAfter =
      options.resume === true ? await resumePoint(control, script, registration, logger) : 0;
    // The graph already holds the statements before the checkpoint: any failure now is partial.
    state.touchedGraph = resumedAfter > 0;
    state.lastComplete = resumedAfter;

    const inserted = await control.query<{ log_id: number }>(
      sqlFile("control/queries/insert-load-run-log.sql"),
      ["load", toolVersion, state.scriptId, script.statements, options.parentRunId ?? null, resumedAfter],
    );
    state.runId = inserted.rows[0]?.log_id;
    await control.query(sqlFile("control/queries/set-run-kind.sql"), [state.runId, kind.kind]);
    logger.info(
      { runId: state.runId, script: script.path, statements: script.statements, resumeAfter: resumedAfter },
      "load started",
    );
    const counters =
      options.bulk !== undefined
        ? await loadInBulk(options, options.bulk, script, control, state, resumedAfter)
        : await loadOnline(options, script, control, state, resumedAfter);

    await recordTypeCounts(control, state);
    await finishRun(control, state.runId as number);
    await control.query(sqlFile("control/queries/finish-script-run.sql"), [state.scriptId, "completed"]);
    logger.info({ runId: state.runId, ...counters }, "load completed");
    return {
      runId: state.runId as number,
      scriptId: state.scriptId,
      statementsTotal: script.statements,
      resumedAfter,
      counters,
      sections: state.sections,
      elapsedMs: Date.now() - started,
      kind: kind.kind,
      relationshipsByType: state.relationshipsByType,
    };
  } catch (caught) {
    const { error, status } = loadFailure(caught, options, state);
    if (state.runId !== undefined) {
      await recordRunFailure(control, options.controlDb, state.runId, status, error, logger);
      if (state.scriptId !== undefined) {
        await control
          .query(sqlFile("control/queries/finish-script-run.sql"), [state.scriptId, status])
          .catch(() => undefined);
      }
    }
    throw error;
  } finally {
    await control.end().catch(() => undefined);
  }
}
