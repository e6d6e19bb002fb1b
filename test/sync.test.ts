/**
 * The nightly sync against real PostgreSQL and Neo4j: after a night of change in the sources, a
 * plain `run` (no --clear) leaves the graph equal, node by node and relationship by relationship,
 * to a fresh full load of the same sources, and touches nothing c360 did not write.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Driver } from "neo4j-driver";
import { defaultTimeouts, type Config } from "../src/config.js";
import { runPipeline, type RunResult } from "../src/commands/run.js";
import { ExitCode, RefusedError } from "../src/errors.js";
import { silentLogger } from "../src/logger.js";
import { emptyDir } from "./helpers/cli.js";
import { cleanGraph, testDriver, testNeo4j } from "./helpers/neo4j.js";
import { query } from "./helpers/postgres.js";
import {
  createSampleUniverse,
  expectedGraphCounts,
  graphCounts,
  type TestUniverse,
} from "./helpers/universe.js";

let universe: TestUniverse;
let driver: Driver;
let config: Config;
const outputDir = emptyDir();

function run(options: { clear?: boolean; allowDeletes?: boolean } = {}): Promise<RunResult> {
  return runPipeline({ config, logger: silentLogger(), outputDir, ...options });
}

/**
 * The graph's content, comparable across loads: every node with its labels and properties, every
 * relationship with its type and its ends' properties. The run stamps differ between loads by
 * design; everything else, the row hashes included, must not.
 */
async function content(): Promise<string[]> {
  const withoutRun = (props: Record<string, unknown>) =>
    JSON.stringify(
      Object.entries(props)
        .filter(([key]) => key !== "c360_run")
        .sort(([a], [b]) => (a < b ? -1 : 1)),
      (_key, value: unknown) => (typeof value === "bigint" ? `${value}n` : value),
    );
  const nodes = await driver.executeQuery("MATCH (n) RETURN labels(n) AS labels, properties(n) AS p");
  const relationships = await driver.executeQuery(
    "MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(a) AS a, properties(b) AS b, keys(r) AS keys",
  );
  return [
    ...nodes.records.map(
      (r) => `${String(r.get("labels"))} ${withoutRun(r.get("p") as Record<string, unknown>)}`,
    ),
    ...relationships.records.map(
      (r) =>
        `${String(r.get("type"))} ${withoutRun(r.get("a") as Record<string, unknown>)} -> ` +
        `${withoutRun(r.get("b") as Record<string, unknown>)} ${String(r.get("keys"))}`,
    ),
  ].sort();
}

/** The measured night of the issue: deletes, moves, inserts, NULLs, deleted junction rows. */
async function oneNight(): Promise<void> {
  const profiles = universe.source("profiles_db");
  const streaming = universe.source("streaming_db");
  const support = universe.source("support_db");
  await query(
    profiles,
    `WITH leaving AS (
       SELECT a.account_id FROM accounts a
       WHERE EXISTS (SELECT 1 FROM payment_methods p WHERE p.account_id = a.account_id)
         AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.account_id = a.account_id)
       ORDER BY a.account_id LIMIT 1)
     , s AS (DELETE FROM subscriptions WHERE account_id IN (SELECT account_id FROM leaving))
     , p AS (DELETE FROM payment_methods WHERE account_id IN (SELECT account_id FROM leaving))
     DELETE FROM accounts WHERE account_id IN (SELECT account_id FROM leaving)`,
  );
  await query(
    profiles,
    `UPDATE payment_methods SET account_id = (SELECT account_id FROM accounts ORDER BY email DESC LIMIT 1)
     WHERE payment_method_id = (SELECT payment_method_id FROM payment_methods ORDER BY payment_method_id LIMIT 1)`,
  );
  await query(
    profiles,
    `INSERT INTO accounts (account_id, email, hashed_password, full_name)
     VALUES ('00000000-0000-4000-8000-000000000001', 'new.customer@example.com', 'x', 'New Customer')`,
  );
  await query(
    profiles,
    `UPDATE accounts SET full_name = 'Renamed Person' WHERE account_id = (SELECT account_id FROM accounts ORDER BY email LIMIT 1)`,
  );
  await query(
    profiles,
    `UPDATE accounts SET full_name = NULL WHERE account_id = (SELECT account_id FROM accounts WHERE full_name IS NOT NULL ORDER BY email DESC LIMIT 1)`,
  );
  await query(
    streaming,
    "DELETE FROM play_events WHERE event_id IN (SELECT event_id FROM play_events ORDER BY event_id LIMIT 10)",
  );
  await query(
    streaming,
    `UPDATE play_events SET media_id = (SELECT media_id FROM media_content ORDER BY media_id DESC LIMIT 1)
     WHERE event_id = (SELECT event_id FROM play_events ORDER BY event_id DESC LIMIT 1)`,
  );
  await query(
    support,
    "DELETE FROM ticket_tag_link WHERE ticket_id = (SELECT ticket_id FROM ticket_tag_link ORDER BY ticket_id LIMIT 1)",
  );
  await query(
    support,
    `UPDATE tickets SET customer_email = (SELECT customer_email FROM tickets ORDER BY customer_email DESC LIMIT 1)
     WHERE ticket_id = (SELECT ticket_id FROM tickets ORDER BY ticket_id LIMIT 1)`,
  );
}

