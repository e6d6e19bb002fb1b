/**
 * What a sync may change, against real PostgreSQL and Neo4j: exactly what c360 writes. On a
 * graph that analysts also work in, an updated node keeps every property and label c360 did not
 * write; a column c360 stops writing (newly excluded, left out of include_columns, dropped or
 * renamed in the source) leaves every c360 node of its label, even when the sync that began
 * removing it was stopped part way; and a foreign property never makes a node look changed.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Driver } from "neo4j-driver";
import type { Config } from "../src/config.js";
import { runPipeline, type RunResult } from "../src/run/pipeline.js";
import { runSummary } from "../src/run/summary.js";
import { formatPreview } from "../src/commands/plan.js";
import { AbortedError, ExitCode } from "../src/errors.js";
import { generate } from "../src/generate/generate.js";
import { loadScript } from "../src/load/load.js";
import { silentLogger } from "../src/logger.js";
import { generateSync } from "../src/sync/generate-sync.js";
import { previewSync } from "../src/sync/preview.js";
import { emptyDir } from "./helpers/cli.js";
import { graphContent } from "./helpers/content.js";
import { cleanGraph, testConfig, testDriver } from "./helpers/neo4j.js";
import { query } from "./helpers/postgres.js";
import { createSampleUniverse, type TestUniverse } from "./helpers/universe.js";

let universe: TestUniverse;
let driver: Driver;
let config: Config;
const outputDir = emptyDir();
/** The account and the play event the analyst works on, and a title to move the event to. */
let account: string;
let event: string;
let otherTitle: string;

function run(options: { clear?: boolean } = {}): Promise<RunResult> {
  return runPipeline({ config, logger: silentLogger(), outputDir, ...options });
}

function preview() {
  return previewSync({ ...config, logger: silentLogger(), maxDeletePercent: 100 });
}

/** One value of a Cypher query's first row. */
async function one<T>(cypher: string, parameters: Record<string, unknown> = {}): Promise<T> {
  const result = await driver.executeQuery(cypher, parameters);
  return result.records[0]?.get(0) as T;
}

/** What the analyst put on the graph, read back. */
async function analystWork() {
  return {
    note: await one<string>("MATCH (a:Account {account_id: $account}) RETURN a.analyst_note", { account }),
    reviewed: await one<boolean>("MATCH (a:Account {account_id: $account}) RETURN a:Reviewed", { account }),
    flag: await one<string>("MATCH (e:PlayEvent) WHERE toString(e.event_id) = $event RETURN e.flag", {
      event,
    }),
    checked: await one<string[]>(
      "MATCH (:Account {account_id: $account})-[r:HAS_PAYMENT_METHOD]->() RETURN collect(r.note)",
      { account },
    ),
  };
}

const expectedWork = { note: "vip", reviewed: true, flag: "odd", checked: ["checked"] };

/** How many c360 nodes of `label` hold `property`. */
function holding(label: string, property: string): Promise<number> {
  return one<bigint>(
    `MATCH (n:\`${label}\`) WHERE n.c360_hash IS NOT NULL AND n.\`${property}\` IS NOT NULL RETURN count(n)`,
  ).then(Number);
}

function retiredOf(result: RunResult, label: string) {
  return [...(result.changes ?? [])].find(([table]) => table.label === label)?.[0].retired;
}

before(async () => {
  universe = await createSampleUniverse("ownership");
  driver = testDriver();
  config = { ...testConfig(universe.controlDb), maxDeletePercent: 100 };
  await cleanGraph(driver);
  const profiles = universe.source("profiles_db");
  const streaming = universe.source("streaming_db");
  // An account with exactly one payment method, so the relationship the analyst marks is known.
  const first = async (database: string, sql: string) => {
    const rows = await query<{ v: string }>(database, sql);
    assert.ok(rows[0] !== undefined, sql);
    return rows[0].v;
  };
  account = await first(
    profiles,
    "SELECT account_id::text AS v FROM payment_methods GROUP BY account_id HAVING count(*) = 1 ORDER BY account_id LIMIT 1",
  );
  event = await first(streaming, "SELECT event_id::text AS v FROM play_events ORDER BY event_id LIMIT 1");
  otherTitle = await first(
    streaming,
    `SELECT media_id AS v FROM media_content WHERE media_id <> (SELECT media_id FROM play_events WHERE event_id = ${event})
     ORDER BY media_id LIMIT 1`,
  );
});

