/**
 * The test run's real Neo4j, started once by test/run-tests.ts and shared by every suite
 * (suites run one at a time, each starting from an empty graph).
 */
import { tmpdir } from "node:os";
import path from "node:path";
import type { Driver } from "neo4j-driver";
import { defaultTimeouts, type Config, type Neo4jTarget, type PostgresTarget } from "../../src/config.js";
import { clearGraph } from "../../src/load/load.js";
import { projectRoot } from "../../src/version.js";
import { createDriver } from "../../src/neo4j/driver.js";

export function testNeo4j(): Neo4jTarget {
  const uri = process.env.C360_TEST_NEO4J_URI;
  if (uri === undefined) {
    throw new Error("C360_TEST_NEO4J_URI is not set: run the tests with `npm test`, which starts Neo4j");
  }
  return { uri, username: "neo4j", password: undefined, database: "neo4j" };
}

/**
 * A configuration for library calls: this control database, the test run's Neo4j, defaults, but
 * every script kept (a test may load a script it wrote several runs before).
 */
export function testConfig(controlDb: PostgresTarget): Config {
  return {
    controlDb,
    neo4j: testNeo4j(),
    timeouts: defaultTimeouts,
    maxDeletePercent: 20,
    keepScripts: 0,
    newColumns: "warn",
    emptyJoinKeys: "missing",
    outputDir: path.join(tmpdir(), "c360-test-scripts"),
    queriesDir: path.join(projectRoot, "queries"),
    logLevel: "silent",
    envFile: undefined,
  };
}

export function testDriver(): Driver {
  return createDriver(testNeo4j());
}

/** Empties the graph, its constraints and its indexes. */
export async function cleanGraph(driver: Driver): Promise<void> {
  await clearGraph(driver, "neo4j");
  const constraints = await driver.executeQuery("SHOW CONSTRAINTS YIELD name RETURN name");
  for (const record of constraints.records) {
    await driver.executeQuery(`DROP CONSTRAINT \`${String(record.get("name")).replaceAll("`", "``")}\``);
  }
  const indexes = await driver.executeQuery(
    "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name",
  );
  for (const record of indexes.records) {
    await driver.executeQuery(`DROP INDEX \`${String(record.get("name")).replaceAll("`", "``")}\``);
  }
}
