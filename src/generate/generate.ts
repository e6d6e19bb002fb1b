/**
 * The generate phase: validate the metadata against the real sources, extract every mapped table,
 * write one reviewable Cypher script, register it, and keep the audit trail in the control
 * database. Nothing is registered, and no complete-looking file is left, unless every table made it.
 */
import type { EmptyJoinKeys, PostgresTarget, Timeouts } from "../config.js";
import { headerComment, sectionMarker } from "../script/format.js";
import { maxScriptStatementLength } from "../script/lexer.js";
import { RowEncoder } from "../script/rows.js";
import {
  relationshipShapes,
  relationshipStatement,
  type RelationshipShape,
} from "../script/relationships.js";
import { schemaStatements } from "../script/schema.js";
import {
  AbortedError,
  C360Error,
  ControlDbError,
  ExitCode,
  MetadataError,
  SourceError,
  messageOf,
} from "../errors.js";
import { countRows, readTable, type RawRow } from "../extract/extract.js";
import type { Logger } from "../logger.js";
import { readSourceCatalogs } from "../metadata/catalog.js";
import {
  buildPlan,
  markJoinColumns,
  qualifiedTable,
  type ExportPlan,
  type PlannedSource,
  type TablePlan,
} from "../metadata/plan.js";
import { readControlMetadata } from "../metadata/read.js";
import { assertSchemaCurrent } from "../control/migrate.js";
import { finishRun, recordRunFailure } from "../control/run-log.js";
import { markRetired, writtenProperties } from "../control/ownership.js";
import {
  checkDrift,
  describeDrift,
  previewDrift,
  saveSnapshots,
  type DriftOptions,
  type NewColumnPolicy,
} from "../control/drift.js";
import {
  connect,
  controlDbUnreachable,
  controlErrors,
  withClient,
  type PgClient,
} from "../postgres/connection.js";
import { ScriptWriter, type WrittenScript } from "../script/writer.js";
import { collectGarbage } from "../memory.js";
import { sqlFile } from "../sql-files.js";
import type { StopRequest } from "../signals.js";
import { toolVersion } from "../version.js";

export const defaultBatchSize = 1000;

/** A node statement is written once its rows reach this many characters, whatever --batch-size says. */
const statementFlushLength = maxScriptStatementLength / 8;

export interface GenerateProgress {
  /** May return a promise: extraction of the table waits for it. */
  tableStarted(table: TablePlan, totalRows: number): void | Promise<void>;
  tableProgress(table: TablePlan, rows: number, totalRows: number): void;
  tableFinished(table: TablePlan, rows: number, error?: string): void;
}

export interface GenerateOptions {
  controlDb: PostgresTarget;
  outputDir: string;
  batchSize?: number;
  /** Rows fetched from a cursor at a time. */
  fetchSize?: number;
  /** Where source passwords named by db_password_env are looked up. */
  env?: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  progress?: GenerateProgress;
  /** The command recorded in etl_run_logs ("generate", or "run" when part of a run). */
  command?: string;
  timeouts?: Timeouts;
  /** Checked between batches: a requested stop aborts the run at a safe point. */
  stop?: StopRequest;
  /**
   * What must hold before anything is extracted (run: Neo4j takes writes); its failure is the
   * run's, on its row.
   */
  preflight?: () => Promise<void>;
  /** What to do with a column new since the last run (default warn). */
  newColumns?: NewColumnPolicy;
  /** Accept this run's schema drift (a changed key, new columns under block or refuse). */
  acceptDrift?: boolean;
  /** What an empty string in a join column is (default missing: see markJoinColumns). */
  emptyJoinKeys?: EmptyJoinKeys;
}

export interface GenerateResult {
  runId: number;
  scriptId: number;
  script: WrittenScript;
  rows: Map<string, number>;
  plan: ExportPlan;
}

const controlError = controlDbUnreachable;

/** Turns a source query's failure into a SourceError naming the source and what c360 was doing. */
export function sourceFailure(sourceName: string, doing: string): (error: unknown) => never {
  return (error) => {
    throw new SourceError(`${sourceName}: ${doing} failed: ${messageOf(error)}`, {
      cause: error,
      hint: "Check that the source_databases row's user may read the mapped tables.",
    });
  };
}