after(async () => {
  await cleanGraph(driver);
  await driver.close();
  await universe.drop();
});

describe("a sync changes only what c360 owns, to the property", () => {
  it("keeps an analyst's properties, labels and relationship properties on nodes it updates", async () => {
    assert.equal((await run()).kind, "full");
    await driver.executeQuery(
      `MATCH (a:Account {account_id: $account}) SET a.analyst_note = 'vip', a:Reviewed
       WITH a MATCH (a)-[r:HAS_PAYMENT_METHOD]->() SET r.note = 'checked'`,
      { account },
    );
    await driver.executeQuery("MATCH (e:PlayEvent) WHERE toString(e.event_id) = $event SET e.flag = 'odd'", {
      event,
    });
    // A foreign property is not in the row's hash: nothing looks changed.
    const untouched = await preview();
    assert.equal(untouched.changed, false, formatPreview(untouched));

    await query(
      universe.source("profiles_db"),
      `UPDATE accounts SET full_name = 'Renamed Tonight' WHERE account_id = '${account}'`,
    );
    await query(
      universe.source("streaming_db"),
      `UPDATE play_events SET media_id = '${otherTitle}' WHERE event_id = ${event}`,
    );
    const synced = await run();
    assert.equal(synced.kind, "sync");
    const updated = (label: string) =>
      [...(synced.changes ?? [])].find(([table]) => table.label === label)?.[1].updated;
    assert.equal(updated("Account"), 1);
    assert.equal(updated("PlayEvent"), 1);
    assert.equal(
      await one("MATCH (a:Account {account_id: $account}) RETURN a.full_name", { account }),
      "Renamed Tonight",
    );
    assert.equal(
      await one(
        "MATCH (e:PlayEvent)-[:PLAYED]->(m:Media) WHERE toString(e.event_id) = $event RETURN m.media_id",
        {
          event,
        },
      ),
      otherTitle,
    );
    assert.deepEqual(await analystWork(), expectedWork);
  });

  it("removes an owned property whose value became NULL, and only that", async () => {
    await query(
      universe.source("profiles_db"),
      `UPDATE accounts SET full_name = NULL WHERE account_id = '${account}'`,
    );
    await run();
    const keys = await one<string[]>("MATCH (a:Account {account_id: $account}) RETURN keys(a)", { account });
    assert.ok(!keys.includes("full_name"), String(keys));
    assert.ok(keys.includes("email"), String(keys));
    assert.deepEqual(await analystWork(), expectedWork);
  });

  it("removes a newly excluded column from every node of its label, and says so", async () => {
    assert.ok((await holding("Account", "created_at")) > 1);
    await query(
      universe.controlDb.database,
      `INSERT INTO field_exclusion_rules (source_id, table_name, column_name, is_excluded, reason)
       SELECT source_id, 'accounts', 'created_at', true, 'no longer shared' FROM source_databases WHERE source_name = 'profiles_db'`,
    );
    const planned = await preview();
    assert.match(formatPreview(planned), /\n {4}stops writing: created_at \(newly excluded\)\n/);
    const result = await run();
    assert.deepEqual(retiredOf(result, "Account"), [{ property: "created_at", reason: "newly excluded" }]);
    assert.match(
      runSummary(result),
      /\n {4}stopped writing, removed from the nodes updated: created_at \(newly excluded\)\n/,
    );
    assert.equal(await holding("Account", "created_at"), 0);
    assert.ok((await holding("Account", "email")) > 1);
    assert.deepEqual(await analystWork(), expectedWork);
    // Done once: the next night finds nothing to change, and names nothing.
    const next = await run();
    assert.equal(next.script, undefined);
    assert.deepEqual(retiredOf(next, "Account"), []);
  });

  it("removes a column that leaves include_columns", async () => {
    assert.ok((await holding("Media", "genre")) > 1);
    await query(
      universe.controlDb.database,
      "UPDATE node_label_mappings SET include_columns = '{title, media_type, release_date, duration_minutes}' WHERE node_label = 'Media'",
    );
    const result = await run();
    assert.deepEqual(retiredOf(result, "Media"), [{ property: "genre", reason: "left include_columns" }]);
    assert.equal(await holding("Media", "genre"), 0);
    assert.ok((await holding("Media", "title")) > 1);
  });

  it("removes a column dropped or renamed in the source; the renamed one arrives", async () => {
    const tickets = await one<bigint>("MATCH (t:Ticket) RETURN count(t)").then(Number);
    await query(universe.source("support_db"), "ALTER TABLE tickets RENAME COLUMN agent_id TO assignee_id");
    await query(universe.source("support_db"), "ALTER TABLE tickets DROP COLUMN last_updated_at");
    const result = await run();
    assert.deepEqual(retiredOf(result, "Ticket"), [
      { property: "agent_id", reason: "dropped or renamed in the source" },
      { property: "last_updated_at", reason: "dropped or renamed in the source" },
    ]);
    assert.equal(await holding("Ticket", "agent_id"), 0);
    assert.equal(await holding("Ticket", "last_updated_at"), 0);
    assert.equal(await holding("Ticket", "assignee_id"), tickets);
  });

  it("finishes removing a column on the next run after the sync that began it stopped part way", async () => {
    const events = await one<bigint>("MATCH (e:PlayEvent) RETURN count(e)").then(Number);
    await query(
      universe.controlDb.database,
      `INSERT INTO field_exclusion_rules (source_id, table_name, column_name, is_excluded, reason)
       SELECT source_id, 'play_events', 'session_id', true, 'no longer shared' FROM source_databases WHERE source_name = 'streaming_db'`,
    );
    const synced = await generateSync({ ...config, outputDir, logger: silentLogger(), batchSize: 10 });
    assert.ok(synced !== "empty graph" && synced.script !== undefined);
    const stop = { requested: false, exitCode: ExitCode.terminated } as { requested: boolean; exitCode: 143 };
    await assert.rejects(
      loadScript({
        ...config,
        file: synced.script.path,
        logger: silentLogger(),
        rowsPerTransaction: 10,
        stop,
        progress: {
          statementDone: (_done, _total, counters) => {
            if (counters.propertiesSet > 0) stop.requested = true;
          },
        },
      }),
      (error: unknown) => error instanceof AbortedError,
    );
    const partly = await holding("PlayEvent", "session_id");
    assert.ok(partly > 0 && partly < events, `${partly} of ${events} still hold it`);
    const result = await run();
    assert.deepEqual(retiredOf(result, "PlayEvent"), [{ property: "session_id", reason: "newly excluded" }]);
    assert.equal(await holding("PlayEvent", "session_id"), 0);
    assert.deepEqual(await analystWork(), expectedWork);
    // And the graph is what a fresh load of today's sources makes, but for the analyst's work.
    await driver.executeQuery(
      `MATCH (a:Account {account_id: $account}) REMOVE a.analyst_note, a:Reviewed
       WITH a MATCH (a)-[r:HAS_PAYMENT_METHOD]->() REMOVE r.note`,
      { account },
    );
    await driver.executeQuery("MATCH (e:PlayEvent) WHERE toString(e.event_id) = $event REMOVE e.flag", {
      event,
    });
    const synced2 = await graphContent(driver);
    await run({ clear: true });
    assert.deepEqual(synced2, await graphContent(driver));
  });

  it("a full script loaded without --clear removes what c360 stopped writing too; a rebuild starts empty", async () => {
    await driver.executeQuery("MATCH (a:Account {account_id: $account}) SET a.analyst_note = 'vip'", {
      account,
    });
    await query(
      universe.controlDb.database,
      `INSERT INTO field_exclusion_rules (source_id, table_name, column_name, is_excluded, reason)
       SELECT source_id, 'plans', 'max_devices', true, 'internal' FROM source_databases WHERE source_name = 'profiles_db'`,
    );
    const generated = await generate({ controlDb: config.controlDb, outputDir, logger: silentLogger() });
    assert.deepEqual(generated.plan.tables.find((t) => t.label === "Plan")?.retired, [
      { property: "max_devices", reason: "newly excluded" },
    ]);
    await loadScript({ ...config, file: generated.script.path, logger: silentLogger() });
    assert.equal(await holding("Plan", "max_devices"), 0);
    assert.equal(
      await one("MATCH (a:Account {account_id: $account}) RETURN a.analyst_note", { account }),
      "vip",
    );
    // --clear empties the graph first, as documented: the analyst's work goes with it.
    await run({ clear: true });
    assert.equal(
      await one("MATCH (a:Account {account_id: $account}) RETURN a.analyst_note", { account }),
      null,
    );
  });
});
