import assert from "node:assert/strict";
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createHash } from "node:crypto";
import { ExitCode, ScriptFileError } from "../src/errors.js";
import { clearGraph, loadScript } from "../src/load/load.js";
import { capturingLogger } from "./helpers/logs.js";
import { emptyDir, logLines, runCli, type CliResult } from "./helpers/cli.js";
import { cleanGraph, testDriver, testNeo4j } from "./helpers/neo4j.js";
import { controlDbEnv, query } from "./helpers/postgres.js";
import {
  createSampleUniverse,
  expectedGraphCounts,
  graphCounts,
  graphSnapshot,
  type TestUniverse,
} from "./helpers/universe.js";

const driver = testDriver();
let universe: TestUniverse;
let env: Record<string, string>;
let outputDir: string;
let firstScript: string;
let cleanSnapshot: string;
let expected: Record<string, number>;

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, { env, timeoutMs: 300_000 });
}

async function lastRuns(n: number) {
  return query<{
    log_id: number;
    command: string;
    status: string;
    parent_log_id: number | null;
    script_id: number | null;
    statements_total: number | null;
    statements_executed: number | null;
    nodes_created: string | null;
    relationships_created: string | null;
    error_message: string | null;
    exit_code: number | null;
  }>(
    universe.controlDb.database,
    `SELECT log_id, command, status, parent_log_id, script_id, statements_total, statements_executed, nodes_created,
            relationships_created, error_message, exit_code
     FROM etl_run_logs ORDER BY log_id DESC LIMIT ${n}`,
  );
}

before(async () => {
  universe = await createSampleUniverse("load");
  env = { ...controlDbEnv(universe.controlDb.database), NEO4J_URI: testNeo4j().uri };
  outputDir = emptyDir();
  expected = await expectedGraphCounts(universe);
  await cleanGraph(driver);
});

after(async () => {
  await driver.close();
  await universe.drop();
});