/** Reads and validates the metadata; throws a MetadataError listing every problem. */
export async function planExport(
  client: PgClient,
  options: Pick<GenerateOptions, "env" | "logger" | "timeouts" | "emptyJoinKeys">,
): Promise<ExportPlan> {
  await assertSchemaCurrent(client);
  const metadata = await readControlMetadata(client);
  const env = options.env ?? process.env;
  const catalogs = await readSourceCatalogs(metadata, {
    env,
    logger: options.logger,
    timeouts: options.timeouts,
  });
  const result = buildPlan(metadata, catalogs, env);
  if (!result.ok) {
    const onlyUnreachable = result.unreachable.length === result.problems.length;
    throw new MetadataError(result.problems, onlyUnreachable ? ExitCode.source : ExitCode.config, {
      hint: onlyUnreachable
        ? "Check the source_databases rows (host, port, user, password) and that the sources are running."
        : "Fix the rows named above in the control database; nothing was extracted or written.",
    });
  }
  markJoinColumns(result.plan, options.emptyJoinKeys ?? "missing");
  return result.plan;
}

/** Statement text written between full garbage collections (see src/memory.ts). */
const charsPerCollection = 32 * 1024 * 1024;

/**
 * The run's row, written before anything is validated: a run refused for its metadata, or failing
 * to reach a source, is on record as much as one that completes.
 */
export async function insertRunLog(control: PgClient, command: string): Promise<number> {
  // A control schema c360 init has not prepared (or upgraded) cannot take the row: say that first.
  await assertSchemaCurrent(control);
  const run = await control.query<{ log_id: number }>(sqlFile("control/queries/insert-run-log.sql"), [
    command,
    toolVersion,
    null,
  ]);
  const runId = run.rows[0]?.log_id;
  if (runId === undefined) throw new ControlDbError("inserting the run log returned no id");
  return runId;
}

/** Once the plan is known: the run's table count, and a row per table in etl_table_logs. */
export async function startTableLogs(
  control: PgClient,
  runId: number,
  plan: ExportPlan,
): Promise<{ runId: number; tableLogs: Map<TablePlan, number> }> {
  await control.query(sqlFile("control/queries/set-run-tables.sql"), [runId, plan.tables.length]);
  const tableLogs = new Map<TablePlan, number>();
  for (const table of plan.tables) {
    const inserted = await control.query<{ table_log_id: number }>(
      sqlFile("control/queries/insert-table-log.sql"),
      [
        runId,
        table.source.sourceId,
        qualifiedTable(table),
        table.label,
        table.excluded.map((e) => e.column),
        writtenProperties(table),
      ],
    );
    tableLogs.set(table, inserted.rows[0]?.table_log_id as number);
  }
  return { runId, tableLogs };
}

/** How a generate treats schema drift; `fullRebuild`: it writes a full script. */
export function driftOptions(options: GenerateOptions, fullRebuild: boolean): DriftOptions {
  return {
    newColumns: options.newColumns ?? "warn",
    acceptDrift: options.acceptDrift === true,
    fullRebuild,
    logger: options.logger,
  };
}

/** PostgreSQL 14 brought hash_record_extended, which row hashes use (src/extract/extract.ts). */
const oldestServer = 140000;

async function refuseOldServer(client: PgClient, sourceName: string): Promise<void> {
  const result = await client
    .query<{ version: number; name: string }>(sqlFile("source/server-version.sql"))
    .catch(sourceFailure(sourceName, "reading the server version"));
  const server = result.rows[0];
  if (server !== undefined && server.version < oldestServer)
    throw new SourceError(`${sourceName}: PostgreSQL ${server.name} is older than 14, which c360 reads`, {
      hint: "Upgrade the source server to PostgreSQL 14 or later.",
    });
}

/** One connection per source, each reading one consistent snapshot of its tables. */
export async function openSnapshots(
  plan: ExportPlan,
  control: PgClient,
  sources: Map<PlannedSource, PgClient>,
  timeouts: Timeouts | undefined,
  /** Record the read in source_databases.last_accessed (a preview writes nothing). */
  touch = true,
): Promise<void> {
  for (const source of plan.sources) {
    const client = await connect(
      source.target,
      (message, cause) => new SourceError(`${source.sourceName}: ${message}`, { cause }),
      { applicationName: "c360 extract", timeouts },
    );
    sources.set(source, client);
    await refuseOldServer(client, source.sourceName);
    await client
      .query(sqlFile("source/session.sql"))
      .catch(sourceFailure(source.sourceName, "preparing the session"));
    await client
      .query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
      .catch(sourceFailure(source.sourceName, "starting a snapshot"));
    if (touch) await control.query(sqlFile("control/queries/touch-source.sql"), [source.sourceId]);
  }
}

