/**
 * A private sample universe for a test file: control database and sources with a unique prefix,
 * dropped when the file is done.
 */
import { createReadStream } from "node:fs";
import type { Driver } from "neo4j-driver";
import { executeStatements, type LoadCounters } from "../../src/load/execute.js";
import { splitStatements } from "../../src/script/lexer.js";
import { silentLogger } from "../../src/logger.js";
import { loadSample } from "../../src/sample/load-sample.js";
import type { Config, PostgresTarget } from "../../src/config.js";
import { after, before } from "node:test";
import { cleanGraph, testConfig, testDriver, testNeo4j } from "./neo4j.js";
import {
  controlDbEnv,
  createDatabase,
  databaseNames,
  dropDatabases,
  query,
  registerTable,
  testServer,
  uniqueName,
} from "./postgres.js";
import { initControlDb } from "../../src/control/migrate.js";

export interface TestUniverse {
  prefix: string;
  controlDb: PostgresTarget;
  source(name: "profiles_db" | "streaming_db" | "support_db"): string;
  drop(): Promise<void>;
}

export async function createSampleUniverse(label: string): Promise<TestUniverse> {
  const prefix = `${uniqueName(label)}_`;
  const controlDb = testServer(`${prefix}etl_control_db`);
  await loadSample({ controlDb, databasePrefix: prefix, logger: silentLogger() });
  return {
    prefix,
    controlDb,
    source: (name) => `${prefix}${name}`,
    drop: async () => dropDatabases(await databaseNames(prefix)),
  };
}

/**
 * Runs a script file against Neo4j the way `c360 load` does (parameterized batches), or, with
 * `literal`, exactly as written, statement by statement (as cypher-shell would).
 */
export async function runScript(driver: Driver, file: string, literal = false): Promise<LoadCounters> {
  return executeStatements(driver, splitStatements(createReadStream(file)), { database: "neo4j", literal });
}

/** Node counts per label and relationship counts per type. */
export async function graphCounts(driver: Driver): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const nodes = await driver.executeQuery(
    "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY label",
  );
  for (const record of nodes.records) counts[`:${String(record.get("label"))}`] = Number(record.get("n"));
  const relationships = await driver.executeQuery(
    "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type",
  );
  for (const record of relationships.records)
    counts[`[:${String(record.get("type"))}]`] = Number(record.get("n"));
  return counts;
}

async function count(database: string, sql: string): Promise<number> {
  const rows = await query<{ n: string }>(database, sql);
  return Number(rows[0]?.n);
}

/**
 * What the sample universe's graph must hold, computed from the sources with SQL (and, for the
 * two cross-database joins, by joining the two sides' rows here).
 */
export async function expectedGraphCounts(universe: TestUniverse): Promise<Record<string, number>> {
  const profiles = universe.source("profiles_db");
  const streaming = universe.source("streaming_db");
  const support = universe.source("support_db");
  const accountIds = new Set(
    (await query<{ id: string }>(profiles, "SELECT account_id::text AS id FROM accounts")).map((r) => r.id),
  );
  const emails = new Set(
    (await query<{ email: string }>(profiles, "SELECT email FROM accounts")).map((r) => r.email),
  );
  const tokens = await query<{ id: string }>(
    streaming,
    "SELECT account_id_from_token::text AS id FROM play_events",
  );
  const ticketEmails = await query<{ email: string }>(support, "SELECT customer_email AS email FROM tickets");
  return {
    ":Account": await count(profiles, "SELECT count(*) AS n FROM accounts"),
    ":Plan": await count(profiles, "SELECT count(*) AS n FROM plans"),
    ":PaymentMethod": await count(profiles, "SELECT count(*) AS n FROM payment_methods"),
    ":Subscription": await count(profiles, "SELECT count(*) AS n FROM subscriptions"),
    ":Media": await count(streaming, "SELECT count(*) AS n FROM media_content"),
    ":PlayEvent": await count(streaming, "SELECT count(*) AS n FROM play_events"),
    ":Ticket": await count(support, "SELECT count(*) AS n FROM tickets"),
    ":Tag": await count(support, "SELECT count(*) AS n FROM ticket_tags"),
    ":TicketTagLink": await count(support, "SELECT count(*) AS n FROM ticket_tag_link"),
    "[:HAS_PAYMENT_METHOD]": await count(
      profiles,
      "SELECT count(*) AS n FROM payment_methods JOIN accounts USING (account_id)",
    ),
    "[:HAS_SUBSCRIPTION]": await count(
      profiles,
      "SELECT count(*) AS n FROM subscriptions JOIN accounts USING (account_id)",
    ),
    "[:SUBSCRIBED_TO]": await count(
      profiles,
      "SELECT count(*) AS n FROM subscriptions JOIN plans USING (plan_id)",
    ),
    "[:PLAYED]": await count(
      streaming,
      "SELECT count(*) AS n FROM play_events JOIN media_content USING (media_id)",
    ),
    "[:TAGGED_WITH]": await count(
      support,
      "SELECT count(DISTINCT (ticket_id, tag_id)) AS n FROM ticket_tag_link JOIN tickets USING (ticket_id) JOIN ticket_tags USING (tag_id)",
    ),
    // An empty e-mail joins nothing (C360_EMPTY_JOIN_KEYS=missing, the default).
    "[:SUBMITTED]": ticketEmails.filter((t) => t.email !== "" && emails.has(t.email)).length,
    "[:WATCHED]": tokens.filter((t) => accountIds.has(t.id)).length,
  };
}

