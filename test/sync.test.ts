/**
 * The nightly sync against real PostgreSQL and Neo4j: after a night of change in the sources, a
 * plain `run` (no --clear) leaves the graph equal, node by node and relationship by relationship,
 * to a fresh full load of the same sources, and touches nothing c360 did not write.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Driver } from "neo4j-driver";
import type { Config } from "../src/config.js";
import { runPipeline, type RunResult } from "../src/run/pipeline.js";
import { copyFile, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { AbortedError, ExitCode, RefusedError, ScriptFileError, TargetError } from "../src/errors.js";
import { loadScript } from "../src/load/load.js";
import { generateSync } from "../src/sync/generate-sync.js";
import { previewSync } from "../src/sync/preview.js";
import { runCli, startCli } from "./helpers/cli.js";
import { controlDbEnv } from "./helpers/postgres.js";
import { silentLogger } from "../src/logger.js";
import { emptyDir } from "./helpers/cli.js";
import { cleanGraph, testConfig, testDriver } from "./helpers/neo4j.js";
import { graphContent } from "./helpers/content.js";
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

function content(): Promise<string[]> {
  return graphContent(driver);
}

/** What a run did to one label's nodes. */
function labelChanges(result: RunResult, label: string) {
  return [...(result.changes ?? [])].find(([table]) => table.label === label)?.[1];
}

function syncOptions() {
  return { controlDb: config.controlDb, neo4j: config.neo4j, outputDir, logger: silentLogger() };
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
  config = testConfig(universe.controlDb);
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
    // The re-derive statements ran with their run numbers as parameters: integers, the sync's own.
    const stamps = await driver.executeQuery(
      "MATCH (n) WITH max(n.c360_run) AS node MATCH ()-[r]->() WHERE r.c360_run IS NOT NULL " +
        "RETURN node, max(r.c360_run) AS relationship, collect(DISTINCT valueType(r.c360_run)) AS types",
    );
    const stamp = stamps.records[0];
    assert.deepEqual(stamp?.get("types"), ["INTEGER NOT NULL"]);
    assert.equal(String(stamp?.get("relationship")), String(stamp?.get("node")));
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

  it("connects a new node that unchanged rows pointed at, and keeps an updated node's relationships", async () => {
    // A play event arrives for an account that profiles_db does not hold yet (the two databases
    // share no foreign key); the account arrives the night after. The event's row does not change
    // then: only a visit from the new :Account can make its :WATCHED relationship. A title's genre
    // changes too: its plays join its key, so its :PLAYED relationships stay as they are.
    const account = "00000000-0000-4000-8000-0000000000aa";
    await query(
      universe.source("streaming_db"),
      `INSERT INTO play_events (session_id, account_id_from_token, media_id, action, ip_address, device_fingerprint)
       VALUES ('sess-early', '${account}', (SELECT min(media_id) FROM media_content), 'play', '10.1.2.3', 'dev-early')`,
    );
    await run();
    const watched = `MATCH (a:Account)-[r:WATCHED]->(e:PlayEvent {session_id: 'sess-early'}) RETURN a.account_id AS a`;
    assert.deepEqual((await driver.executeQuery(watched)).records, []);
    await query(
      universe.source("profiles_db"),
      `INSERT INTO accounts (account_id, email, hashed_password) VALUES ('${account}', 'early@example.com', 'x')`,
    );
    const media = universe.source("streaming_db");
    await query(
      media,
      "UPDATE media_content SET genre = 'Renamed genre' WHERE media_id = (SELECT min(media_id) FROM media_content)",
    );
    const result = await run();
    assert.deepEqual(
      [
        labelChanges(result, "Account")?.created,
        labelChanges(result, "Media")?.updated,
        labelChanges(result, "PlayEvent")?.updated,
      ],
      [1, 1, 0],
    );
    assert.deepEqual(
      (await driver.executeQuery(watched)).records.map((r) => r.get("a") as string),
      [account],
    );
    const synced = await content();
    await cleanGraph(driver);
    await run({ clear: true });
    assert.deepEqual(synced, await content());
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
    assert.deepEqual(await graphCounts(driver), await expectedCounts());
  });

  it("refuses an emptied foreign key column: the nodes stay, their relationships would go", async () => {
    const streaming = universe.source("streaming_db");
    await query(streaming, "CREATE TABLE saved_media AS SELECT event_id, media_id FROM play_events");
    await query(streaming, "UPDATE play_events SET media_id = NULL");
    const before = await content();
    const refusedFor = (error: unknown) => {
      assert.ok(error instanceof RefusedError, String(error));
      assert.equal(error.exitCode, ExitCode.refused);
      assert.match(
        error.message,
        /\[:PLAYED\]: about (\d+) of its \1 relationships would be deleted \(100.0%\)/,
      );
      assert.doesNotMatch(error.message, /WATCHED/, "the other type of the same nodes keeps its joins");
      return true;
    };
    await assert.rejects(run(), refusedFor);
    assert.deepEqual(await content(), before, "a refused run changes nothing");
    const options = { controlDb: config.controlDb, neo4j: config.neo4j, logger: silentLogger() };
    const preview = await previewSync({ ...options, maxDeletePercent: 20 });
    assert.ok(refusedFor(preview.refusal), "plan refuses as the run does");
    assert.equal(preview.relationships.get("PLAYED")?.deleted, (await graphCounts(driver))["[:PLAYED]"]);
    await run({ allowDeletes: true });
    assert.equal((await graphCounts(driver))["[:PLAYED]"], undefined, "allowed, the type is gone");
    await query(
      streaming,
      "UPDATE play_events p SET media_id = s.media_id FROM saved_media s WHERE s.event_id = p.event_id",
    );
    await query(streaming, "DROP TABLE saved_media");
    await run();
    assert.deepEqual(await graphCounts(driver), await expectedCounts());
  });
});

