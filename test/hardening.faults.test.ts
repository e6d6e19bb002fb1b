import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { after, before, describe, it } from "node:test";
import { initControlDb } from "../src/control/migrate.js";
import { ExitCode } from "../src/errors.js";
import { silentLogger } from "../src/logger.js";
import { createDriver } from "../src/neo4j/driver.js";
import { startLocalNeo4j } from "../src/neo4j-local/launcher.js";
import { emptyDir, logLines, runCli, startCli } from "./helpers/cli.js";
import { cleanGraph, testDriver, testNeo4j } from "./helpers/neo4j.js";
import {
  controlDbEnv,
  createDatabase,
  dropDatabases,
  query,
  testServer,
  registerTable,
  uniqueName,
} from "./helpers/postgres.js";

/**
 * A script that takes several seconds: a constraint, then 40 statements of 10,000 MERGEs each.
 * After statement k completes, the graph holds exactly (k - 1) * 10,000 :Slow nodes.
 */
const batches = 40;
const perBatch = 10_000;
const slowScript = path.join(emptyDir(), "slow.cypher");
writeFileSync(
  slowScript,
  "CREATE CONSTRAINT slow_i IF NOT EXISTS FOR (n:Slow) REQUIRE n.i IS UNIQUE;\n" +
    Array.from(
      { length: batches },
      (_, b) => `UNWIND range(0, ${perBatch - 1}) AS k MERGE (n:Slow {i: ${b} * ${perBatch} + k});\n`,
    ).join(""),
);
const totalStatements = batches + 1;

const control = uniqueName("faults");
const driver = testDriver();
const env = () => ({ ...controlDbEnv(control), NEO4J_URI: testNeo4j().uri });

interface LoadRow {
  log_id: number;
  status: string;
  statements_executed: number | null;
  exit_code: number | null;
  error_message: string | null;
}

async function lastLoad(): Promise<LoadRow | undefined> {
  const rows = await query<LoadRow>(
    control,
    "SELECT log_id, status, statements_executed, exit_code, error_message FROM etl_run_logs WHERE command = 'load' ORDER BY log_id DESC LIMIT 1",
  );
  return rows[0];
}

