/**
 * Every attempt is a row in etl_run_logs, whatever stops it: a bad setting or bad metadata (exit 3), an unreachable
 * source (5), Neo4j down (6, found before anything is extracted) and a signal (130). `run`'s own
 * row says how the whole command ended, not only its first phase.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { ExitCode } from "../src/errors.js";
import { emptyDir, runCli, startCli } from "./helpers/cli.js";
import { query } from "./helpers/postgres.js";
import { useSampleUniverse } from "./helpers/universe.js";

const suite = useSampleUniverse("attempts");
const universe = () => suite.universe();
const env = () => suite.env();

interface RunRow {
  log_id: number;
  command: string;
  status: string;
  exit_code: number | null;
  error_message: string | null;
}

async function runRows(): Promise<RunRow[]> {
  return query<RunRow>(
    universe().controlDb.database,
    "SELECT log_id, command, status, exit_code, error_message FROM etl_run_logs ORDER BY log_id",
  );
}

/** Runs `args`, expects `exitCode`, and returns the rows the attempt added. */
async function attempt(args: string[], exitCode: number, extraEnv: Record<string, string> = {}) {
  const before = (await runRows()).length;
  const result = await runCli(args, { env: { ...env(), ...extraEnv } });
  assert.equal(result.code, exitCode, result.stderr);
  return { result, rows: (await runRows()).slice(before) };
}

describe("every attempt is a row", () => {
  it("a bad setting: failed, exit 3, the setting named; without a valid control database, no row", async () => {
    const { rows } = await attempt(["run", "--output-dir", emptyDir()], ExitCode.config, {
      C360_MAX_DELETE_PERCENT: "150",
      NEO4J_URI: "nope",
    });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.command, "run");
    assert.equal(rows[0]?.status, "failed");
    assert.equal(rows[0]?.exit_code, ExitCode.config);
    assert.match(rows[0]?.error_message ?? "", /C360_MAX_DELETE_PERCENT.*must be between 0 and 100/);
    assert.match(rows[0]?.error_message ?? "", /NEO4J_URI/, "every problem, as on stderr");

    const load = await attempt(["load", "missing.cypher"], ExitCode.config, { C360_NEW_COLUMNS: "maybe" });
    assert.equal(load.rows[0]?.command, "load");

    // A control database named wrongly cannot take the row: the error says so, with exit 3.
    const unrecorded = await attempt(["run"], ExitCode.config, { ETL_DB_PORT: "not-a-port" });
    assert.equal(unrecorded.rows.length, 0);
    assert.match(unrecorded.result.stderr, /ETL_DB_PORT/);
  });

  it("bad metadata: failed, exit 3, the problem recorded", async () => {
    const control = universe().controlDb.database;
    await query(
      control,
      "UPDATE node_label_mappings SET table_name = 'acounts' WHERE node_label = 'Account'",
    );
    try {
      const { rows } = await attempt(["run", "--clear", "--output-dir", emptyDir()], ExitCode.config);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.status, "failed");
      assert.equal(rows[0]?.exit_code, ExitCode.config);
      assert.match(rows[0]?.error_message ?? "", /table acounts does not exist in profiles_db/);
    } finally {
      await query(
        control,
        "UPDATE node_label_mappings SET table_name = 'accounts' WHERE node_label = 'Account'",
      );
    }
  });

  it("an unreachable source: failed, exit 5", async () => {
    const control = universe().controlDb.database;
    await query(control, "UPDATE source_databases SET db_port = 1 WHERE source_name = 'support_db'");
    try {
      const { rows } = await attempt(["run", "--clear", "--output-dir", emptyDir()], ExitCode.source);
      assert.deepEqual(
        rows.map((r) => [r.command, r.status, r.exit_code]),
        [["run", "failed", ExitCode.source]],
      );
      assert.match(rows[0]?.error_message ?? "", /support_db/);
    } finally {
      await query(control, "UPDATE source_databases SET db_port = 5432 WHERE source_name = 'support_db'");
    }
  });

  it("Neo4j down: failed, exit 6, within seconds and before anything is extracted", async () => {
    for (const args of [["run", "--clear"], ["run"]]) {
      const outputDir = emptyDir();
      const started = Date.now();
      const { rows } = await attempt([...args, "--output-dir", outputDir], ExitCode.target, {
        NEO4J_URI: "bolt://127.0.0.1:1",
        C360_CONNECT_TIMEOUT_S: "3",
      });
      assert.ok(Date.now() - started < 20_000, `${args.join(" ")} took ${Date.now() - started} ms`);
      assert.deepEqual(
        rows.map((r) => [r.command, r.status, r.exit_code]),
        [["run", "failed", ExitCode.target]],
        args.join(" "),
      );
      assert.match(rows[0]?.error_message ?? "", /bolt:\/\/127\.0\.0\.1:1/);
      assert.deepEqual(readdirSync(outputDir), [], "nothing extracted, no script");
      const extracted = await query<{ n: string }>(
        universe().controlDb.database,
        "SELECT count(*) AS n FROM etl_table_logs WHERE log_id = $1",
        [rows[0]?.log_id],
      );
      assert.equal(Number(extracted[0]?.n), 0, "no table was started");
    }
  });

  it("SIGINT during a run's load: the load and the run's own row are aborted, exit 130", async () => {
    const before = (await runRows()).length;
    const running = startCli(["run", "--clear", "--output-dir", emptyDir()], { env: env() });
    let signalled = false;
    running.child.stderr?.on("data", (chunk: Buffer) => {
      if (!signalled && chunk.toString().includes("load section completed: schema")) {
        signalled = true;
        running.child.kill("SIGINT");
      }
    });
    const result = await running.result;
    assert.ok(signalled, result.stderr);
    assert.equal(result.code, ExitCode.interrupted, result.stderr);
    const rows = (await runRows()).slice(before);
    assert.deepEqual(
      rows.map((r) => [r.command, r.status, r.exit_code]),
      [
        ["run", "aborted", ExitCode.interrupted],
        ["load", "aborted", ExitCode.interrupted],
      ],
    );
  });
});
