import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { ControlDbError, ExitCode, SourceError } from "../src/errors.js";
import { generate } from "../src/generate/generate.js";
import { silentLogger } from "../src/logger.js";
import type { TablePlan } from "../src/metadata/plan.js";
import { emptyDir, runCli } from "./helpers/cli.js";
import {
  controlDbEnv,
  createDatabase,
  dropDatabases,
  query,
  testServer,
  uniqueName,
} from "./helpers/postgres.js";
import { createSampleUniverse, type TestUniverse } from "./helpers/universe.js";

let universe: TestUniverse;
before(async () => {
  universe = await createSampleUniverse("genfail");
});
after(() => universe.drop());

describe("generate failures are recorded truthfully and leave nothing behind", () => {
  it("a source connection that drops mid-extract fails its table and the run; no script is registered or left", async () => {
    const control = universe.controlDb.database;
    const outputDir = emptyDir();
    const streaming = universe.source("streaming_db");
    const noop = () => undefined;
    await assert.rejects(
      generate({
        controlDb: universe.controlDb,
        outputDir,
        logger: silentLogger(),
        batchSize: 100,
        fetchSize: 100,
        progress: {
          // The moment play_events starts, the source's backend is killed, as a DBA or a crash would.
          tableStarted: async (table: TablePlan) => {
            if (table.table !== "play_events") return;
            const activity = "FROM pg_stat_activity WHERE datname = $1 AND application_name = 'c360 extract'";
            const killed = await query("postgres", `SELECT pg_terminate_backend(pid) AS killed ${activity}`, [
              streaming,
            ]);
            assert.equal(killed.length, 1);
            while ((await query("postgres", `SELECT 1 ${activity}`, [streaming])).length > 0) {
              await new Promise((resolve) => setTimeout(resolve, 20));
            }
          },
          tableProgress: noop,
          tableFinished: noop,
        },
      }),
      (error: unknown) => {
        assert.ok(error instanceof SourceError, String(error));
        assert.match(error.message, /extracting streaming_db\.play_events failed: /);
        return true;
      },
    );
    const runs = await query<{
      status: string;
      error_message: string;
      exit_code: number;
      script_id: number | null;
      log_id: number;
    }>(
      control,
      "SELECT log_id, status, error_message, exit_code, script_id FROM etl_run_logs ORDER BY log_id DESC LIMIT 1",
    );
    assert.equal(runs[0]?.status, "failed");
    assert.equal(runs[0]?.exit_code, ExitCode.source);
    assert.equal(runs[0]?.script_id, null);
    assert.match(runs[0]?.error_message ?? "", /play_events/);
    const tables = await query<{ table_name: string; status: string; error_message: string | null }>(
      control,
      "SELECT table_name, status, error_message FROM etl_table_logs WHERE log_id = $1 ORDER BY table_log_id",
      [runs[0]?.log_id],
    );
    const statusOf = Object.fromEntries(tables.map((t) => [t.table_name, t.status]));
    assert.equal(statusOf.accounts, "completed");
    assert.equal(statusOf.media_content, "completed");
    assert.equal(statusOf.play_events, "failed");
    assert.equal(statusOf.tickets, "pending", "tables after the failure never started");
    assert.ok((tables.find((t) => t.table_name === "play_events")?.error_message ?? "").length > 0);
    const scripts = await query(control, "SELECT 1 FROM cypher_scripts");
    assert.equal(scripts.length, 0);
    assert.deepEqual(readdirSync(outputDir), [], "no partial file is left");
  });

  it("the CLI reports a failed generate with the source exit code", async () => {
    await query(
      universe.controlDb.database,
      "UPDATE source_databases SET db_name = 'c360t_no_such_db' WHERE source_name = 'support_db'",
    );
    try {
      const outputDir = emptyDir();
      const result = await runCli(["generate", "--output-dir", outputDir], {
        env: controlDbEnv(universe.controlDb.database),
      });
      assert.equal(result.code, ExitCode.source, result.stderr);
      assert.match(
        result.stderr,
        /source_databases row \d+ \(support_db\): cannot be reached: .*c360t_no_such_db/,
      );
      assert.deepEqual(readdirSync(outputDir), []);
    } finally {
      await query(
        universe.controlDb.database,
        "UPDATE source_databases SET db_name = $1 WHERE source_name = 'support_db'",
        [universe.source("support_db")],
      );
    }
  });

  it("--dry-run prints the plan and writes nothing, not even a run row", async () => {
    const control = universe.controlDb.database;
    const before = await query(control, "SELECT log_id FROM etl_run_logs");
    const outputDir = emptyDir();
    const result = await runCli(["generate", "--dry-run", "--output-dir", outputDir], {
      env: controlDbEnv(control),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^:Account {2}<- {2}profiles_db\.public\.accounts/m);
    assert.match(result.stdout, /event_timestamp {2}timestamptz -> ZONED DATETIME/);
    assert.match(
      result.stdout,
      /7\. \(:Account\)-\[:WATCHED\]->\(:PlayEvent\) {2}on from\.account_id = to\.account_id_from_token/,
    );
    assert.deepEqual(readdirSync(outputDir), []);
    assert.equal((await query(control, "SELECT log_id FROM etl_run_logs")).length, before.length);
  });

  it("refuses a control database that c360 init has not prepared", async () => {
    const name = uniqueName("noinit");
    await createDatabase(name);
    try {
      await assert.rejects(
        generate({ controlDb: testServer(name), outputDir: emptyDir(), logger: silentLogger() }),
        (error: unknown) => {
          assert.ok(error instanceof ControlDbError);
          assert.match(error.message, /no c360 schema history/);
          assert.match(error.hint ?? "", /c360 init/);
          return true;
        },
      );
    } finally {
      await dropDatabases([name]);
    }
  });

  it("rejects a bad --batch-size as a usage error, in generate and in run", async () => {
    for (const args of [
      ["generate", "--batch-size", "0"],
      ["run", "--batch-size", "many"],
    ]) {
      const result = await runCli(args, { env: controlDbEnv(universe.controlDb.database) });
      assert.equal(result.code, ExitCode.usage, args.join(" "));
      assert.match(result.stderr, /--batch-size must be a whole number from 1 to 100000/);
    }
  });
});
