/**
 * Relationship sanity: a mapping that yields no pair at all is a warning naming its type, and the
 * load records the type with 0 created. A replayed full script that creates nothing new (its pairs
 * are already there) is not mistaken for one. Empty strings in join columns are counted, reported
 * and, by default, joined as nothing (C360_EMPTY_JOIN_KEYS).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { emptyDir, logLines, runCli } from "./helpers/cli.js";
import { query } from "./helpers/postgres.js";
import { expectedGraphCounts, graphCounts, useSampleUniverse } from "./helpers/universe.js";

const suite = useSampleUniverse("pairs");
const universe = () => suite.universe();
const env = () => suite.env();

const emptyTypes = (stderr: string) =>
  logLines(stderr)
    .filter((line) => /matched no pairs/.test(String(line.msg)))
    .map((line) => line.relationshipType);

const emptyKeyWarnings = (stderr: string) =>
  logLines(stderr)
    .filter((line) => /rows have an empty string in this join column/.test(String(line.msg)))
    .map((line) => `${String(line.table)}.${String(line.column)}: ${String(line.rows)}`)
    .sort();

describe("relationship sanity", () => {
  it("counts empty join keys, joins them as nothing by default, and as values when told", async () => {
    const profiles = universe().source("profiles_db");
    const support = universe().source("support_db");
    // accounts.email is unique: one account without an address, and three tickets without one.
    const [account] = await query<{ id: string }>(
      profiles,
      "UPDATE accounts SET email = '' WHERE account_id = (SELECT account_id FROM accounts ORDER BY account_id LIMIT 1) RETURNING account_id::text AS id",
    );
    await query(
      support,
      "UPDATE tickets SET customer_email = '' WHERE ticket_id IN (SELECT ticket_id FROM tickets ORDER BY ticket_id LIMIT 3)",
    );
    const submitted = async () => {
      const result = await suite.driver.executeQuery(
        "MATCH (a:Account {account_id: $id}) OPTIONAL MATCH (a)-[r:SUBMITTED]->() RETURN a.email AS email, count(r) AS n",
        { id: account?.id },
      );
      const record = result.records[0];
      return { email: record?.get("email") as unknown, relationships: Number(record?.get("n")) };
    };
    const recorded = async () =>
      (
        await query<{ table_name: string; empty_join_keys: number }>(
          universe().controlDb.database,
          `SELECT table_name, empty_join_keys FROM etl_table_logs
           WHERE log_id = (SELECT max(log_id) FROM etl_table_logs) AND empty_join_keys > 0 ORDER BY table_name`,
        )
      ).map((row) => `${row.table_name}: ${row.empty_join_keys}`);

    const full = await runCli(["run", "--clear", "--output-dir", emptyDir()], { env: env() });
    assert.equal(full.code, 0, full.stderr);
    assert.deepEqual(emptyKeyWarnings(full.stderr), ["accounts.email: 1", "tickets.customer_email: 3"]);
    assert.match(full.stderr, /loaded as a missing property, so they join nothing/);
    assert.deepEqual(await submitted(), { email: null, relationships: 0 }, "an empty e-mail is no identity");
    assert.deepEqual(await recorded(), ["accounts: 1", "tickets: 3"]);
    const tickets = await suite.driver.executeQuery(
      "MATCH (t:Ticket) WHERE t.customer_email IS NULL RETURN count(t) AS n",
    );
    assert.equal(Number(tickets.records[0]?.get("n")), 3);

    // An empty join string hashes as NULL under the default: a plain sync after switching the
    // setting rewrites exactly the nodes that hold one, and joins them.
    const asValues = await runCli(["run", "--output-dir", emptyDir()], {
      env: { ...env(), C360_EMPTY_JOIN_KEYS: "value" },
    });
    assert.equal(asValues.code, 0, asValues.stderr);
    assert.match(asValues.stderr, /joined as a value: each matches every other empty one/);
    assert.match(
      asValues.stdout,
      /^:Account: 0 created, 1 updated, 0 deleted$/m,
      "only the rows holding one",
    );
    assert.match(asValues.stdout, /^:Ticket: 0 created, 3 updated, 0 deleted$/m);
    assert.deepEqual(await submitted(), { email: "", relationships: 3 });

    // Back to the default: the six fanned-out relationships go, which is more than 20% of 25.
    const refused = await runCli(["run", "--output-dir", emptyDir()], { env: env() });
    assert.equal(refused.code, 9, refused.stderr);
    assert.match(refused.stderr, /\[:SUBMITTED\]: about 6 of its 25 relationships would be deleted/);
    const back = await runCli(["run", "--allow-deletes", "--output-dir", emptyDir()], { env: env() });
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual(await submitted(), { email: null, relationships: 0 });
    const graph = await graphCounts(suite.driver);
    assert.deepEqual(graph, await expectedGraphCounts(universe()));
  });

  it("lets a night rewrite every account whose joins still hold: its degrees bound, the exact count clears", async () => {
    const before = await graphCounts(suite.driver);
    const [{ n } = { n: "0" }] = await query<{ n: string }>(
      universe().source("profiles_db"),
      "WITH renamed AS (UPDATE accounts SET full_name = coalesce(full_name, '') || ' (renamed)' RETURNING 1) SELECT count(*)::text AS n FROM renamed",
    );
    const run = await runCli(["run", "--output-dir", emptyDir()], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^:Account: 0 created, ${n} updated, 0 deleted$`, "m"));
    for (const type of ["HAS_PAYMENT_METHOD", "HAS_SUBSCRIPTION", "SUBMITTED", "WATCHED"])
      assert.match(run.stdout, new RegExp(`^\\[:${type}\\] .*\\(0 created\\)$`, "m"), type);
    assert.deepEqual(await graphCounts(suite.driver), before);
  });

  it("warns of a type that matched no pairs, and records it with 0 created", async () => {
    await query(
      universe().source("support_db"),
      "UPDATE tickets SET customer_email = 'nobody-' || ticket_id",
    );
    const run = await runCli(["run", "--clear", "--output-dir", emptyDir()], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(emptyTypes(run.stderr), ["SUBMITTED"]);
    assert.match(run.stderr, /:SUBMITTED matched no pairs: check its relationship_mappings row/);
    const recorded = await query<{ relationships_created: string }>(
      universe().controlDb.database,
      `SELECT relationships_created FROM etl_relationship_logs
       WHERE relationship_type = 'SUBMITTED' ORDER BY relationship_log_id DESC LIMIT 1`,
    );
    assert.equal(Number(recorded[0]?.relationships_created), 0);

    const script = run.stdout.split("\n")[0] as string;
    const replay = await runCli(["load", script], { env: env() });
    assert.equal(replay.code, 0, replay.stderr);
    assert.deepEqual(
      emptyTypes(replay.stderr),
      ["SUBMITTED"],
      "types whose pairs are already there are fine",
    );
  });
});
