/**
 * Opening and always closing PostgreSQL connections. `connect` opens one (with c360's timeouts and
 * application name); `withClient` also ends it in `finally`. A caller that holds a connection for a
 * whole phase (generate's snapshots, load's control connection) calls `connect` and ends it in its
 * own `finally`.
 */
import pg from "pg";
import { defaultTimeouts, type PostgresTarget, type Timeouts } from "../config.js";
import { ControlDbError, type C360Error } from "../errors.js";
import { messageOf } from "../errors.js";

export type PgClient = pg.Client;

export interface ConnectOptions {
  /** Connect, statement and lock timeouts; default: src/config.ts defaultTimeouts. */
  timeouts?: Timeouts;
  /** Shown in pg_stat_activity, so a DBA can tell which connections are c360's. */
  applicationName?: string;
}

/** Builds the error to throw when a target cannot be reached; callers pick the error type. */
export type ConnectErrorFactory = (message: string, cause: unknown) => C360Error;

export function describeTarget(target: PostgresTarget): string {
  return `${target.user}@${target.host}:${target.port}/${target.database}`;
}

/** The error for a control database that cannot be reached: one message and hint everywhere. */
export const controlDbUnreachable: ConnectErrorFactory = (message, cause) =>
  new ControlDbError(message, {
    cause,
    hint: "Check ETL_DB_HOST/ETL_DB_PORT/ETL_DB_USER/ETL_DB_PASSWORD and that PostgreSQL is running.",
  });

export async function connect(
  target: PostgresTarget,
  onError: ConnectErrorFactory,
  options: ConnectOptions = {},
): Promise<PgClient> {
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    password: target.password,
    connectionTimeoutMillis: (options.timeouts ?? defaultTimeouts).connectMs,
    statement_timeout: (options.timeouts ?? defaultTimeouts).statementMs,
    lock_timeout: (options.timeouts ?? defaultTimeouts).lockMs,
    application_name: options.applicationName ?? "c360",
  });
  // An idle connection that breaks emits 'error'; without a listener that would crash the process.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw onError(`cannot connect to PostgreSQL at ${describeTarget(target)}: ${messageOf(error)}`, error);
  }
  return client;
}

/**
 * Makes every failed query on a control-database client a ControlDbError (exit 4), so that a
 * control database that goes away mid-run ends the run with a clear message, not a stack trace.
 * Only for clients that run plain queries (not cursors).
 */
export function controlErrors(client: PgClient): PgClient {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  (client as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = async (
    ...args: unknown[]
  ) => {
    try {
      return await query(...args);
    } catch (error) {
      throw new ControlDbError(`a control-database query failed: ${messageOf(error)}`, {
        cause: error,
        hint: "Check that the control database is running; the run's record may be incomplete.",
      });
    }
  };
  return client;
}

export async function withClient<T>(
  target: PostgresTarget,
  onError: ConnectErrorFactory,
  work: (client: PgClient) => Promise<T>,
  options: ConnectOptions = {},
): Promise<T> {
  const client = await connect(target, onError, options);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs `work` in a transaction; rolls back (only if it began) when `work` throws. */
export async function inTransaction<T>(client: PgClient, work: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    const result = await work();
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** Quotes a PostgreSQL identifier: the only way c360 puts a name into SQL text. */
export function quoteIdent(name: string): string {
  if (name.includes("\0")) throw new Error(`identifier contains a NUL character: ${JSON.stringify(name)}`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** The same server, another database (for CREATE/DROP DATABASE, which need one to stand in). */
export function onDatabase(target: PostgresTarget, database: string): PostgresTarget {
  return { ...target, database };
}

export async function databaseExists(client: PgClient, database: string): Promise<boolean> {
  const result = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
  return result.rowCount === 1;
}
