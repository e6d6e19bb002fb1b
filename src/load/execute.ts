/**
 * Executes a script's statements against Neo4j in order, consuming every result so that an
 * error is reported against the statement that caused it.
 *
 * - c360's node statements are sent as parameterized `UNWIND $rows` batches (src/script/node-batches.ts),
 *   consecutive statements for the same label sharing one transaction of up to
 *   `rowsPerTransaction` rows, through `executeWrite`, which retries transient errors itself.
 * - Statements that need an implicit transaction (`CALL { } IN TRANSACTIONS`) run in
 *   auto-commit; they are idempotent (MERGE), so a transient error is retried here. c360's direct
 *   relationship statements CREATE while their type is absent (src/script/relationships.ts), and a
 *   sync's re-derive statements send their run numbers as parameters (src/script/sync.ts).
 * - Everything else runs as written, in a managed (retried) transaction.
 *
 * After each commit, `onCommit` learns the index of the last statement that is now complete: the
 * checkpoint a resumed load starts after.
 */
import neo4j, { type Driver, type Session } from "neo4j-driver";
import type { Result, ResultSummary } from "neo4j-driver";
import { TargetError, messageOf } from "../errors.js";
import { collectorOnGrowth } from "../memory.js";
import { sectionOf, type Section } from "../script/format.js";
import { codeOf, isAutoCommit, type Statement } from "../script/lexer.js";
import { parseNodeBatch, sentNodeBatch, type NodeBatchKind, type RowTable } from "../script/node-batches.js";
import { firstLoadForm, type FirstLoadForm } from "../script/relationships.js";
import { ifNotExistsName } from "../script/schema.js";
import { parameterizedRederive } from "../script/sync.js";

export interface LoadCounters {
  statements: number;
  nodesCreated: number;
  nodesDeleted: number;
  relationshipsCreated: number;
  relationshipsDeleted: number;
  propertiesSet: number;
}

export function emptyCounters(): LoadCounters {
  return {
    statements: 0,
    nodesCreated: 0,
    nodesDeleted: 0,
    relationshipsCreated: 0,
    relationshipsDeleted: 0,
    propertiesSet: 0,
  };
}