export async function countTables(
  plan: ExportPlan,
  sources: ReadonlyMap<PlannedSource, PgClient>,
): Promise<Map<TablePlan, number>> {
  const rowCounts = new Map<TablePlan, number>();
  for (const table of plan.tables) {
    rowCounts.set(
      table,
      await countRows(sources.get(table.source) as PgClient, table).catch(
        sourceFailure(table.source.sourceName, `counting ${table.table}`),
      ),
    );
  }
  return rowCounts;
}

/** How tables' rows become node statements, and what is written between collections. */
interface TableWriting {
  writer: ScriptWriter;
  batchSize: number;
  fetchSize: number;
  /** Statement text written since the last full garbage collection (see src/memory.ts). */
  charsSinceCollection: number;
  options: GenerateOptions;
  /** The run every node and relationship is stamped with. */
  runId: number;
}

/** One table to extract: where it is read from, where it is logged, and how far it got. */
interface TableJob {
  table: TablePlan;
  client: PgClient;
  total: number;
  tableLogId: number;
  /** Rows extracted so far: what its log row records, also when it fails. */
  rows: number;
  /** Empty strings in its join columns, as they are met. */
  empties: EmptyJoinKeyCount;
}

/** Writes one table's node statements, counting its rows. Progress goes to the control DB. */
async function writeTable(job: TableJob, writing: TableWriting, control: PgClient): Promise<void> {
  const { table, total, tableLogId } = job;
  const { writer, options } = writing;
  await writer.write(sectionMarker("nodes", table));
  const rows = new RowEncoder(table, writing.runId);
  const keyIndexes = table.keyColumns.map((key) => table.columns.findIndex((c) => c.name === key));
  let batch: string[] = [];
  let batchLength = 0;
  let lastProgress = Date.now();
  const flush = async () => {
    await writer.statement(rows.statement(batch));
    writing.charsSinceCollection += batchLength;
    batch = [];
    batchLength = 0;
  };
  const guard = new KeyGuard(table, keyIndexes);
  for await (const chunk of readTable(job.client, table, writing.fetchSize)) {
    for (const row of chunk) {
      guard.check(row);
      const literal = rows.encode(row, job.empties);
      batch.push(literal);
      batchLength += literal.length + 2;
      // Wide rows (json, bytea, long text) flush early, far below what load accepts.
      if (batch.length >= writing.batchSize || batchLength >= statementFlushLength) {
        await flush();
        if (writing.charsSinceCollection >= charsPerCollection) {
          writing.charsSinceCollection = 0;
          collectGarbage();
        }
        if (options.stop?.requested === true) {
          throw new AbortedError(`generate stopped by a signal during ${table.table}`, options.stop.exitCode);
        }
      }
    }
    job.rows += chunk.length;
    if (Date.now() - lastProgress > 2000) {
      lastProgress = Date.now();
      options.progress?.tableProgress(table, job.rows, total);
      await control.query(sqlFile("control/queries/progress-table-log.sql"), [tableLogId, job.rows]);
    }
  }
  if (batch.length > 0) await flush();
}

/**
 * The empty strings met in a table's join columns (see markJoinColumns), per column: counted as
 * rows are encoded, then reported once per column and recorded on the table's log row.
 */
export class EmptyJoinKeyCount {
  private readonly byColumn = new Map<string, number>();

  add(column: string): void {
    this.byColumn.set(column, (this.byColumn.get(column) ?? 0) + 1);
  }

  get total(): number {
    let total = 0;
    for (const n of this.byColumn.values()) total += n;
    return total;
  }

