/**
 * Schema drift is caught before it reshapes the graph: a new column follows C360_NEW_COLUMNS
 * (warn, block, refuse), a dropped one is named, and a changed key refuses the run until it is
 * accepted for one rebuild. Every change is recorded in c360_schema_drift.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ExitCode } from "../src/errors.js";
import { emptyDir, runCli } from "./helpers/cli.js";
import { query } from "./helpers/postgres.js";
import { useSampleUniverse, expectedGraphCounts, graphCounts } from "./helpers/universe.js";

const suite = useSampleUniverse("drift");
const driver = suite.driver;
const universe = () => suite.universe();
const env = () => suite.env();

const run = (args: string[] = [], policy = "warn") =>
  runCli(["run", ...args, "--output-dir", emptyDir()], { env: { ...env(), C360_NEW_COLUMNS: policy } });

async function nationalIds(): Promise<number> {
  const found = await driver.executeQuery(
    "MATCH (a:Account) WHERE a.national_id IS NOT NULL RETURN count(a) AS n",
  );
  return Number(found.records[0]?.get("n"));
}

async function driftRows(): Promise<string[]> {
  const rows = await query<{ change: string; column_name: string | null; outcome: string }>(
    universe().controlDb.database,
    "SELECT change, column_name, outcome FROM c360_schema_drift ORDER BY drift_id",
  );
  return rows.map((r) => `${r.change} ${r.column_name ?? "-"} ${r.outcome}`);
}

describe("schema drift", () => {
  it("a new column: refused, blocked or loaded as C360_NEW_COLUMNS says, and recorded each time", async () => {
    const first = await run();
    assert.equal(first.code, 0, first.stderr);
    const profiles = universe().source("profiles_db");
    await query(profiles, "ALTER TABLE accounts ADD COLUMN national_id text");
    await query(profiles, "UPDATE accounts SET national_id = 'NI-' || left(account_id::text, 8)");

    const preview = await runCli(["generate", "--dry-run"], { env: env() });
    assert.equal(preview.code, 0, preview.stderr);
    assert.match(
      preview.stdout,
      /schema drift since the last run:\n {2}profiles_db\.accounts\.national_id \(text\) is a new column/,
    );

    const refused = await run([], "refuse");
    assert.equal(refused.code, ExitCode.config, refused.stderr);
    assert.match(
      refused.stderr,
      /profiles_db\.accounts\.national_id \(text\) is a new column \(C360_NEW_COLUMNS=refuse\)/,
    );

    const blocked = await run([], "block");
    assert.equal(blocked.code, 0, blocked.stderr);
    assert.match(blocked.stderr, /schema drift: profiles_db\.accounts\.national_id \(text\) is a new column/);
    assert.equal(await nationalIds(), 0, "blocked: left out of the graph");

    const blockedAgain = await run([], "block");
    assert.equal(blockedAgain.code, 0, blockedAgain.stderr);
    assert.equal(await nationalIds(), 0, "still new, still left out");

    const warned = await run([], "warn");
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /schema drift: profiles_db\.accounts\.national_id \(text\) is a new column/);
    assert.equal(await nationalIds(), 40, "warn: loaded, and named");

    const quiet = await run([], "warn");
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.doesNotMatch(quiet.stderr, /schema drift/, "known from now on");

    await query(profiles, "ALTER TABLE accounts DROP COLUMN national_id");
    const dropped = await run();
    assert.equal(dropped.code, 0, dropped.stderr);
    assert.match(dropped.stderr, /schema drift: profiles_db\.accounts\.national_id \(text\) is gone/);
    assert.equal(await nationalIds(), 0, "the sync removed the property");
    assert.deepEqual(await driftRows(), [
      "added national_id refused",
      "added national_id blocked",
      "added national_id blocked",
      "added national_id loaded",
      "dropped national_id noted",
    ]);
  });

  it("a changed key type refuses the run; accepted with --clear, the label is rebuilt, not doubled", async () => {
    const support = universe().source("support_db");
    const before = await graphCounts(driver);
    await query(support, "ALTER TABLE ticket_tag_link DROP CONSTRAINT IF EXISTS ticket_tag_link_tag_id_fkey");
    await query(support, "ALTER TABLE ticket_tags ALTER COLUMN tag_id DROP DEFAULT");
    await query(support, "ALTER TABLE ticket_tags ALTER COLUMN tag_id TYPE text");
    await query(support, "ALTER TABLE ticket_tag_link ALTER COLUMN tag_id TYPE text");

    const refused = await run();
    assert.equal(refused.code, ExitCode.config, refused.stderr);
    assert.match(
      refused.stderr,
      /the key of :Tag \(support_db\.ticket_tags\) changed from \(tag_id int4\) to \(tag_id text\): every node of the label would be duplicated or orphaned/,
    );
    const syncAccepted = await run(["--accept-drift"]);
    assert.equal(syncAccepted.code, ExitCode.config, syncAccepted.stderr);
    assert.match(
      syncAccepted.stderr,
      /a sync cannot match nodes keyed the old way; rebuild with `c360 run --clear --accept-drift`/,
    );
    assert.deepEqual(await graphCounts(driver), before, "refused runs leave the graph as it was");

    const rebuilt = await run(["--clear", "--accept-drift"]);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    const counts = await graphCounts(driver);
    assert.equal(counts[":Tag"], 8, "8 rows, 8 nodes");
    assert.deepEqual(
      counts,
      Object.fromEntries(Object.entries(await expectedGraphCounts(universe())).filter(([, n]) => n > 0)),
    );
    const next = await run();
    assert.equal(next.code, 0, next.stderr);
    assert.doesNotMatch(next.stderr, /schema drift/, "the new key is the snapshot now");
  });
});
