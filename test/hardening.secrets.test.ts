import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { ExitCode } from "../src/errors.js";
import { emptyDir, runCli, type CliResult } from "./helpers/cli.js";
import { testNeo4j } from "./helpers/neo4j.js";
import { controlDbEnv, query } from "./helpers/postgres.js";
import { createSampleUniverse, type TestUniverse } from "./helpers/universe.js";

/**
 * Known passwords for every place c360 takes one from. The local PostgreSQL trusts loopback and
 * the local Neo4j runs without authentication, so the values flow through c360 exactly as real
 * ones would, without locking anyone out.
 */
const secrets = {
  control: "control-pw-K3v9xQ",
  neo4j: "neo4j-pw-M5p2wR",
  sourceFromEnv: "env-source-pw-Z7t4yU",
  sourceInTable: "table-source-pw-Q9s8eT",
};

let universe: TestUniverse;
const outputDir = emptyDir();
const outputs: CliResult[] = [];

function env(): Record<string, string> {
  return {
    ...controlDbEnv(universe.controlDb.database),
    ETL_DB_PASSWORD: secrets.control,
    NEO4J_URI: testNeo4j().uri,
    NEO4J_PASSWORD: secrets.neo4j,
    C360_TEST_PROFILES_PASSWORD: secrets.sourceFromEnv,
    C360_LOG_LEVEL: "trace",
  };
}

async function cli(args: string[]): Promise<CliResult> {
  const result = await runCli(args, { env: env(), timeoutMs: 300_000 });
  outputs.push(result);
  return result;
}

before(async () => {
  universe = await createSampleUniverse("secrets");
  const control = universe.controlDb.database;
  await query(
    control,
    "UPDATE source_databases SET db_password_env = 'C360_TEST_PROFILES_PASSWORD' WHERE source_name = 'profiles_db'",
  );
  await query(control, "UPDATE source_databases SET db_password = $1 WHERE source_name <> 'profiles_db'", [
    secrets.sourceInTable,
  ]);
});

after(() => universe.drop());

describe("no password appears anywhere c360 writes", () => {
  it("runs the whole pipeline, a dry run, a failure and every help page with known passwords", async () => {
    assert.equal((await cli(["run", "--clear", "--output-dir", outputDir])).code, 0);
    assert.equal((await cli(["generate", "--dry-run"])).code, 0);
    assert.equal((await cli(["query", "1"])).code, 0);
    const script = readdirSync(outputDir).find((f) => f.endsWith(".cypher")) ?? "";
    assert.equal((await cli(["load", path.join(outputDir, script)])).code, 0);
    for (const command of ["", "run", "generate", "load", "query", "init", "sample load", "neo4j", "demo"]) {
      assert.equal((await cli([...command.split(" ").filter(Boolean), "--help"])).code, 0);
    }
    // Failures print the most context: an unreachable source and an unreachable Neo4j.
    await query(
      universe.controlDb.database,
      "UPDATE source_databases SET db_port = 1 WHERE source_name = 'support_db'",
    );
    assert.equal((await cli(["run"])).code, ExitCode.source);
    await query(
      universe.controlDb.database,
      "UPDATE source_databases SET db_port = 5432 WHERE source_name = 'support_db'",
    );
    const badNeo4j = await runCli(["load", path.join(outputDir, script)], {
      env: { ...env(), NEO4J_URI: "bolt://127.0.0.1:1" },
    });
    outputs.push(badNeo4j);
    assert.equal(badNeo4j.code, ExitCode.target);
  });

  it("finds none of them in stdout, stderr (logs at trace level), the scripts or the run records", async () => {
    const places: Array<[string, string]> = outputs.map((o, i) => [
      `command ${i} output`,
      o.stdout + o.stderr,
    ]);
    for (const file of readdirSync(outputDir))
      places.push([file, readFileSync(path.join(outputDir, file), "utf8")]);
    for (const table of ["etl_run_logs", "etl_table_logs", "cypher_scripts"]) {
      const rows = await query(universe.controlDb.database, `SELECT * FROM "${table}"`);
      assert.ok(rows.length > 0, `${table} has rows to search`);
      places.push([table, JSON.stringify(rows)]);
    }
    for (const [where, text] of places) {
      for (const [name, secret] of Object.entries(secrets)) {
        assert.ok(!text.includes(secret), `the ${name} password appears in ${where}`);
      }
    }
    assert.ok(
      places.some(([, text]) => text.includes("cannot be reached")),
      "the failure's message was searched too",
    );
  });
});