  /** A warning per column, saying what became of its empty strings. */
  report(table: TablePlan, logger: Logger): void {
    for (const [column, rows] of this.byColumn) {
      const policy = table.columns.find((c) => c.name === column)?.emptyString;
      const handled =
        policy === "missing"
          ? "loaded as a missing property, so they join nothing (C360_EMPTY_JOIN_KEYS=missing)"
          : "joined as a value: each matches every other empty one (C360_EMPTY_JOIN_KEYS=value)";
      logger.warn(
        { source: table.source.sourceName, table: table.table, column, rows, policy },
        `${table.source.sourceName}.${table.table}.${column}: ${rows} rows have an empty string in this join column, ${handled}`,
      );
    }
  }

  /** Reports the count and records it on the table's log row. */
  async record(control: PgClient, tableLogId: number, table: TablePlan, logger: Logger): Promise<void> {
    if (this.byColumn.size === 0) return;
    this.report(table, logger);
    await control.query(sqlFile("control/queries/record-empty-join-keys.sql"), [tableLogId, this.total]);
  }
}

/**
 * A node is its key: a NULL key has no node, and two rows with one key would silently merge into
 * one. Rows arrive ordered by key, so a duplicate is the row just before: checked in O(1) memory,
 * for primary keys and key_columns overrides alike, before anything reaches the graph.
 */
export class KeyGuard {
  private previous: RawRow | undefined;

  constructor(
    private readonly table: TablePlan,
    private readonly keyIndexes: readonly number[],
  ) {}

  /** Called per row: no allocation unless the row is refused. */
  check(row: RawRow): void {
    const previous = this.previous;
    let same = previous !== undefined;
    for (let i = 0; i < this.keyIndexes.length; i++) {
      const index = this.keyIndexes[i] as number;
      const value = row[index];
      if (value === null || value === undefined)
        this.refuse(
          `a row has NULL in key column ${this.table.keyColumns[i]}: a node cannot be keyed by NULL`,
        );
      if (same && previous?.[index] !== value) same = false;
    }
    if (same) {
      const key = this.keyIndexes.map((index) => row[index]);
      this.refuse(`two rows have the key ${JSON.stringify(key)}: they would merge into one node`);
    }
    this.previous = row;
  }

  private refuse(problem: string): never {
    const { source, table, mappingId, keyColumns } = this.table;
    throw new MetadataError(
      [
        `${source.sourceName}.${table} (node_label_mappings row ${mappingId}, key ${keyColumns.join(", ")}): ${problem}`,
      ],
      ExitCode.config,
      {
        hint: "Key the label by columns that are unique and NOT NULL (node_label_mappings.key_columns), or fix the rows.",
      },
    );
  }
}

/** writeTable, with its table log row kept true: completed, or failed/aborted with the message. */
async function extractTable(job: TableJob, writing: TableWriting, control: PgClient): Promise<number> {
  const { table, tableLogId } = job;
  await control.query(sqlFile("control/queries/start-table-log.sql"), [tableLogId]);
  await writing.options.progress?.tableStarted(table, job.total);
  try {
    await writeTable(job, writing, control);
  } catch (error) {
    const count = job.rows;
    const message = messageOf(error);
    const status = error instanceof AbortedError ? "aborted" : "failed";
    await control
      .query(sqlFile("control/queries/finish-table-log.sql"), [tableLogId, status, count, message])
      .catch(() => undefined);
    writing.options.progress?.tableFinished(table, count, message);
    throw error instanceof C360Error
      ? error
      : new SourceError(`extracting ${table.source.sourceName}.${qualifiedTable(table)} failed: ${message}`, {
          cause: error,
        });
  }
  await control.query(sqlFile("control/queries/finish-table-log.sql"), [
    tableLogId,
    "completed",
    job.rows,
    null,
  ]);
  await job.empties.record(control, tableLogId, table, writing.options.logger);
  writing.options.progress?.tableFinished(table, job.rows);
  return job.rows;
}

/** Completes the file under its final name and registers it in cypher_scripts. */
export async function registerScript(
  control: PgClient,
  writer: ScriptWriter,
): Promise<{ script: WrittenScript; scriptId: number }> {
  const script = await writer.finish(async (name) => {
    const taken = await control.query(sqlFile("control/queries/select-script-by-name.sql"), [name]);
    return (taken.rowCount ?? 0) > 0;
  });
  const registered = await control.query<{ script_id: number }>(
    sqlFile("control/queries/register-script.sql"),
    [script.name, script.path, script.sizeBytes, script.sha256, script.statementCount],
  );
  return { script, scriptId: registered.rows[0]?.script_id as number };
}