describe("c360 run, load and query against the real services", () => {
  it("c360 run --clear builds the graph the sources predict, recorded as two linked runs", async () => {
    await driver.executeQuery("CREATE (:Leftover {from: 'an earlier experiment'})");
    const result = await cli(["run", "--clear", "--output-dir", outputDir]);
    assert.equal(result.code, 0, result.stderr);
    firstScript = result.stdout.split("\n")[0] ?? "";
    assert.match(firstScript, /graph_output_\d{8}_\d{6}\.cypher$/);
    assert.deepEqual(await graphCounts(driver), expected, "--clear removed the leftover; counts reconcile");
    cleanSnapshot = await graphSnapshot(driver);

    const [load, generate] = await lastRuns(2);
    assert.equal(generate?.command, "run");
    assert.equal(generate?.status, "completed");
    assert.equal(load?.command, "load");
    assert.equal(load?.status, "completed");
    assert.equal(load?.parent_log_id, generate?.log_id);
    assert.equal(load?.script_id, generate?.script_id);
    assert.equal(load?.statements_executed, load?.statements_total);
    const nodes = Object.entries(expected)
      .filter(([k]) => k.startsWith(":"))
      .reduce((sum, [, n]) => sum + n, 0);
    const relationships = Object.entries(expected)
      .filter(([k]) => k.startsWith("["))
      .reduce((sum, [, n]) => sum + n, 0);
    assert.equal(Number(load?.nodes_created), nodes);
    assert.equal(Number(load?.relationships_created), relationships);
    const script = await query<{ last_run_status: string; last_run_time: Date | null }>(
      universe.controlDb.database,
      "SELECT last_run_status, last_run_time FROM cypher_scripts WHERE script_id = $1",
      [load?.script_id],
    );
    assert.equal(script[0]?.last_run_status, "completed");
    assert.ok(script[0]?.last_run_time instanceof Date);
    // Not a terminal: JSON log lines on stderr, nothing but results on stdout.
    assert.ok(logLines(result.stderr).some((line) => line.msg === "load completed"));
  });

  it("c360 query prints every analytics query with rows; query 8 tells John Smith's whole story", async () => {
    const result = await cli(["query", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const results = JSON.parse(result.stdout) as Array<{
      query: string;
      rows: Array<Record<string, unknown>>;
    }>;
    assert.equal(results.length, 10);
    for (const r of results) assert.ok(r.rows.length > 0, `${r.query} returned no rows`);
    const journey = results.find((r) => r.query === "08-customer-journey")?.rows[0];
    assert.equal(journey?.customer, "john.smith@email.com");
    assert.equal(typeof journey?.plan, "string");
    assert.equal(typeof journey?.payment, "string");
    assert.ok(Number(journey?.content_watched) > 0);
    assert.ok(Number(journey?.tickets) > 0);
    assert.ok((journey?.ticket_topics as string[]).length > 0);

    const table = await cli(["query", "8"]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(
      table.stdout,
      /== Customer journey: .* \(08-customer-journey\)\ncustomer +signup_date +plan/,
    );
    assert.match(table.stdout, /john\.smith@email\.com +2023-/);
    assert.match(table.stdout, /\(1 row\)/);
    const unknown = await cli(["query", "nonesuch"]);
    assert.equal(unknown.code, ExitCode.usage);
    assert.match(unknown.stderr, /no query in \S+ matches \\"nonesuch\\"/);
  });

  it("c360 load replays an earlier script and gives the same graph", async () => {
    const result = await cli(["load", firstScript]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /0 nodes and 0 relationships created/);
    assert.equal(await graphSnapshot(driver), cleanSnapshot);
    const cleared = await cli(["load", firstScript, "--clear"]);
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal(await graphSnapshot(driver), cleanSnapshot);
  });

  it("c360 load skips the schema statements whose names exist, and creates the ones missing", async () => {
    const names = async () => {
      const result = await driver.executeQuery(
        "SHOW INDEXES YIELD name WHERE name STARTS WITH 'c360_' RETURN name",
      );
      return result.records.map((record) => record.get("name") as string).sort();
    };
    const all = await names();
    assert.ok(all.includes("c360_Account_by_run") && all.includes("c360_Account_key"), all.join(", "));
    await driver.executeQuery("DROP INDEX `c360_Account_by_run`");
    await driver.executeQuery("DROP CONSTRAINT `c360_Account_key`");
    const result = await cli(["load", firstScript]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await names(), all);
    const constraints = await driver.executeQuery(
      "SHOW CONSTRAINTS YIELD name WHERE name = 'c360_Account_key' RETURN name",
    );
    assert.equal(constraints.records.length, 1);
    assert.equal(await graphSnapshot(driver), cleanSnapshot);
  });

  it("a script whose content differs from what generate wrote fails the load when it is read", async () => {
    // `c360 run` hands the load the hash generate computed and skips the pre-scan; the load hashes
    // the file again as it executes it, so content that changed underneath is caught.
    const original = readFileSync(firstScript);
    const changed = path.join(outputDir, "changed_underneath.cypher");
    writeFileSync(changed, Buffer.concat([original, Buffer.from("// appended by something else\n")]));
    const { logger } = capturingLogger();
    const failure = await loadScript({
      controlDb: universe.controlDb,
      neo4j: testNeo4j(),
      file: changed,
      written: {
        path: changed,
        name: path.basename(changed),
        sizeBytes: original.length,
        sha256: createHash("sha256").update(original).digest("hex"),
        statementCount: (await lastRuns(1))[0]?.statements_total ?? 0,
      },
      logger,
    }).then(
      () => assert.fail("the load must fail"),
      (error: unknown) => error,
    );
    assert.ok(failure instanceof ScriptFileError, String(failure));
    assert.match(failure.message, /changed_underneath\.cypher changed while it was being loaded/);
    assert.equal(failure.exitCode, ExitCode.badScript);
    const [run] = await lastRuns(1);
    assert.equal(run?.status, "failed");
    assert.equal(run?.exit_code, ExitCode.badScript);
    assert.equal(
      await graphSnapshot(driver),
      cleanSnapshot,
      "a replay of the same statements changed nothing",
    );
  });

  it("refuses a registered script that was modified, unless --allow-modified", async () => {
    const modified = path.join(emptyDir(), "copy.cypher");
    copyFileSync(firstScript, modified);
    const registered = await cli(["load", modified]); // an unregistered file is registered first
    assert.equal(registered.code, 0, registered.stderr);
    const rows = await query(
      universe.controlDb.database,
      "SELECT 1 FROM cypher_scripts WHERE file_path = $1",
      [modified],
    );
    assert.equal(rows.length, 1);

    appendFileSync(modified, "CREATE (:Tampered);\n");
    const refused = await cli(["load", modified]);
    assert.equal(refused.code, ExitCode.refused);
    assert.match(refused.stderr, /copy\.cypher was modified after it was registered/);
    const tampered = await driver.executeQuery("MATCH (t:Tampered) RETURN count(t) AS n");
    assert.equal(tampered.records[0]?.get("n"), 0n, "nothing of a refused script runs");

    const resumeChanged = await cli(["load", modified, "--resume", "--allow-modified"]);
    assert.equal(resumeChanged.code, ExitCode.refused);
    assert.match(resumeChanged.stderr, /cannot resume .*copy\.cypher: its content changed/);

    const allowed = await cli(["load", modified, "--allow-modified"]);
    assert.equal(allowed.code, 0, allowed.stderr);
    await driver.executeQuery("MATCH (t:Tampered) DELETE t");
  });

  it("a statement that fails mid-script stops the load naming it; --resume finishes it", async () => {
    await cleanGraph(driver);
    // A hand-edited script: a gate statement after the nodes that fails (division by zero)
    // until a :Gate node exists, then succeeds. It fails for a reason outside the script, as a
    // real load does (a full disk, a lock timeout), so the same file can be resumed.
    const lines = readFileSync(firstScript, "utf8");
    const marker = "\n// ---- relationships ----\n";
    assert.ok(lines.includes(marker));
    const gated = path.join(emptyDir(), "gated.cypher");
    writeFileSync(
      gated,
      lines.replace(
        marker,
        `\n// a gate\nOPTIONAL MATCH (g:Gate)\nRETURN 1 / coalesce(g.open, 0) AS passed;\n${marker}`,
      ),
    );
    const failed = await cli(["load", gated]);
    assert.equal(failed.code, ExitCode.partialLoad, failed.stderr);
    const gateIndex = lines.slice(0, lines.indexOf(marker)).match(/;\n/g)?.length ?? 0;
    const message = logLines(failed.stderr).find((line) => line.level === 50)?.msg as string;
    assert.match(
      message,
      new RegExp(
        `statement ${gateIndex + 1} \\(line \\d+: OPTIONAL MATCH \\(g:Gate\\)\\) failed \\[Neo\\.ClientError\\.Statement\\.ArithmeticError\\]: / by zero`,
      ),
    );
    assert.match(message, new RegExp(`statements up to ${gateIndex} are in the graph`));
    const [run] = await lastRuns(1);
    assert.equal(run?.status, "failed");
    assert.equal(run?.exit_code, ExitCode.partialLoad);
    assert.equal(run?.statements_executed, gateIndex, "the checkpoint is the last committed statement");
    assert.equal((await graphCounts(driver))["[:WATCHED]"], undefined, "no relationship was loaded");

    await driver.executeQuery("CREATE (:Gate {open: 1})");
    const resumed = await cli(["load", gated, "--resume"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const [resumedRun] = await lastRuns(1);
    assert.equal(resumedRun?.status, "completed");
    assert.equal(Number(resumedRun?.nodes_created), 0, "no node statement ran again");
    assert.equal(
      Number(resumedRun?.relationships_created),
      Object.entries(expected)
        .filter(([k]) => k.startsWith("["))
        .reduce((s, [, n]) => s + n, 0),
    );
    await driver.executeQuery("MATCH (g:Gate) DELETE g");
    assert.equal(await graphSnapshot(driver), cleanSnapshot, "the resumed graph equals a clean load");

    const nothing = await cli(["load", gated, "--resume"]);
    assert.equal(nothing.code, ExitCode.refused);
    assert.match(nothing.stderr, /nothing to resume/);
  });

  it("if generation fails, c360 run loads nothing and does not clear the graph", async () => {
    const before = await graphCounts(driver);
    await query(
      universe.controlDb.database,
      "UPDATE relationship_mappings SET join_condition = 'a.nope = t.customer_email' WHERE relationship_type = 'SUBMITTED'",
    );
    try {
      const result = await cli(["run", "--clear", "--output-dir", emptyDir()]);
      assert.equal(result.code, ExitCode.config, result.stderr);
      assert.deepEqual(await graphCounts(driver), before);
    } finally {
      await query(
        universe.controlDb.database,
        "UPDATE relationship_mappings SET join_condition = 'a.email = t.customer_email' WHERE relationship_type = 'SUBMITTED'",
      );
    }
  });

  it("refuses missing, empty, binary and truncated files before touching anything", async () => {
    const dir = emptyDir();
    const files: Record<string, [string | Buffer, RegExp]> = {
      "empty.cypher": ["", /empty\.cypher is empty/],
      "comments.cypher": ["// only a comment\n", /holds no statements/],
      "binary.cypher": [
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
        /contains NUL bytes/,
      ],
      "latin1.cypher": [
        Buffer.from([0x43, 0x52, 0x45, 0x41, 0x54, 0x45, 0x20, 0xe9, 0x3b]),
        /is not UTF-8 text/,
      ],
      "truncated.cypher": [
        "CREATE (:Ok);\nCREATE (:Cut {name: 'it was cut off here",
        /unterminated string literal starting on line 2/,
      ],
      "enormous.cypher": [
        `CREATE (:Ok);\nRETURN '${"x".repeat(65 * 1024 * 1024)}';\n`,
        /statement 2 \(from line 2\) is longer than 67108864 characters/,
      ],
    };
    const runsBefore = (await lastRuns(1))[0]?.log_id;
    for (const [name, [content, problem]] of Object.entries(files)) {
      writeFileSync(path.join(dir, name), content);
      const result = await cli(["load", path.join(dir, name)]);
      assert.equal(result.code, ExitCode.badScript, `${name}: ${result.stderr}`);
      assert.match(result.stderr, problem, name);
    }
    const missing = await cli(["load", path.join(dir, "missing.cypher")]);
    assert.equal(missing.code, ExitCode.badScript);
    assert.match(missing.stderr, /cannot read .*missing\.cypher/);
    assert.equal((await lastRuns(1))[0]?.log_id, runsBefore, "no run was started");
    const ok = await driver.executeQuery("MATCH (n:Ok) RETURN count(n) AS n");
    assert.equal(ok.records[0]?.get("n"), 0n, "not even the complete first statement ran");
  });

  it("--clear empties a graph of 200k nodes in bounded transactions", async () => {
    await cleanGraph(driver);
    const session = driver.session({ database: "neo4j" });
    try {
      await session
        .run(
          "UNWIND range(1, 200000) AS i CALL { WITH i CREATE (:Bulk {i: i})-[:NEXT]->(:Bulk2 {i: i}) } IN TRANSACTIONS OF 20000 ROWS",
        )
        .summary();
    } finally {
      await session.close();
    }
    const before = await driver.executeQuery("MATCH (n) RETURN count(n) AS n");
    assert.equal(before.records[0]?.get("n"), 400000n);
    await clearGraph(driver, "neo4j");
    const afterClear = await driver.executeQuery("MATCH (n) RETURN count(n) AS n");
    assert.equal(afterClear.records[0]?.get("n"), 0n);
  });
});
