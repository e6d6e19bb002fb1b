/**
 * PII rules fail closed: a source that renames an excluded column must not slip it into the graph
 * under its new name. The run is refused before anything is read or written, naming the rule.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { ExitCode } from "../src/errors.js";
import { emptyDir, runCli } from "./helpers/cli.js";
import { cleanGraph, testDriver, testNeo4j } from "./helpers/neo4j.js";
import { controlDbEnv, query } from "./helpers/postgres.js";
import { createSampleUniverse, graphCounts, type TestUniverse } from "./helpers/universe.js";

const driver = testDriver();
let universe: TestUniverse;
let env: Record<string, string>;

before(async () => {
  universe = await createSampleUniverse("pii");
  env = { ...controlDbEnv(universe.controlDb.database), NEO4J_URI: testNeo4j().uri };
  await cleanGraph(driver);
});

after(async () => {
  await cleanGraph(driver);
  await driver.close();
  await universe.drop();
});

describe("PII rules", () => {
  it("refuse the run when an excluded column is renamed: exit 3, the rule named, no value anywhere", async () => {
    const first = await runCli(["run", "--output-dir", emptyDir()], { env });
    assert.equal(first.code, 0, first.stderr);
    const before = await graphCounts(driver);
    const profiles = universe.source("profiles_db");
    await query(profiles, "ALTER TABLE accounts RENAME COLUMN hashed_password TO password_hash");
    try {
      for (const args of [["run"], ["run", "--clear"], ["generate"]]) {
        const outputDir = emptyDir();
        const refused = await runCli([...args, "--output-dir", outputDir], { env });
        assert.equal(refused.code, ExitCode.config, `${args.join(" ")}: ${refused.stderr}`);
        assert.match(
          refused.stderr,
          /field_exclusion_rules row \d+: profiles_db\.accounts\.hashed_password does not exist, so the rule protects nothing; if the column was renamed, point the rule at its new name/,
        );
        assert.deepEqual(readdirSync(outputDir), [], "no script, not even a partial one");
      }
      const leaked = await driver.executeQuery(
        "MATCH (n) WHERE n.password_hash IS NOT NULL OR n.hashed_password IS NOT NULL RETURN count(n) AS n",
      );
      assert.equal(Number(leaked.records[0]?.get("n")), 0);
      assert.deepEqual(await graphCounts(driver), before, "the graph is untouched");
    } finally {
      await query(profiles, "ALTER TABLE accounts RENAME COLUMN password_hash TO hashed_password");
    }
  });
});