export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const { logger } = options;
  const batchSize = options.batchSize ?? defaultBatchSize;
  const control = controlErrors(
    await connect(options.controlDb, controlError, {
      applicationName: "c360 generate",
      timeouts: options.timeouts,
    }),
  );
  const sources = new Map<PlannedSource, PgClient>();
  let writer: ScriptWriter | undefined;
  let runId: number | undefined;
  try {
    runId = await insertRunLog(control, options.command ?? "generate");
    const plan = await planExport(control, options);
    await checkDrift(control, runId, plan, driftOptions(options, true));
    await markRetired(control, plan, logger);
    await options.preflight?.();
    const started = await startTableLogs(control, runId, plan);
    await control.query(sqlFile("control/queries/set-run-kind.sql"), [runId, "full"]);
    logger.info(
      { runId, tables: plan.tables.length, relationships: plan.relationships.length },
      "generate started",
    );
    await openSnapshots(plan, control, sources, options.timeouts);
    const rowCounts = await countTables(plan, sources);

    const generatedAt = new Date();
    writer = await ScriptWriter.create(options.outputDir, generatedAt);
    await writer.write(headerComment(plan, { toolVersion, runId, generatedAt, rowCounts }));
    await writer.write(sectionMarker("schema").slice(1));
    const shapes = relationshipShapes(plan, rowCounts);
    for (const statement of schemaStatements(plan, shapes)) await writer.statement(statement);

    const rows = new Map<string, number>();
    let rowsExtracted = 0;
    // One across tables: garbage is collected by the text written, whichever table wrote it.
    const writing: TableWriting = {
      writer,
      batchSize,
      fetchSize: options.fetchSize ?? Math.max(batchSize, 1000),
      charsSinceCollection: 0,
      options,
      runId: started.runId,
    };
    for (const table of plan.tables) {
      const job: TableJob = {
        table,
        client: sources.get(table.source) as PgClient,
        total: rowCounts.get(table) ?? 0,
        tableLogId: started.tableLogs.get(table) as number,
        rows: 0,
        empties: new EmptyJoinKeyCount(),
      };
      const count = await extractTable(job, writing, control);
      rows.set(`${table.source.sourceName}.${qualifiedTable(table)}`, count);
      rowsExtracted += count;
    }

    await writer.write(sectionMarker("relationships"));
    for (const relationship of plan.relationships)
      await writer.statement(
        relationshipStatement(relationship, shapes.get(relationship) as RelationshipShape, started.runId),
      );

    const { script, scriptId } = await registerScript(control, writer);
    writer = undefined;
    await saveSnapshots(control, runId, plan);
    await finishRun(control, runId, { scriptId, rowsExtracted, statementsTotal: script.statementCount });
    logger.info(
      { runId, script: script.path, statements: script.statementCount, rows: rowsExtracted },
      "generate completed",
    );
    return { runId, scriptId, script, rows, plan };
  } catch (error) {
    if (writer !== undefined) await writer.abort();
    if (runId !== undefined) {
      await recordRunFailure(
        control,
        options.controlDb,
        runId,
        error instanceof AbortedError ? "aborted" : "failed",
        error,
        logger,
      );
    }
    throw error;
  } finally {
    await closeConnections(control, sources);
  }
}

/** Ends the snapshots (read-only: nothing to commit) and closes every connection; never throws. */
export async function closeConnections(
  control: PgClient,
  sources: ReadonlyMap<PlannedSource, PgClient>,
): Promise<void> {
  for (const client of sources.values()) {
    await client.query("ROLLBACK").catch(() => undefined);
    await client.end().catch(() => undefined);
  }
  await control.end().catch(() => undefined);
}

/** Validates and plans without extracting anything: the `--dry-run`. */
export async function dryRun(
  options: Pick<GenerateOptions, "controlDb" | "env" | "logger" | "timeouts" | "emptyJoinKeys">,
): Promise<{ plan: ExportPlan; drift: string[] }> {
  return withClient(
    options.controlDb,
    controlError,
    async (client) => {
      const control = controlErrors(client);
      const plan = await planExport(control, options);
      return { plan, drift: (await previewDrift(control, plan)).map(describeDrift) };
    },
    { timeouts: options.timeouts },
  );
}
