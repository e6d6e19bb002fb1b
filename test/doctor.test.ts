/**
 * `c360 doctor`: a checklist of what a run needs, exiting 0 only when a run would start, and
 * otherwise with the exit code of the first broken thing, named with how to fix it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ExitCode } from "../src/errors.js";
import { runCli } from "./helpers/cli.js";
import { query } from "./helpers/postgres.js";
import { useSampleUniverse } from "./helpers/universe.js";

const suite = useSampleUniverse("doctor");
const env = () => suite.env();

describe("c360 doctor", () => {
  it("passes every check on a healthy setup", async () => {
    const result = await runCli(["doctor"], { env: env() });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    for (const check of [
      /^✓ configuration: /m,
      /^✓ control database \S+: reachable, schema current$/m,
      /^✓ metadata: 9 label mappings, 7 relationship mappings, 3 sources$/m,
      /^✓ source profiles_db \(.*\): reachable; readable: accounts, plans, payment_methods, subscriptions$/m,
      /^✓ source streaming_db /m,
      /^✓ source support_db /m,
      /^✓ Neo4j \S+ \(database neo4j\): Neo4j Kernel 5\.\d+\.\d+ community; reachable, writable$/m,
      /^all good: a `c360 run` would start$/m,
    ])
      assert.match(result.stdout, check);
  });

  it("names a source that is down, with exit 5", async () => {
    const control = suite.universe().controlDb.database;
    await query(control, "UPDATE source_databases SET db_port = 1 WHERE source_name = 'streaming_db'");
    try {
      const result = await runCli(["doctor"], { env: env() });
      assert.equal(result.code, ExitCode.source, result.stdout + result.stderr);
      assert.match(result.stdout, /^✗ metadata and sources: .*streaming_db.*cannot be reached/m);
      assert.match(result.stdout, /^\s+fix: Check the source_databases rows/m);
      assert.match(result.stdout, /^✓ Neo4j /m, "the other checks still run");
      assert.doesNotMatch(result.stdout, /all good/);
    } finally {
      await query(control, "UPDATE source_databases SET db_port = 5432 WHERE source_name = 'streaming_db'");
    }
  });

  it("names Neo4j when it is down, with exit 6", async () => {
    const result = await runCli(["doctor"], { env: { ...env(), NEO4J_URI: "bolt://127.0.0.1:1" } });
    assert.equal(result.code, ExitCode.target, result.stdout + result.stderr);
    assert.match(result.stdout, /^✗ Neo4j bolt:\/\/127\.0\.0\.1:1 \(database neo4j\): cannot connect/m);
    assert.match(result.stdout, /^\s+fix: Check NEO4J_URI/m);
    assert.match(result.stdout, /^✓ source support_db /m);
  });

  it("names a bad setting first, with exit 3", async () => {
    const result = await runCli(["doctor"], { env: { ...env(), C360_KEEP_SCRIPTS: "-1" } });
    assert.equal(result.code, ExitCode.config, result.stdout + result.stderr);
    assert.match(result.stdout, /^✗ configuration: C360_KEEP_SCRIPTS/m);
  });
});