/** The expected counts, without the labels and types that have none (the graph cannot show those). */
async function expectedCounts(): Promise<Record<string, number>> {
  return Object.fromEntries(Object.entries(await expectedGraphCounts(universe)).filter(([, n]) => n > 0));
}

describe("what a sync leaves alone, refuses and survives", () => {
  /** Full-load content of the current sources, then the graph rebuilt as it was (a sync's start). */
  async function referenceContent(): Promise<string[]> {
    await cleanGraph(driver);
    await run({ clear: true });
    return content();
  }

  it("leaves foreign labels, relationship types and properties alone", async () => {
    await driver.executeQuery(
      `CREATE (a:Analyst {name: 'Ada', note: 'mine'})
       WITH a MATCH (acct:Account) WITH a, acct ORDER BY acct.email LIMIT 3
       CREATE (a)-[:FOLLOWS {since: 2024}]->(acct)`,
    );
    // A node of a mapped label that c360 did not write: not c360's to delete.
    await driver.executeQuery("CREATE (:Account {account_id: 'not-from-a-source', email: 'x@analyst'})");
    // Foreign nodes, their properties, and their relationships to c360's nodes (by the ends' keys).
    const foreign = async () => {
      const found = await driver.executeQuery(
        `MATCH (n) WHERE n:Analyst OR (n:Account AND n.c360_hash IS NULL)
         OPTIONAL MATCH (n)-[f:FOLLOWS]->(acct:Account)
         RETURN properties(n) AS p, f.since AS since, acct.account_id AS followed ORDER BY followed`,
      );
      return found.records.map((r) =>
        JSON.stringify([r.get("p"), r.get("since"), r.get("followed")], (_k, v: unknown) =>
          typeof v === "bigint" ? String(v) : v,
        ),
      );
    };
    const before = await foreign();
    assert.equal(before.length, 4);
    try {
      await query(
        universe.source("profiles_db"),
        // The followed account the ordering picks first: its node is updated under the relationship.
        "UPDATE accounts SET full_name = 'Changed Again' WHERE account_id = (SELECT account_id FROM accounts ORDER BY email LIMIT 1)",
      );
      const result = await run();
      assert.equal(result.kind, "sync");
      assert.equal(labelChanges(result, "Account")?.updated, 1);
      assert.deepEqual(await foreign(), before);
    } finally {
      await driver.executeQuery(
        "MATCH (n) WHERE n:Analyst OR n.account_id = 'not-from-a-source' DETACH DELETE n",
      );
    }
  });

  it("reads a key of another type as someone else's node, and refuses a c360 node whose key was retyped", async () => {
    // :PlayEvent is keyed by an integer; a text key cannot be a source row's. Both nodes sort
    // before c360's, and have no hash: every hash after them must still be its own node's.
    await driver.executeQuery(
      "CREATE (:PlayEvent {event_id: 'by-hand', note: 'mine'}), (:PlayEvent {event_id: -1, note: 'mine'})",
    );
    try {
      await query(
        universe.source("streaming_db"),
        "UPDATE play_events SET action = action || '!' WHERE event_id = (SELECT min(event_id) FROM play_events)",
      );
      const result = await run();
      assert.equal(result.kind, "sync");
      const events = labelChanges(result, "PlayEvent");
      assert.deepEqual([events?.created, events?.updated, events?.deleted], [0, 1, 0]);
      const kept = await driver.executeQuery("MATCH (n:PlayEvent {note: 'mine'}) RETURN count(n) AS n");
      assert.equal(kept.records[0]?.get("n"), 2n);

      // Someone rewrites the key of a node c360 wrote as text: the sync cannot tell it from a
      // foreign node's, so it refuses rather than create its row again beside it.
      await driver.executeQuery(
        "MATCH (n:PlayEvent) WHERE n.c360_hash IS NOT NULL WITH n ORDER BY n.event_id LIMIT 1 SET n.event_id = toString(n.event_id)",
      );
      await assert.rejects(run(), (error: unknown) => {
        assert.ok(error instanceof TargetError, String(error));
        assert.match(
          error.message,
          /a :PlayEvent node written by c360 has key \["\d+"\], not of the key columns' types/,
        );
        return true;
      });
    } finally {
      await driver.executeQuery(
        "MATCH (n:PlayEvent) WHERE n.event_id IS :: STRING OR n.event_id < 0 DETACH DELETE n",
      );
      await cleanGraph(driver);
      await run({ clear: true });
    }
  });

  it("refuses a sync script when the graph has moved on since it was computed", async () => {
    await query(
      universe.source("support_db"),
      "UPDATE tickets SET status = 'closed' WHERE status <> 'closed'",
    );
    const synced = await generateSync({
      controlDb: config.controlDb,
      neo4j: config.neo4j,
      outputDir,
      logger: silentLogger(),
      maxDeletePercent: 20,
    });
    assert.ok(synced !== "empty graph" && synced.script !== undefined);
    const file = synced.script.path;
    assert.match(await readFile(file, "utf8"), /^\/\/ c360 script kind: sync$/m);
    // Another run gets there first.
    await query(universe.source("support_db"), "UPDATE tickets SET agent_id = agent_id + 1");
    await run();
    const before = await content();
    await assert.rejects(
      loadScript({ controlDb: config.controlDb, neo4j: config.neo4j, file, logger: silentLogger() }),
      (error: unknown) => {
        assert.ok(error instanceof RefusedError, String(error));
        assert.equal(error.exitCode, ExitCode.refused);
        assert.match(error.message, /the graph has moved on since/);
        assert.match(error.message, /was last written by run \d+, now by run \d+/);
        return true;
      },
    );
    assert.deepEqual(await content(), before);
  });

  it("converges with a fresh run after a sync stopped part way", async () => {
    await oneMoreNight();
    const synced = await generateSync({
      controlDb: config.controlDb,
      neo4j: config.neo4j,
      outputDir,
      logger: silentLogger(),
      maxDeletePercent: 100,
    });
    assert.ok(synced !== "empty graph" && synced.script !== undefined);
    // Stopped at the first safe point: some nodes are written, no relationship re-derived.
    const stop = { requested: false, exitCode: ExitCode.terminated } as { requested: boolean; exitCode: 143 };
    await assert.rejects(
      loadScript({
        controlDb: config.controlDb,
        neo4j: config.neo4j,
        file: synced.script.path,
        logger: silentLogger(),
        stop,
        progress: {
          statementDone: (_done, _total, counters) => {
            if (counters.propertiesSet > 0) stop.requested = true;
          },
        },
      }),
      (error: unknown) => error instanceof AbortedError,
    );
    const result = await run();
    assert.equal(result.kind, "sync");
    const synced2 = await content();
    assert.deepEqual(synced2, await referenceContent());
  });

  it("plans exactly what the following run then does, changing nothing", async () => {
    await oneMoreNight();
    const env = { ...controlDbEnv(universe.controlDb.database), NEO4J_URI: config.neo4j.uri };
    const before = await content();
    const options = { controlDb: config.controlDb, neo4j: config.neo4j, outputDir, logger: silentLogger() };
    const preview = await previewSync({ ...options, maxDeletePercent: 100 });
    assert.deepEqual(await content(), before, "a plan changes nothing");
    assert.equal(preview.kind, "sync");
    assert.ok(preview.changed);
    const cli = await runCli(["plan", "--json", "--detailed-exitcode"], { env });
    assert.equal(cli.code, ExitCode.changesPending, cli.stderr);
    assert.equal((JSON.parse(cli.stdout) as { changed: boolean }).changed, true);

    const result = await run({ allowDeletes: true });
    const counts = (
      changes: ReadonlyMap<{ label: string }, { created: number; updated: number; deleted: number }>,
    ) => [...changes].map(([t, c]) => [t.label, c.created, c.updated, c.deleted]);
    assert.deepEqual(counts(result.changes ?? new Map()), counts(preview.changes));
    const types = (m: ReadonlyMap<string, { created: number; deleted: number }>) =>
      [...m].map(([type, c]) => [type, c.created, c.deleted]).sort();
    assert.deepEqual(types(result.loaded?.relationshipsByType ?? new Map()), types(preview.relationships));
    assert.ok(
      [...preview.relationships.values()].some((c) => c.created > 0),
      "the night creates relationships",
    );

    const settled = await runCli(["plan", "--detailed-exitcode"], { env });
    assert.equal(settled.code, 0, settled.stderr);
    assert.match(settled.stdout, /no changes: the graph equals the sources/);
  });

  it("after a copy of a script is loaded by hand, plans no change and names the re-check", async () => {
    const env = { ...controlDbEnv(universe.controlDb.database), NEO4J_URI: config.neo4j.uri };
    await run({ allowDeletes: true });
    // The copy is registered as a script of its own, which no generate or run wrote: the run
    // stamp its nodes carry is accounted for by no completed run, so a run re-checks around them.
    const generated = await runCli(["generate", "--output-dir", outputDir], { env });
    assert.equal(generated.code, 0, generated.stderr);
    const copy = path.join(emptyDir(), "reviewed-copy.cypher");
    await copyFile(generated.stdout.split("\n")[0] as string, copy);
    const loaded = await runCli(["load", copy], { env });
    assert.equal(loaded.code, 0, loaded.stderr);

    const planned = await runCli(["plan", "--detailed-exitcode"], { env });
    assert.equal(planned.code, 0, planned.stdout + planned.stderr);
    assert.match(planned.stdout, /no changes: the graph equals the sources/);
    assert.match(planned.stdout, /a run re-checks the relationships around the :Account, .* nodes/);
    const json = await runCli(["plan", "--json"], { env });
    assert.ok((JSON.parse(json.stdout) as { recheck: string[] }).recheck.includes("Account"));

    const before = await content();
    await run();
    assert.deepEqual(await content(), before);
    const settled = await runCli(["plan"], { env });
    assert.doesNotMatch(settled.stdout, /re-checks/);
  });

  it("refuses --clear and --bulk for a sync script, and a hand-edited graph state line", async () => {
    await query(universe.source("support_db"), "UPDATE tickets SET agent_id = agent_id + 1");
    const synced = await generateSync({ ...syncOptions(), maxDeletePercent: 20 });
    assert.ok(synced !== "empty graph" && synced.script !== undefined);
    const file = synced.script.path;
    const before = await content();
    const load = (options: Partial<Parameters<typeof loadScript>[0]>) =>
      loadScript({
        controlDb: config.controlDb,
        neo4j: config.neo4j,
        file,
        logger: silentLogger(),
        ...options,
      });
    for (const flags of [{ clear: true }, { bulk: { home: emptyDir(), heap: "512m", pageCache: "128m" } }]) {
      await assert.rejects(load(flags), (error: unknown) => {
        assert.ok(error instanceof RefusedError, String(error));
        assert.match(
          error.message,
          /is a sync script, which changes the graph in place; --(clear|bulk) does not apply/,
        );
        return true;
      });
    }
    const edited = path.join(emptyDir(), "edited.cypher");
    const text = await readFile(file, "utf8");
    await writeFile(edited, text.replace(/^(\/\/ c360 graph state: ).*$/m, "$1{not json"));
    await assert.rejects(load({ file: edited }), (error: unknown) => {
      assert.ok(error instanceof ScriptFileError, String(error));
      assert.equal(error.exitCode, ExitCode.badScript);
      assert.match(error.message, /its graph state line is not what c360 writes/);
      return true;
    });
    assert.deepEqual(await content(), before);
    // The unedited script still applies.
    await load({});
  });

  it("SIGTERM to `c360 run` mid-sync: exit 143, the run recorded aborted; a fresh `c360 run` converges", async () => {
    await oneMoreNight();
    const env = { ...controlDbEnv(universe.controlDb.database), NEO4J_URI: config.neo4j.uri };
    const running = startCli(["run", "--output-dir", outputDir], { env });
    // Signalled once the sync's load has written its schema: its nodes and relationships are next.
    let signalled = false;
    running.child.stderr?.on("data", (chunk: Buffer) => {
      if (!signalled && chunk.toString().includes("load section completed: schema")) {
        signalled = true;
        running.child.kill("SIGTERM");
      }
    });
    const stopped = await running.result;
    assert.ok(signalled, stopped.stderr);
    assert.equal(stopped.code, ExitCode.terminated, stopped.stderr);
    const [load] = await query<{ status: string; script_kind: string }>(
      universe.controlDb.database,
      "SELECT status, script_kind FROM etl_run_logs ORDER BY log_id DESC LIMIT 1",
    );
    assert.deepEqual(load, { status: "aborted", script_kind: "sync" });
    const fresh = await runCli(["run", "--output-dir", outputDir], { env });
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.deepEqual(await content(), await referenceContent());
  });

  it("finishes a sync stopped part way with load --resume", async () => {
    await oneMoreNight();
    const synced = await generateSync({ ...syncOptions(), maxDeletePercent: 100 });
    assert.ok(synced !== "empty graph" && synced.script !== undefined);
    const file = synced.script.path;
    const stop = { requested: false, exitCode: ExitCode.terminated } as { requested: boolean; exitCode: 143 };
    const options = { controlDb: config.controlDb, neo4j: config.neo4j, file, logger: silentLogger() };
    await assert.rejects(
      loadScript({
        ...options,
        stop,
        progress: {
          statementDone: (_done, _total, counters) => {
            if (counters.propertiesSet > 0) stop.requested = true;
          },
        },
      }),
      (error: unknown) => error instanceof AbortedError,
    );
    const resumed = await loadScript({ ...options, resume: true });
    assert.ok(resumed.resumedAfter > 0);
    assert.deepEqual(await content(), await referenceContent());
  });

  it("never lets a label drop below the smaller of its counts before and after, while it syncs", async () => {
    await oneMoreNight();
    const labels = ["Account", "PaymentMethod", "PlayEvent", "Ticket", "TicketTagLink"];
    const counts = async () => {
      const result: Record<string, number> = {};
      for (const label of labels) {
        const found = await driver.executeQuery(`MATCH (n:${label}) RETURN count(n) AS n`);
        result[label] = Number(found.records[0]?.get("n"));
      }
      return result;
    };
    const before = await counts();
    const seen: Array<Record<string, number>> = [];
    let running = true;
    const sampler = (async () => {
      while (running) seen.push(await counts());
    })();
    try {
      await run({ allowDeletes: true });
    } finally {
      running = false;
      await sampler;
    }
    const afterwards = await counts();
    assert.ok(seen.length > 3, `only ${seen.length} samples`);
    for (const label of labels) {
      const floor = Math.min(before[label] as number, afterwards[label] as number);
      const lowest = Math.min(...seen.map((s) => s[label] as number));
      assert.ok(lowest >= floor, `:${label} fell to ${lowest}, below ${floor}`);
    }
    assert.deepEqual(await graphCounts(driver), await expectedCounts());
  });
});