/** The first line of a statement's code, shortened, to name it in a message. */
export function firstLine(statement: Pick<Statement, "text" | "codeStart">): string {
  const code = codeOf(statement);
  const end = code.search(/[\r\n]/);
  const line = end < 0 ? code : code.slice(0, end);
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

export interface ExecuteOptions {
  database: string;
  /** Skip statements up to and including this index (a resumed load). */
  startAfter?: number;
  rowsPerTransaction?: number;
  /**
   * Node-batch transactions in flight at once (batches MERGE on distinct keys). With two, the driver
   * encodes one batch while Neo4j executes the other: on the 2-core bench machine, 90 s became
   * 76 s for a million nodes. The next batch is always decoded while the previous ones execute.
   */
  writers?: number;
  /** Limit for each managed transaction (not for auto-commit IN TRANSACTIONS statements); 0: none. */
  transactionTimeoutMs?: number;
  /** Run every statement exactly as written (no parameterized batches, no first-load CREATE). */
  literal?: boolean;
  onCommit?: (lastCompleteStatement: number, counters: LoadCounters) => void | Promise<void>;
  /** Told when a section of the script (see `sectionOf`) is complete, with its wall time. */
  onSection?: (section: SectionTiming) => void;
  /** Checked between transactions: a stop request ends the load at a safe point. */
  shouldStop?: () => boolean;
  /** Told what each statement run as written changed (node batches are not reported here). */
  onWritten?: (statement: Statement, changed: LoadCounters) => void;
  /** Told the rows a statement returned (a hand-written `RETURN`): the first `returnedRowLimit`. */
  onRows?: (statement: Statement, rows: ReturnedRows) => void;
  /** Rows kept per statement for onRows; the rest are counted, not kept (default 20). */
  returnedRowLimit?: number;
}

export interface ReturnedRows {
  columns: string[];
  /** The first rows, in order, each a value per column. */
  rows: unknown[][];
  /** How many rows the statement returned in all. */
  total: number;
}

/**
 * Consumes a result to the end (so an error surfaces against its statement), keeping at most
 * `limit` rows: a statement returning millions of rows costs flat memory.
 */
async function consume(
  result: Result,
  limit: number,
): Promise<{ summary: ResultSummary; rows: ReturnedRows }> {
  const rows: ReturnedRows = { columns: [], rows: [], total: 0 };
  for await (const record of result) {
    if (rows.total === 0) rows.columns = record.keys.map(String);
    if (rows.rows.length < limit) rows.rows.push(record.keys.map((key) => record.get(key) as unknown));
    rows.total++;
  }
  return { summary: await result.summary(), rows };
}

/** Thrown (with the progress made) when a statement fails. */
export class StatementError extends TargetError {
  constructor(
    message: string,
    readonly lastCompleteStatement: number,
    readonly counters: LoadCounters,
    readonly neo4jCode: string | undefined,
    cause: unknown,
  ) {
    super(message, { cause });
  }
}

export class StopRequested extends Error {
  constructor(
    readonly lastCompleteStatement: number,
    readonly counters: LoadCounters,
  ) {
    super("stopped at a safe point");
  }
}

export type { Section } from "../script/format.js";

export interface SectionTiming {
  section: Section;
  ms: number;
  statements: number;
}

interface PendingBatch {
  kind: NodeBatchKind;
  tail: string;
  table: RowTable;
  first: Statement;
  lastIndex: number;
  statements: number;
  /** Literal text decoded into this batch: bounds memory when rows are wide. */
  chars: number;
}

export const defaultRowsPerTransaction = 10_000;
/** Rows of a statement's RETURN kept to show (c360 load prints them). */
export const defaultReturnedRowLimit = 20;
export const defaultWriters = 2;
/**
 * A batch also ends at this much statement text, so that wide rows (json, long text) cannot make
 * the batches in memory (one being filled, `writers` in flight) large.
 */
export const maxBatchChars = 8 * 1024 * 1024;
const maxAutoCommitAttempts = 4;

/**
 * Heap growth allowed between full collections while a script loads. A collection before every
 * batch kept a full load's memory flat, but cost c360 about 10 s of CPU per million play events,
 * and in a sync, which sends a few small batches per label, each batch waited some 20 ms for one.
 * Collecting on growth bounds memory the same way (a 5M full load peaked at 172 MB).
 */
const loadGarbageAllowanceBytes = 32 * 2 ** 20;

function addCounters(counters: LoadCounters, summary: ResultSummary, statements: number): void {
  const updates = summary.counters.updates();
  counters.statements += statements;
  counters.nodesCreated += updates.nodesCreated;
  counters.nodesDeleted += updates.nodesDeleted;
  counters.relationshipsCreated += updates.relationshipsCreated;
  counters.relationshipsDeleted += updates.relationshipsDeleted;
  counters.propertiesSet += updates.propertiesSet;
}

/**
 * The names of every index and constraint in the database; none if the user may not list them
 * (then every schema statement runs, and Neo4j decides).
 */
async function schemaNames(session: Session): Promise<Set<string>> {
  const names = new Set<string>();
  try {
    for (const command of ["SHOW CONSTRAINTS YIELD name", "SHOW INDEXES YIELD name"])
      for (const record of (await session.run(command)).records) names.add(record.get("name") as string);
  } catch {
    names.clear();
  }
  return names;
}

/** The graph holds no relationship of this (quoted) type yet: read from the count store, in constant time. */
async function typeIsAbsent(session: Session, type: string): Promise<boolean> {
  const result = await session.run(`MATCH ()-[r:${type}]->() RETURN count(r) AS n`);
  return Number(result.records[0]?.get("n") ?? 0) === 0;
}

/**
 * Runs an auto-commit statement, retrying transient errors: the statements are idempotent. A
 * statement with a first-load form runs as CREATE only while its type is absent, checked before
 * every attempt: after a partial failure the type exists, and the retry MERGEs as written.
 */
async function runAutoCommit(
  session: Session,
  text: string,
  firstLoad?: FirstLoadForm,
  parameters?: Record<string, unknown>,
): Promise<ResultSummary> {
  for (let attempt = 1; ; attempt++) {
    try {
      const create = firstLoad !== undefined && (await typeIsAbsent(session, firstLoad.type));
      return await session.run(create ? firstLoad.createText : text, parameters).summary();
    } catch (error) {
      if (attempt >= maxAutoCommitAttempts || !neo4j.isRetryableError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    }
  }
}

export async function executeStatements(
  driver: Driver,
  statements: AsyncIterable<Statement> | Iterable<Statement>,
  options: ExecuteOptions,
): Promise<LoadCounters> {
  const execution = new Execution(driver, options);
  try {
    for await (const statement of statements) await execution.take(statement);
    await execution.finish();
  } finally {
    await execution.close();
  }
  return execution.counters;
}

/** One run of executeStatements: the batch being filled, the writes in flight, the checkpoint. */
class Execution {
  readonly counters = emptyCounters();
  private readonly rowsPerTransaction: number;
  private readonly writers: number;
  private readonly startAfter: number;
  private readonly sessionConfig: { database: string; defaultAccessMode: typeof neo4j.session.WRITE };
  private readonly txConfig: { timeout: number } | undefined;
  private readonly session: Session;
  private readonly collect = collectorOnGrowth(loadGarbageAllowanceBytes);
  private lastComplete: number;
  private pending: PendingBatch | undefined;
  private section: Section = "statements";
  private sectionStarted = Date.now();
  private sectionStatements = 0;
  // Node batches commit out of order (up to `writers` at once); the checkpoint only ever moves to
  // a statement whose predecessors have all committed, so a resumed load never skips one.
  private readonly issued: Array<{ lastIndex: number; committed: boolean }> = [];
  private readonly running = new Set<Promise<void>>();
  private checkpoints = Promise.resolve();
  private failure: (() => Error) | undefined;
  private stopping = false;
  /** What the batches in flight do: MERGE, or a sync's deletes or stamps. */
  private kind: NodeBatchKind = "merge";
  private readonly returnedRowLimit: number;
  /** The names of the graph's indexes and constraints, read at the first schema statement. */
  private schemaNames: ReadonlySet<string> | undefined;

  constructor(
    private readonly driver: Driver,
    private readonly options: ExecuteOptions,
  ) {
    this.rowsPerTransaction = options.rowsPerTransaction ?? defaultRowsPerTransaction;
    this.writers = Math.max(1, options.writers ?? defaultWriters);
    this.startAfter = options.startAfter ?? 0;
    this.lastComplete = this.startAfter;
    this.sessionConfig = { database: options.database, defaultAccessMode: neo4j.session.WRITE };
    this.txConfig =
      options.transactionTimeoutMs !== undefined && options.transactionTimeoutMs > 0
        ? { timeout: options.transactionTimeoutMs }
        : undefined;
    this.session = driver.session(this.sessionConfig);
    this.returnedRowLimit = options.returnedRowLimit ?? defaultReturnedRowLimit;
  }

  /** One statement of the script, in order. */
  async take(statement: Statement): Promise<void> {
    const opens = sectionOf(statement);
    if (statement.index <= this.startAfter) {
      // A resumed load still knows which section it resumes in.
      this.section = opens ?? this.section;
      return;
    }
    if (this.failure !== undefined || this.stopping) await this.settle();
    if (opens !== undefined && opens !== this.section) {
      await this.flush();
      await this.settle();
      this.endSection();
      this.section = opens;
    }
    this.sectionStatements++;
    if (await this.addToBatch(statement)) return;
    // Anything else is a barrier: it may depend on every node written before it.
    await this.flush();
    await this.settle();
    if (await this.alreadyInSchema(statement)) await this.skip(statement);
    else await this.runAsWritten(statement);
  }

  /** After the last statement: everything committed, the last section timed. */
  async finish(): Promise<void> {
    await this.flush();
    await this.settle();
    this.endSection();
  }

  /**
   * On an early exit too (a failed statement, a broken script stream): writes still in flight
   * finish before the caller records the checkpoint.
   */
  async close(): Promise<void> {
    await Promise.allSettled(this.running);
    await this.checkpoints;
    await this.session.close().catch(() => undefined);
  }

  /** Adds a node statement's rows to the pending batch; false for any other statement. */
  private async addToBatch(statement: Statement): Promise<boolean> {
    // Consecutive statements for the same label share a table (and a transaction).
    if (this.pending !== undefined && !statement.text.endsWith(this.pending.tail)) await this.flush();
    const batch = this.options.literal === true ? undefined : parseNodeBatch(statement, this.pending?.table);
    if (batch === undefined) return false;
    // A sync deletes a label's nodes only once its new ones are in: the label never dips below
    // the smaller of its counts before and after (writes in flight commit first). Its stamps read
    // junction nodes as they were, so they commit before the junction's rows are written.
    if (this.pending === undefined && batch.kind !== this.kind) {
      await this.settle();
      this.kind = batch.kind;
    }
    const pending = (this.pending ??= {
      kind: batch.kind,
      tail: batch.tail,
      table: batch.table,
      first: statement,
      lastIndex: statement.index,
      statements: 0,
      chars: 0,
    });
    pending.lastIndex = statement.index;
    pending.statements++;
    pending.chars += statement.text.length;
    if (pending.table.rows.length >= this.rowsPerTransaction || pending.chars >= maxBatchChars)
      await this.flush();
    return true;
  }

  /**
   * Whether a schema statement would do nothing: it creates a name only if it does not exist, and
   * it does (every sync script repeats the schema; asking once beats a round trip per statement).
   */
  private async alreadyInSchema(statement: Statement): Promise<boolean> {
    if (this.section !== "schema" || this.options.literal === true) return false;
    const name = ifNotExistsName(codeOf(statement));
    if (name === undefined) return false;
    this.schemaNames ??= await schemaNames(this.session);
    return this.schemaNames.has(name);
  }

  /** A statement that would change nothing, done as if it ran. */
  private skip(statement: Statement): Promise<void> {
    return this.doneAlone(statement, { ...emptyCounters(), statements: 1 });
  }

  /** A statement run alone (or skipped) is done: counted, reported, checkpointed. */
  private async doneAlone(statement: Statement, changed: LoadCounters): Promise<void> {
    for (const field of Object.keys(changed) as Array<keyof LoadCounters>)
      this.counters[field] += changed[field];
    this.options.onWritten?.(statement, changed);
    this.issued.push({ lastIndex: statement.index, committed: true });
    await this.advanceCheckpoint();
    if (this.stopping) throw new StopRequested(this.lastComplete, this.counters);
  }

  /** A statement that is not a node batch, run alone: in auto-commit if it needs it. */
  private async runAsWritten(statement: Statement): Promise<void> {
    let summary: ResultSummary;
    let returned: ReturnedRows | undefined;
    try {
      summary = isAutoCommit(statement.text)
        ? await this.runAutoCommit(statement)
        : await this.session.executeWrite(async (tx) => {
            const { summary: done, rows } = await consume(tx.run(statement.text), this.returnedRowLimit);
            returned = rows;
            return done;
          }, this.txConfig);
    } catch (error) {
      throw this.statementError(`statement ${statement.index}`, statement, error);
    }
    if (returned !== undefined && returned.total > 0) this.options.onRows?.(statement, returned);
    const changed = emptyCounters();
    addCounters(changed, summary, 1);
    await this.doneAlone(statement, changed);
  }

  /**
   * An auto-commit statement: c360's relationship statements in their first-load form where that
   * applies, its re-derive statements with their run numbers as parameters (planned once, not
   * each night), anything else as written.
   */
  private runAutoCommit(statement: Statement): Promise<ResultSummary> {
    if (this.options.literal === true) return runAutoCommit(this.session, statement.text);
    const rederive = parameterizedRederive(statement);
    if (rederive === undefined) return runAutoCommit(this.session, statement.text, firstLoadForm(statement));
    const parameters = { since: neo4j.int(rederive.since), run: neo4j.int(rederive.run) };
    return runAutoCommit(this.session, rederive.text, undefined, parameters);
  }

  private statementError(what: string, statement: Statement, error: unknown): StatementError {
    const code = (error as { code?: string }).code;
    return new StatementError(
      `${what} (line ${statement.line}: ${firstLine(statement)}) failed${code === undefined ? "" : ` [${code}]`}: ${messageOf(error)}`,
      this.lastComplete,
      this.counters,
      code,
      error,
    );
  }

  private endSection(): void {
    if (this.sectionStatements > 0)
      this.options.onSection?.({
        section: this.section,
        ms: Date.now() - this.sectionStarted,
        statements: this.sectionStatements,
      });
    this.sectionStarted = Date.now();
    this.sectionStatements = 0;
  }

  private async advanceCheckpoint(): Promise<void> {
    while (this.issued[0]?.committed === true) {
      this.lastComplete = (this.issued.shift() as { lastIndex: number }).lastIndex;
      await this.options.onCommit?.(this.lastComplete, this.counters);
      if (this.options.shouldStop?.() === true) this.stopping = true;
    }
  }

  /** The first failure (or a stop), once nothing else is running: the checkpoint is then final. */
  private async settle(): Promise<void> {
    await Promise.all(this.running);
    await this.checkpoints;
    if (this.failure !== undefined) throw this.failure();
    if (this.stopping) throw new StopRequested(this.lastComplete, this.counters);
  }

  /** Sends the pending batch once fewer than `writers` are in flight. */
  private async flush(): Promise<void> {
    if (this.pending === undefined) return;
    const batch = this.pending;
    this.pending = undefined;
    while (this.running.size >= this.writers) await Promise.race(this.running);
    if (this.failure !== undefined || this.stopping) await this.settle();
    this.launch(batch);
  }

  private launch(batch: PendingBatch): void {
    // The decoded rows of earlier batches are garbage now: collect them once they add up.
    this.collect();
    const ticket = { lastIndex: batch.lastIndex, committed: false };
    this.issued.push(ticket);
    const write = this.write(batch, ticket);
    this.running.add(write);
    void write.finally(() => this.running.delete(write));
  }

  private async write(batch: PendingBatch, ticket: { committed: boolean }): Promise<void> {
    const writer = this.driver.session(this.sessionConfig);
    try {
      const sent = sentNodeBatch(batch);
      const summary = await writer.executeWrite(
        (tx) => tx.run(sent.text, sent.parameters).summary(),
        this.txConfig,
      );
      addCounters(this.counters, summary, batch.statements);
      ticket.committed = true;
      this.checkpoints = this.checkpoints
        .then(() => this.advanceCheckpoint())
        .catch((error: unknown) => {
          this.failure ??= () => (error instanceof Error ? error : new Error(String(error)));
        });
    } catch (error) {
      const which =
        batch.first.index === batch.lastIndex
          ? `statement ${batch.first.index}`
          : `statements ${batch.first.index}-${batch.lastIndex}`;
      this.failure ??= () => this.statementError(which, batch.first, error);
    } finally {
      await writer.close().catch(() => undefined);
    }
  }
}
