/**
 * Executes a script's statements against Neo4j in order, consuming every result so that an
 * error is reported against the statement that caused it.
 *
 * - c360's node statements are sent as parameterized `UNWIND $rows` batches (src/load/batches.ts),
 *   consecutive statements for the same label sharing one transaction of up to
 *   `rowsPerTransaction` rows, through `executeWrite`, which retries transient errors itself.
 * - Statements that need an implicit transaction (`CALL { } IN TRANSACTIONS`) run in
 *   auto-commit; they are idempotent (MERGE), so a transient error is retried here.
 * - Everything else runs as written, in a managed (retried) transaction.
 *
 * After each commit, `onCommit` learns the index of the last statement that is now complete: the
 * checkpoint a resumed load starts after.
 */
import neo4j, { type Driver, type Session } from "neo4j-driver";
import type { ResultSummary } from "neo4j-driver";
import { TargetError, messageOf } from "../errors.js";
import { parseNodeBatch, type Row } from "./batches.js";
import type { Statement } from "./splitter.js";

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

export function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "" && !l.trim().startsWith("//")) ?? "";
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

export interface ExecuteOptions {
  database: string;
  /** Skip statements up to and including this index (a resumed load). */
  startAfter?: number;
  rowsPerTransaction?: number;
  /** Limit for each managed transaction (not for auto-commit IN TRANSACTIONS statements); 0: none. */
  transactionTimeoutMs?: number;
  /** Run every statement exactly as written (no parameterized batches). */
  literal?: boolean;
  onCommit?: (lastCompleteStatement: number, counters: LoadCounters) => void | Promise<void>;
  /** Checked between transactions: a stop request ends the load at a safe point. */
  shouldStop?: () => boolean;
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

interface PendingBatch {
  tail: string;
  rows: Row[];
  first: Statement;
  lastIndex: number;
  statements: number;
}

const autoCommitPattern = /\bIN\s+TRANSACTIONS\b/i;
const maxAutoCommitAttempts = 4;

function addCounters(counters: LoadCounters, summary: ResultSummary, statements: number): void {
  const updates = summary.counters.updates();
  counters.statements += statements;
  counters.nodesCreated += updates.nodesCreated;
  counters.nodesDeleted += updates.nodesDeleted;
  counters.relationshipsCreated += updates.relationshipsCreated;
  counters.relationshipsDeleted += updates.relationshipsDeleted;
  counters.propertiesSet += updates.propertiesSet;
}

async function runAutoCommit(session: Session, text: string): Promise<ResultSummary> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await session.run(text).summary();
    } catch (error) {
      if (attempt >= maxAutoCommitAttempts || !neo4j.isRetriableError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    }
  }
}

export async function executeStatements(
  driver: Driver,
  statements: AsyncIterable<Statement> | Iterable<Statement>,
  options: ExecuteOptions,
): Promise<LoadCounters> {
  const counters = emptyCounters();
  const rowsPerTransaction = options.rowsPerTransaction ?? 10_000;
  const startAfter = options.startAfter ?? 0;
  let lastComplete = startAfter;
  let pending: PendingBatch | undefined;
  const session = driver.session({ database: options.database, defaultAccessMode: neo4j.session.WRITE });
  const txConfig =
    options.transactionTimeoutMs !== undefined && options.transactionTimeoutMs > 0
      ? { timeout: options.transactionTimeoutMs }
      : undefined;

  const fail = (what: string, line: number, text: string, error: unknown): never => {
    const code = (error as { code?: string }).code;
    throw new StatementError(
      `${what} (line ${line}: ${firstLine(text)}) failed${code === undefined ? "" : ` [${code}]`}: ${messageOf(error)}`,
      lastComplete,
      counters,
      code,
      error,
    );
  };

  const committed = async (index: number) => {
    lastComplete = index;
    await options.onCommit?.(index, counters);
    if (options.shouldStop?.() === true) throw new StopRequested(lastComplete, counters);
  };

  const flush = async () => {
    if (pending === undefined) return;
    const batch = pending;
    pending = undefined;
    let summary: ResultSummary | undefined;
    try {
      summary = await session.executeWrite(
        (tx) => tx.run(`UNWIND $rows AS row\n${batch.tail}`, { rows: batch.rows }).summary(),
        txConfig,
      );
    } catch (error) {
      const which =
        batch.first.index === batch.lastIndex
          ? `statement ${batch.first.index}`
          : `statements ${batch.first.index}-${batch.lastIndex}`;
      fail(which, batch.first.line, batch.first.text, error);
    }
    addCounters(counters, summary as ResultSummary, batch.statements);
    await committed(batch.lastIndex);
  };

  try {
    for await (const statement of statements) {
      if (statement.index <= startAfter) continue;
      const batch = options.literal === true ? undefined : parseNodeBatch(statement.text);
      if (batch !== undefined) {
        if (pending !== undefined && pending.tail !== batch.tail) await flush();
        if (pending === undefined) {
          pending = {
            tail: batch.tail,
            rows: [],
            first: statement,
            lastIndex: statement.index,
            statements: 0,
          };
        }
        for (const row of batch.rows) pending.rows.push(row);
        pending.lastIndex = statement.index;
        pending.statements++;
        if (pending.rows.length >= rowsPerTransaction) await flush();
        continue;
      }
      await flush();
      let summary: ResultSummary | undefined;
      try {
        summary = autoCommitPattern.test(statement.text)
          ? await runAutoCommit(session, statement.text)
          : await session.executeWrite((tx) => tx.run(statement.text).summary(), txConfig);
      } catch (error) {
        fail(`statement ${statement.index}`, statement.line, statement.text, error);
      }
      addCounters(counters, summary as ResultSummary, 1);
      await committed(statement.index);
    }
    await flush();
  } finally {
    await session.close().catch(() => undefined);
  }
  return counters;
}