/** Every node with its labels and properties, and every relationship by its ends' keys: comparable text. */
export async function graphSnapshot(driver: Driver): Promise<string> {
  const replacer = (_key: string, value: unknown) => (typeof value === "bigint" ? `${value}n` : value);
  const nodes = await driver.executeQuery("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props");
  const relationships = await driver.executeQuery(
    "MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(a) AS a, properties(b) AS b",
  );
  return [
    ...nodes.records.map((r) =>
      JSON.stringify([r.get("labels"), sortKeys(r.get("props") as object)], replacer),
    ),
    ...relationships.records.map((r) =>
      JSON.stringify(
        [r.get("type"), sortKeys(r.get("a") as object), sortKeys(r.get("b") as object)],
        replacer,
      ),
    ),
  ]
    .sort()
    .join("\n");
}

function sortKeys(value: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => [k, v !== null && typeof v === "object" && !Array.isArray(v) ? String(v) : v]),
  );
}

/** What a test file that drives the CLI against its own sample universe needs. */
export interface SampleSuite {
  driver: Driver;
  universe(): TestUniverse;
  /** The CLI's environment: the universe's control database and the test run's Neo4j. */
  env(): Record<string, string>;
}

/**
 * Registers the file's hooks: a sample universe and an empty graph before its tests, both gone
 * after them.
 */
export function useSampleUniverse(label: string): SampleSuite {
  const driver = testDriver();
  let universe: TestUniverse | undefined;
  before(async () => {
    universe = await createSampleUniverse(label);
    await cleanGraph(driver);
  });
  after(async () => {
    await cleanGraph(driver);
    await driver.close();
    await universe?.drop();
  });
  const current = () => {
    if (universe === undefined) throw new Error("the sample universe is created in a before hook");
    return universe;
  };
  return {
    driver,
    universe: current,
    env: () => ({ ...controlDbEnv(current().controlDb.database), NEO4J_URI: testNeo4j().uri }),
  };
}

/** What a test file about one mapped table needs: its databases, the driver, a library config. */
export interface OneTableSuite {
  driver: Driver;
  control: string;
  source: string;
  config(): Config;
}

/**
 * Registers the file's hooks: a source database that `seed` fills, a control database mapping
 * its `table` to `label`, and an empty graph before the tests; all of it gone after them.
 */
export function useOneTable(options: {
  name: string;
  table: string;
  label: string;
  seed: (source: string) => Promise<void>;
}): OneTableSuite {
  const driver = testDriver();
  const control = uniqueName(`${options.name}_control`);
  const source = uniqueName(`${options.name}_source`);
  before(async () => {
    await createDatabase(source);
    await options.seed(source);
    await initControlDb(testServer(control), silentLogger());
    await registerTable(control, `${options.table}_db`, source, options.table, options.label);
    await cleanGraph(driver);
  });
  after(async () => {
    await cleanGraph(driver);
    await driver.close();
    await dropDatabases([control, source]);
  });
  return { driver, control, source, config: () => testConfig(testServer(control)) };
}