before(async () => {
  universe = await createSampleUniverse("sync");
  driver = testDriver();
  config = {
    controlDb: universe.controlDb,
    neo4j: testNeo4j(),
    timeouts: defaultTimeouts,
    maxDeletePercent: 20,
    logLevel: "silent",
    envFile: undefined,
  };
  await cleanGraph(driver);
});

after(async () => {
  await cleanGraph(driver);
  await driver.close();
  await universe.drop();
});

describe("c360 run without --clear", () => {
  let synced: string[];

  it("loads an empty graph in full", async () => {
    const result = await run();
    assert.equal(result.kind, "full");
    assert.deepEqual(await graphCounts(driver), await expectedGraphCounts(universe));
  });

  it("converges after a night of change: the graph equals a fresh full load, content compared", async () => {
    await oneNight();
    const result = await run();
    assert.equal(result.kind, "sync");
    const byLabel = Object.fromEntries(
      [...(result.changes ?? [])].map(([table, c]) => [table.label, [c.created, c.updated, c.deleted]]),
    );
    assert.deepEqual(byLabel.Account, [1, 2, 1]);
    assert.deepEqual(byLabel.PlayEvent, [0, 1, 10]);
    assert.deepEqual(await graphCounts(driver), await expectedGraphCounts(universe));
    synced = await content();
    await cleanGraph(driver);
    await run({ clear: true });
    assert.deepEqual(synced, await content());
  });

  it("a second sync with no change writes nothing", async () => {
    const before = await content();
    const result = await run();
    assert.equal(result.kind, "sync");
    // The graph was just rebuilt by a completed load: nothing to compare against but the rows.
    assert.equal(result.script, undefined, "no script for a night without change");
    assert.deepEqual(await content(), before);
  });

  it("refuses an emptied table, graph unchanged; allowing it deletes the label's nodes", async () => {
    await query(universe.source("support_db"), "DELETE FROM ticket_tag_link");
    const before = await content();
    await assert.rejects(run(), (error: unknown) => {
      assert.ok(error instanceof RefusedError, String(error));
      assert.equal(error.exitCode, ExitCode.refused);
      assert.match(
        error.message,
        /:TicketTagLink .*: (\d+) of its \1 c360 nodes would be deleted \(100.0%\)/,
      );
      return true;
    });
    assert.deepEqual(await content(), before);
    const refused = await query<{ status: string }>(
      universe.controlDb.database,
      "SELECT status FROM etl_run_logs ORDER BY log_id DESC LIMIT 1",
    );
    assert.equal(refused[0]?.status, "refused");
    await run({ allowDeletes: true });
    assert.deepEqual(await graphCounts(driver), await expectedGraphCounts(universe));
  });
});
