/**
 * Real PostgreSQL for tests: uniquely named databases per test file, dropped afterwards.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { PostgresTarget } from "../../src/config.js";
import { quoteIdent } from "../../src/postgres/connection.js";

/** The server the tests use: the machine's PostgreSQL unless C360_TEST_PG_* say otherwise. */
export function testServer(database = "postgres"): PostgresTarget {
  return {
    host: process.env.C360_TEST_PG_HOST ?? "127.0.0.1",
    port: Number(process.env.C360_TEST_PG_PORT ?? 5432),
    user: process.env.C360_TEST_PG_USER ?? "postgres",
    password: process.env.C360_TEST_PG_PASSWORD,
    database,
  };
}

/** A database name no other test (or user) has: `c360t_<label>_<random>`. */
export function uniqueName(label: string): string {
  return `c360t_${label}_${randomBytes(4).toString("hex")}`;
}

export async function query<R extends pg.QueryResultRow = Record<string, unknown>>(
  database: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client(testServer(database));
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export async function createDatabase(name: string): Promise<void> {
  await query("postgres", `CREATE DATABASE ${quoteIdent(name)}`);
}

export async function dropDatabases(names: Iterable<string>): Promise<void> {
  for (const name of names) {
    await query("postgres", `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  }
}

export async function databaseNames(prefix: string): Promise<string[]> {
  const rows = await query<{ datname: string }>(
    "postgres",
    "SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname",
    [prefix],
  );
  return rows.map((row) => row.datname);
}

/** The environment a CLI run needs to use `database` as its control database on the test server. */
export function controlDbEnv(database: string): Record<string, string> {
  const server = testServer(database);
  return {
    ETL_DB_HOST: server.host,
    ETL_DB_PORT: String(server.port),
    ETL_DB_USER: server.user,
    ETL_DB_NAME: database,
    ...(server.password === undefined ? {} : { ETL_DB_PASSWORD: server.password }),
  };
}

/** Adds a source row and one label mapping for `table` to an initialised control database. */
export async function registerTable(
  control: string,
  sourceName: string,
  sourceDatabase: string,
  table: string,
  label: string,
): Promise<void> {
  const server = testServer(sourceDatabase);
  await query(
    control,
    "INSERT INTO source_databases (source_name, db_host, db_port, db_name, db_user) VALUES ($1, $2, $3, $4, $5)",
    [sourceName, server.host, server.port, sourceDatabase, server.user],
  );
  await query(control, "INSERT INTO node_label_mappings (table_name, node_label) VALUES ($1, $2)", [
    table,
    label,
  ]);
}
