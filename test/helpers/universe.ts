/**
 * A private sample universe for a test file: control database and sources with a unique prefix,
 * dropped when the file is done.
 */
import { createReadStream } from "node:fs";
import type { Driver } from "neo4j-driver";
import { executeStatements, type LoadCounters } from "../../src/load/execute.js";
import { splitStatements } from "../../src/load/splitter.js";
import { silentLogger } from "../../src/logger.js";
import { loadSample } from "../../src/sample/load-sample.js";
import type { PostgresTarget } from "../../src/config.js";
import { databaseNames, dropDatabases, testServer, uniqueName } from "./postgres.js";

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