/** Another night: inserts, deletes and moves in every source. */
async function oneMoreNight(): Promise<void> {
  const profiles = universe.source("profiles_db");
  const streaming = universe.source("streaming_db");
  const support = universe.source("support_db");
  await query(
    profiles,
    `INSERT INTO accounts (account_id, email, hashed_password, full_name)
     SELECT gen_random_uuid(), 'joined' || n || '.' || gen_random_uuid() || '@example.com', 'x', 'Joiner ' || n
     FROM generate_series(1, 3) AS n`,
  );
  await query(
    profiles,
    // Two cards of different fingerprints, neither already on the target account: (account_id,
    // card_fingerprint) is unique, and a random pick used to collide with it now and then.
    `WITH target AS (SELECT account_id FROM accounts ORDER BY random() LIMIT 1),
          moving AS (SELECT payment_method_id FROM (
            SELECT DISTINCT ON (p.card_fingerprint) p.payment_method_id, random() AS r
            FROM payment_methods p
            WHERE NOT EXISTS (SELECT 1 FROM payment_methods q, target t
                              WHERE q.account_id = t.account_id AND q.card_fingerprint = p.card_fingerprint)
            ORDER BY p.card_fingerprint, random()) c ORDER BY r LIMIT 2)
     UPDATE payment_methods SET account_id = (SELECT account_id FROM target)
     WHERE payment_method_id IN (SELECT payment_method_id FROM moving)`,
  );
  await query(
    streaming,
    "DELETE FROM play_events WHERE event_id IN (SELECT event_id FROM play_events ORDER BY random() LIMIT 20)",
  );
  await query(
    streaming,
    `INSERT INTO play_events (session_id, account_id_from_token, media_id, action, ip_address, device_fingerprint)
     SELECT 's-new', account_id_from_token, media_id, 'play', '10.0.0.1', 'dev-new'
     FROM play_events ORDER BY random() LIMIT 25`,
  );
  await query(
    support,
    `INSERT INTO ticket_tag_link (ticket_id, tag_id)
     SELECT t.ticket_id, g.tag_id FROM tickets t CROSS JOIN ticket_tags g
     WHERE NOT EXISTS (SELECT 1 FROM ticket_tag_link l WHERE l.ticket_id = t.ticket_id AND l.tag_id = g.tag_id)
     ORDER BY random() LIMIT 6`,
  );
  await query(
    support,
    `UPDATE tickets SET customer_email = (SELECT customer_email FROM tickets ORDER BY random() LIMIT 1)
     WHERE ticket_id IN (SELECT ticket_id FROM tickets ORDER BY random() LIMIT 2)`,
  );
}