/** Waits until the running load has committed at least `statements` statements. */
async function loadReached(statements: number, afterLogId = 0): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const row = await lastLoad();
    if (row !== undefined && row.log_id > afterLogId && (row.statements_executed ?? 0) >= statements) return;
    if (Date.now() > deadline) throw new Error(`the load did not reach statement ${statements}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function slowCount(uri = testNeo4j().uri): Promise<number> {
  const own = createDriver({ ...testNeo4j(), uri });
  try {
    const { records } = await own.executeQuery("MATCH (n:Slow) RETURN count(n) AS n");
    return Number(records[0]?.get("n"));
  } finally {
    await own.close();
  }
}

before(async () => {
  await initControlDb(testServer(control), silentLogger());
  await cleanGraph(driver);
});

after(async () => {
  await driver.close();
  await dropDatabases([control]);
});

describe("faults: every failure is recorded truthfully, and recovery completes the graph", () => {
  it("a second run exits at once with its own code while the first holds the run lock; the first is unaffected", async () => {
    const before = (await lastLoad())?.log_id ?? 0;
    const first = startCli(["load", slowScript, "--clear"], { env: env(), timeoutMs: 300_000 });
    await loadReached(2, before);
    const started = Date.now();
    const second = await runCli(["run"], { env: env() });
    assert.equal(second.code, ExitCode.locked, second.stderr);
    assert.ok(Date.now() - started < 10_000, "the second run fails fast");
    assert.match(
      second.stderr,
      /another c360 run holds the run lock of c360t_faults_\w+ \(c360 load pid \d+/,
    );
    const [refused] = await query<{
      command: string;
      status: string;
      exit_code: number;
      error_message: string;
    }>(
      control,
      "SELECT command, status, exit_code, error_message FROM etl_run_logs WHERE command = 'run' ORDER BY log_id DESC LIMIT 1",
    );
    assert.equal(refused?.status, "failed", "the locked-out attempt is on record");
    assert.equal(refused?.exit_code, ExitCode.locked);
    assert.match(refused?.error_message ?? "", /another c360 run holds the run lock/);
    const firstResult = await first.result;
    assert.equal(firstResult.code, 0, firstResult.stderr);
    assert.equal(await slowCount(), batches * perBatch);
  });

  it("SIGTERM mid-load stops at a safe point, records the run as aborted, exits 143; --resume completes it", async () => {
    await cleanGraph(driver);
    const before = (await lastLoad())?.log_id ?? 0;
    const load = startCli(["load", slowScript], { env: env(), timeoutMs: 300_000 });
    await loadReached(4, before);
    load.child.kill("SIGTERM");
    const result = await load.result;
    assert.equal(result.code, ExitCode.terminated, result.stderr);
    assert.ok(logLines(result.stderr).some((l) => /stopping at the next safe point/.test(String(l.msg))));
    const aborted = await lastLoad();
    assert.equal(aborted?.status, "aborted");
    assert.equal(aborted?.exit_code, ExitCode.terminated);
    const reached = aborted?.statements_executed ?? 0;
    assert.ok(reached >= 4 && reached < totalStatements, `stopped after ${reached}`);
    assert.equal(
      await slowCount(),
      (reached - 1) * perBatch,
      "exactly the committed statements are in the graph",
    );

    const resumed = await runCli(["load", slowScript, "--resume"], { env: env(), timeoutMs: 300_000 });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, new RegExp(`loaded ${totalStatements - reached} statements`));
    assert.equal((await lastLoad())?.status, "completed");
    assert.equal(await slowCount(), batches * perBatch);
  });

  it("kill -9 mid-load: the next run closes the dead run's row as vanished, and --resume recovers the graph", async () => {
    await cleanGraph(driver);
    const before = (await lastLoad())?.log_id ?? 0;
    const load = startCli(["load", slowScript], { env: env(), timeoutMs: 300_000 });
    await loadReached(4, before);
    load.child.kill("SIGKILL");
    await load.result;
    const dead = (await lastLoad()) as LoadRow;
    assert.equal(dead.status, "running", "nobody was left to record it");
    const resumed = await runCli(["load", slowScript, "--resume"], { env: env(), timeoutMs: 300_000 });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.ok(
      logLines(resumed.stderr).some((l) => /process vanished without a word/.test(String(l.msg))),
      resumed.stderr,
    );
    const [closed] = await query<{ status: string; error_message: string }>(
      control,
      "SELECT status, error_message FROM etl_run_logs WHERE log_id = $1",
      [dead.log_id],
    );
    assert.equal(closed?.status, "failed");
    assert.match(closed?.error_message ?? "", /the process vanished/);
    assert.equal(await slowCount(), batches * perBatch, "the graph recovered");
  });

  it("the control database's connection dies mid-load: exit 4, a clear message, and the run is not left 'running'", async () => {
    await cleanGraph(driver);
    const before = (await lastLoad())?.log_id ?? 0;
    const load = startCli(["load", slowScript], { env: env(), timeoutMs: 300_000 });
    await loadReached(3, before);
    await query(
      "postgres",
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'c360 load'",
      [control],
    );
    const result = await load.result;
    assert.equal(result.code, ExitCode.controlDb, result.stderr);
    assert.match(result.stderr, /a control-database query failed: .*(connection|terminat)/i);
    const row = await lastLoad();
    assert.equal(row?.status, "failed", "recorded over a fresh connection");
    assert.equal(row?.exit_code, ExitCode.controlDb);
    const resumed = await runCli(["load", slowScript, "--resume"], { env: env(), timeoutMs: 300_000 });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(await slowCount(), batches * perBatch);
  });

  it("Neo4j stops mid-load: the run fails with the statement reached (exit 7); after a restart --resume completes", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "c360-faults-neo4j-"));
    let engine = await startLocalNeo4j({ home, heap: "512m", pageCache: "128m", logger: silentLogger() });
    try {
      const before = (await lastLoad())?.log_id ?? 0;
      const own = { ...env(), NEO4J_URI: engine.boltUri };
      const load = startCli(["load", slowScript], { env: own, timeoutMs: 300_000 });
      await loadReached(4, before);
      await engine.stop();
      const result = await load.result;
      assert.equal(result.code, ExitCode.partialLoad, result.stderr);
      const failed = await lastLoad();
      assert.equal(failed?.status, "failed");
      assert.equal(failed?.exit_code, ExitCode.partialLoad);
      const reached = failed?.statements_executed ?? 0;
      assert.ok(reached >= 4 && reached < totalStatements);
      assert.match(
        failed?.error_message ?? "",
        new RegExp(`statement ${reached + 1} \\(line ${reached + 1}: UNWIND range`),
      );

      engine = await startLocalNeo4j({ home, heap: "512m", pageCache: "128m", logger: silentLogger() });
      // The statement in flight when the engine stopped may have committed without the client
      // hearing back: resume runs it again, which is safe because c360's statements are idempotent.
      const kept = await slowCount(engine.boltUri);
      assert.ok(kept === (reached - 1) * perBatch || kept === reached * perBatch, `the store kept ${kept}`);
      const resumed = await runCli(["load", slowScript, "--resume"], {
        env: { ...env(), NEO4J_URI: engine.boltUri },
        timeoutMs: 300_000,
      });
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.equal(await slowCount(engine.boltUri), batches * perBatch);
    } finally {
      await engine.stop();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("an unreachable control database at start: exit 4 with the server named, nothing touched", async () => {
    await cleanGraph(driver);
    const result = await runCli(["run", "--clear"], { env: { ...env(), ETL_DB_PORT: "1" } });
    assert.equal(result.code, ExitCode.controlDb);
    assert.match(result.stderr, /cannot connect to PostgreSQL at postgres@127\.0\.0\.1:1\//);
    assert.equal(await slowCount(), 0);
    const unreachableNeo4j = await runCli(["load", slowScript], {
      env: { ...env(), NEO4J_URI: "bolt://127.0.0.1:1" },
    });
    assert.equal(unreachableNeo4j.code, ExitCode.target, unreachableNeo4j.stderr);
    assert.match(unreachableNeo4j.stderr, /cannot connect to Neo4j at bolt:\/\/127\.0\.0\.1:1/);
  });
});

describe("signals and timeouts", () => {
  const bigSource = uniqueName("faults_big");

  before(async () => {
    await createDatabase(bigSource);
    await query(
      bigSource,
      "CREATE TABLE events AS SELECT g::bigint AS id, md5(g::text) AS payload FROM generate_series(1, 400000) g; ALTER TABLE events ADD PRIMARY KEY (id)",
    );
    await registerTable(control, "big_db", bigSource, "events", "Event");
  });

  after(() => dropDatabases([bigSource]));

  async function extractionStarted(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const rows = await query(
        control,
        "SELECT 1 FROM etl_table_logs WHERE table_name = 'events' AND status = 'running'",
      );
      if (rows.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error("extraction never started");
  }

  async function lastGenerate() {
    const rows = await query<{
      log_id: number;
      status: string;
      exit_code: number | null;
      script_id: number | null;
    }>(
      control,
      "SELECT log_id, status, exit_code, script_id FROM etl_run_logs WHERE command = 'generate' ORDER BY log_id DESC LIMIT 1",
    );
    return rows[0];
  }

  it("SIGINT stops at a safe point: the run and the table are aborted, exit 130, no script left or registered", async () => {
    await query(control, "DELETE FROM etl_table_logs");
    const outputDir = emptyDir();
    const running = startCli(["generate", "--output-dir", outputDir, "--batch-size", "100"], { env: env() });
    await extractionStarted();
    running.child.kill("SIGINT");
    const result = await running.result;
    assert.equal(result.code, ExitCode.interrupted, result.stderr);
    const run = await lastGenerate();
    assert.equal(run?.status, "aborted");
    assert.equal(run?.exit_code, ExitCode.interrupted);
    assert.equal(run?.script_id, null);
    const table = await query<{ status: string }>(
      control,
      "SELECT status FROM etl_table_logs WHERE table_name = 'events' ORDER BY table_log_id DESC LIMIT 1",
    );
    assert.equal(table[0]?.status, "aborted");
    assert.deepEqual(readdirSync(outputDir), [], "the partial script was removed");
    const scripts = await query(control, "SELECT 1 FROM cypher_scripts WHERE file_path LIKE $1", [
      `${outputDir}%`,
    ]);
    assert.equal(scripts.length, 0);
  });

  it("a second signal exits at once instead of waiting for the safe point", async () => {
    const before = (await lastLoad())?.log_id ?? 0;
    await cleanGraph(driver);
    const running = startCli(["load", slowScript], { env: env(), timeoutMs: 300_000 });
    await loadReached(2, before);
    const acknowledged = new Promise<void>((resolve) => {
      running.child.stderr?.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("stopping at the next safe point")) resolve();
      });
    });
    running.child.kill("SIGTERM");
    await acknowledged;
    running.child.kill("SIGTERM");
    const result = await running.result;
    assert.equal(result.code, ExitCode.terminated, result.stderr);
    assert.ok(logLines(result.stderr).some((l) => l.msg === "second signal: exiting now"));
  });

  it("a statement that waits on a lock gives up after C360_LOCK_TIMEOUT_S: exit 4, nothing hangs", async () => {
    const blocker = new pg.Client(testServer(control));
    await blocker.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query('LOCK TABLE "etl_run_logs" IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const result = await runCli(["generate", "--output-dir", emptyDir()], {
        env: { ...env(), C360_LOCK_TIMEOUT_S: "1", C360_STATEMENT_TIMEOUT_S: "5" },
      });
      assert.equal(result.code, ExitCode.controlDb, result.stderr);
      assert.match(result.stderr, /lock timeout/);
      assert.ok(Date.now() - started < 15_000, "it gave up within seconds");
    } finally {
      await blocker.query("ROLLBACK");
      await blocker.end();
    }
  });
});
