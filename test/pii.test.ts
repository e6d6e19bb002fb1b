/**
 * PII rules fail closed: a source that renames an excluded column must not slip it into the graph
 * under its new name. The run is refused before anything is read or written, naming the rule.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { ExitCode } from "../src/errors.js";
import { emptyDir, runCli } from "./helpers/cli.js";
import { query } from "./helpers/postgres.js";
import { useSampleUniverse, graphCounts } from "./helpers/universe.js";

const suite = useSampleUniverse("pii");
const driver = suite.driver;
const universe = () => suite.universe();
const env = () => suite.env();

describe("PII rules", () => {
  it("refuse the run when an excluded column is renamed: exit 3, the rule named, no value anywhere", async () => {
    const first = await runCli(["run", "--output-dir", emptyDir()], { env: env() });
    assert.equal(first.code, 0, first.stderr);
    const before = await graphCounts(driver);
    const profiles = universe().source("profiles_db");
    await query(profiles, "ALTER TABLE accounts RENAME COLUMN hashed_password TO password_hash");
    try {
      for (const args of [["run"], ["run", "--clear"], ["generate"]]) {
        const outputDir = emptyDir();
        const refused = await runCli([...args, "--output-dir", outputDir], { env: env() });
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

describe("an allow-list (node_label_mappings.include_columns)", () => {
  const control = () => universe().controlDb.database;
  const accountKeys = async () => {
    const found = await driver.executeQuery(
      "MATCH (a:Account) UNWIND keys(a) AS k WITH DISTINCT k WHERE NOT k STARTS WITH 'c360_' RETURN k ORDER BY k",
    );
    return found.records.map((r) => r.get("k") as string);
  };

  it("keeps a new column out of the graph until someone adds it", async () => {
    await query(
      control(),
      "UPDATE node_label_mappings SET include_columns = '{email, full_name}' WHERE node_label = 'Account'",
    );
    const profiles = universe().source("profiles_db");
    try {
      const first = await runCli(["run", "--clear", "--output-dir", emptyDir()], { env: env() });
      assert.equal(first.code, 0, first.stderr);
      assert.deepEqual(await accountKeys(), ["account_id", "email", "full_name"]);
      await query(profiles, "ALTER TABLE accounts ADD COLUMN national_id text");
      await query(profiles, "UPDATE accounts SET national_id = 'NI-' || left(account_id::text, 8)");
      const unannounced = await runCli(["run", "--output-dir", emptyDir()], { env: env() });
      assert.equal(unannounced.code, 0, unannounced.stderr);
      assert.deepEqual(await accountKeys(), ["account_id", "email", "full_name"], "the new column stays out");
      await query(
        control(),
        "UPDATE node_label_mappings SET include_columns = '{email, full_name, national_id}' WHERE node_label = 'Account'",
      );
      const added = await runCli(["run", "--output-dir", emptyDir()], { env: env() });
      assert.equal(added.code, 0, added.stderr);
      assert.deepEqual(await accountKeys(), ["account_id", "email", "full_name", "national_id"]);
    } finally {
      await query(profiles, "ALTER TABLE accounts DROP COLUMN IF EXISTS national_id");
      await query(
        control(),
        "UPDATE node_label_mappings SET include_columns = NULL WHERE node_label = 'Account'",
      );
    }
  });

  it("refuses a listed column that does not exist, naming the mapping row", async () => {
    await query(
      control(),
      "UPDATE node_label_mappings SET include_columns = '{email, nickname}' WHERE node_label = 'Account'",
    );
    try {
      const refused = await runCli(["generate", "--output-dir", emptyDir()], { env: env() });
      assert.equal(refused.code, ExitCode.config, refused.stderr);
      assert.match(
        refused.stderr,
        /node_label_mappings row \d+ \(accounts -> Account\): include_columns names nickname, which does not exist in accounts/,
      );
    } finally {
      await query(
        control(),
        "UPDATE node_label_mappings SET include_columns = NULL WHERE node_label = 'Account'",
      );
    }
  });
});
