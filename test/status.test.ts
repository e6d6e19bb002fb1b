/**
 * `c360 status`: the run history and the last script, as a person reads it and as JSON, after a
 * completed run and after a failed one.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Status } from "../src/control/status.js";
import { ExitCode } from "../src/errors.js";
import { emptyDir, runCli } from "./helpers/cli.js";
import { query } from "./helpers/postgres.js";
import { useSampleUniverse } from "./helpers/universe.js";

const suite = useSampleUniverse("status");
const env = () => suite.env();

async function status(): Promise<Status> {
  const result = await runCli(["status", "--json"], { env: env() });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Status;
}

describe("c360 status", () => {
  it("shows a completed run with its counts, then a failed one with its exit code and error", async () => {
    const run = await runCli(["run", "--clear", "--output-dir", emptyDir()], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    const script = run.stdout.split("\n")[0] as string;

    const done = await status();
    const [load, generate] = done.runs;
    assert.equal(generate?.command, "run");
    assert.equal(generate?.status, "completed");
    assert.equal(generate?.exitCode, 0);
    assert.equal(generate?.rows, 2560);
    assert.equal(load?.command, "load");
    assert.equal(load?.parentId, generate?.id);
    assert.equal(load?.nodes.created, 2560);
    assert.ok((load?.relationships.created ?? 0) > 4000);
    assert.ok((load?.seconds ?? -1) >= 0);
    assert.equal(done.lastScript?.path, script);
    assert.equal(done.lastScript?.file, "present");
    assert.equal(done.lastScript?.lastLoadStatus, "completed");

    const control = suite.universe().controlDb.database;
    await query(
      control,
      "UPDATE node_label_mappings SET table_name = 'acounts' WHERE node_label = 'Account'",
    );
    const failed = await runCli(["run", "--output-dir", emptyDir()], { env: env() });
    assert.equal(failed.code, ExitCode.config);
    const after = await status();
    assert.equal(after.runs[0]?.status, "failed");
    assert.equal(after.runs[0]?.exitCode, ExitCode.config);
    assert.match(after.runs[0]?.error ?? "", /table acounts does not exist/);

    const table = await runCli(["status", "--limit", "3"], { env: env() });
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^id\s+command\s+kind\s+status\s+exit\s+started \(UTC\)/m);
    assert.match(table.stdout, /^\d+\s+run\s+failed\s+3\s+.*table acounts does not exist/m);
    assert.match(table.stdout, /^\d+\s+load \(of \d+\)\s+full\s+completed\s+0\s.*\+2560/m);
    assert.match(
      table.stdout,
      /^last script: graph_output_\S+ \(#\d+\), \d+ statements, last loaded .* \(completed\)$/m,
    );
    assert.match(table.stdout, /\(3 rows\)/);

    const usage = await runCli(["status", "--limit", "none"], { env: env() });
    assert.equal(usage.code, ExitCode.usage);
  });
});
