/**
 * The practical limit: `neo4j-admin database import full` (the offline bulk importer that ships
 * with the Neo4j artifacts) of the same data, exported from PostgreSQL as CSV. Timed as export plus
 * import; the importer writes a store that a fresh engine then opens, and the bench checks its counts.
 */
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import type { PostgresTarget } from "../src/config.js";
import { silentLogger } from "../src/logger.js";
import { runAdmin } from "../src/neo4j-local/admin.js";
import { SourceError } from "../src/errors.js";
import { quoteIdent, withClient } from "../src/postgres/connection.js";
import { exportedColumns, tables, type TableSpec } from "./baselines.js";

type Database = TableSpec["database"];

/** The key each label is referenced by in relationship files: its ID space. */
const idColumns: Record<string, string> = {
  Account: "account_id",
  Plan: "plan_id",
  PaymentMethod: "payment_method_id",
  Subscription: "subscription_id",
  Media: "media_id",
  PlayEvent: "event_id",
  Ticket: "ticket_id",
  Tag: "tag_id",
};

/** Relationships that live inside one source: (database, type, SQL yielding start id, end id). */
const localRelationships: Array<[Database, string, string, string, string]> = [
  [
    "profiles_db",
    "HAS_PAYMENT_METHOD",
    "Account",
    "PaymentMethod",
    'SELECT "account_id", "payment_method_id" FROM "payment_methods" WHERE "account_id" IS NOT NULL',
  ],
  [
    "profiles_db",
    "HAS_SUBSCRIPTION",
    "Account",
    "Subscription",
    'SELECT "account_id", "subscription_id" FROM "subscriptions" WHERE "account_id" IS NOT NULL',
  ],
  [
    "profiles_db",
    "SUBSCRIBED_TO",
    "Subscription",
    "Plan",
    'SELECT "subscription_id", "plan_id" FROM "subscriptions" WHERE "plan_id" IS NOT NULL',
  ],
  [
    "streaming_db",
    "PLAYED",
    "PlayEvent",
    "Media",
    'SELECT "event_id", "media_id" FROM "play_events" WHERE "media_id" IS NOT NULL',
  ],
  [
    "streaming_db",
    "WATCHED",
    "Account",
    "PlayEvent",
    'SELECT "account_id_from_token", "event_id" FROM "play_events"',
  ],
  ["support_db", "TAGGED_WITH", "Ticket", "Tag", 'SELECT "ticket_id", "tag_id" FROM "ticket_tag_link"'],
];

/** PostgreSQL column type to the importer's header type, and the SELECT expression that feeds it. */
function column(name: string, dataType: string, idSpace: string | undefined): [string, string] {
  const q = quoteIdent(name);
  const header = (type: string) => (idSpace !== undefined ? `${name}:ID(${idSpace})` : `${name}:${type}`);
  switch (dataType) {
    case "smallint":
    case "integer":
      return [header("int"), q];
    case "bigint":
      return [header("long"), q];
    case "numeric":
    case "real":
    case "double precision":
      return [header("double"), `${q}::float8`];
    case "boolean":
      return [header("boolean"), q];
    case "date":
      return [header("date"), q];
    case "timestamp with time zone":
      return [header("datetime"), `to_char(${q} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`];
    case "timestamp without time zone":
      return [header("localdatetime"), `to_char(${q}, 'YYYY-MM-DD"T"HH24:MI:SS.US')`];
    case "inet":
      return [header("string"), `host(${q})`];
    default:
      return [header("string"), `${q}::text`];
  }
}

async function copyOut(client: pg.Client, sql: string, header: string, file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${header}\n`);
  await pipeline(client.query(copyTo(`COPY (${sql}) TO STDOUT WITH (FORMAT csv)`)), out);
}

/** One connection to a source for `work`, closed however it ends (src/postgres's own helper). */
function withSource<T>(target: PostgresTarget, work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withClient(target, (message, cause) => new SourceError(message, { cause }), work);
}

/** Exports every node and relationship file; returns the importer's --nodes/--relationships flags. */
export async function exportCsv(source: (db: Database) => PostgresTarget, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const flags: string[] = [];
  for (const spec of tables) {
    await withSource(source(spec.database), async (client) => {
      const selected = (await exportedColumns(client, spec)).map((c) =>
        column(c.column_name, c.data_type, idColumns[spec.label] === c.column_name ? spec.label : undefined),
      );
      const file = path.join(dir, `${spec.label}.csv`);
      await copyOut(
        client,
        `SELECT ${selected.map(([, expression]) => expression).join(", ")} FROM ${quoteIdent(spec.table)}`,
        selected.map(([header]) => header).join(","),
        file,
      );
      flags.push(`--nodes=${spec.label}=${file}`);
    });
  }
  for (const [database, type, from, to, sql] of localRelationships) {
    const file = path.join(dir, `${type}.csv`);
    await withSource(source(database), (client) =>
      copyOut(client, sql, `:START_ID(${from}),:END_ID(${to})`, file),
    );
    flags.push(`--relationships=${type}=${file}`);
  }
  // Across sources (accounts by e-mail to tickets) the exporter joins, as any CSV pipeline must.
  const byEmail = new Map<string, string[]>();
  await withSource(source("profiles_db"), async (client) => {
    const accounts = await client.query<{ account_id: string; email: string }>(
      'SELECT "account_id"::text, "email" FROM "accounts" WHERE "email" IS NOT NULL',
    );
    for (const { account_id, email } of accounts.rows)
      byEmail.set(email, [...(byEmail.get(email) ?? []), account_id]);
  });
  const submitted = path.join(dir, "SUBMITTED.csv");
  await withSource(source("support_db"), async (client) => {
    const tickets = await client.query<{ ticket_id: string; customer_email: string }>(
      'SELECT "ticket_id"::text, "customer_email" FROM "tickets" WHERE "customer_email" IS NOT NULL',
    );
    function* lines(): Generator<string> {
      yield ":START_ID(Account),:END_ID(Ticket)\n";
      for (const { ticket_id, customer_email } of tickets.rows)
        for (const account of byEmail.get(customer_email) ?? []) yield `${account},${ticket_id}\n`;
    }
    // pipeline: backpressure, and a write error rejects instead of being lost.
    await pipeline(Readable.from(lines()), createWriteStream(submitted));
  });
  flags.push(`--relationships=SUBMITTED=${submitted}`);
  return flags;
}

/** Runs the bulk importer into `home` (which must hold no running engine). */
export async function adminImport(home: string, flags: string[], heap: string): Promise<string> {
  const run = await runAdmin(
    home,
    heap,
    [
      "database",
      "import",
      "full",
      ...flags,
      "--skip-bad-relationships=true",
      "--overwrite-destination=true",
      `--report-file=${path.join(home, "import.report")}`,
      "neo4j",
    ],
    silentLogger(),
  );
  if (run.code !== 0)
    throw new Error(`neo4j-admin database import failed (${run.code}):\n${run.output.slice(-3000)}`);
  return run.output;
}
