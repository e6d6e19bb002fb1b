import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Driver } from "neo4j-driver";
import { initControlDb } from "../src/control/migrate.js";
import { createHash } from "node:crypto";
import { ExitCode, ScriptFileError } from "../src/errors.js";
import { loadScript } from "../src/load/load.js";
import { generate } from "../src/generate/generate.js";
import { silentLogger } from "../src/logger.js";
import { createDriver } from "../src/neo4j/driver.js";
import { startLocalNeo4j } from "../src/neo4j-local/launcher.js";
import { emptyDir, runCli, startCli, type CliResult } from "./helpers/cli.js";
import { cleanGraph, testDriver, testNeo4j } from "./helpers/neo4j.js";
import {
  controlDbEnv,
  createDatabase,
  dropDatabases,
  query,
  registerTable,
  testServer,
  uniqueName,
} from "./helpers/postgres.js";
import {
  createSampleUniverse,
  expectedGraphCounts,
  graphCounts,
  graphSnapshot,
  runScript,
  type TestUniverse,
} from "./helpers/universe.js";

const driver = testDriver();
const bulkFlags = ["--heap", "512m", "--page-cache", "128m"];
after(() => driver.close());

/** Everything a load decides: the graph, and the schema it leaves behind. */
async function describeGraph(target: Driver): Promise<{ snapshot: string; types: string; schema: string[] }> {
  const types = await target.executeQuery(
    "MATCH (n) RETURN labels(n) AS labels, [k IN keys(n) | k + ': ' + valueType(n[k])] AS types",
  );
  const schema = await target.executeQuery(
    "SHOW INDEXES YIELD name, type, labelsOrTypes, properties, owningConstraint WHERE type <> 'LOOKUP' " +
      "RETURN name, type, labelsOrTypes, properties, owningConstraint",
  );
  return {
    snapshot: await graphSnapshot(target),
    types: types.records
      .map((r) => JSON.stringify([r.get("labels"), (r.get("types") as string[]).sort()]))
      .sort()
      .join("\n"),
    schema: schema.records.map((r) => JSON.stringify(r.toObject())).sort(),
  };
}

/** Opens the store in `home` with a fresh engine for `work`. */
async function withStore<T>(home: string, work: (store: Driver) => Promise<T>): Promise<T> {
  const engine = await startLocalNeo4j({ home, heap: "512m", pageCache: "128m", logger: silentLogger() });
  const store = createDriver({
    uri: engine.boltUri,
    username: "neo4j",
    password: undefined,
    database: "neo4j",
  });
  try {
    return await work(store);
  } finally {
    await store.close();
    await engine.stop();
  }
}

function stagingLeftovers(home: string): string[] {
  const dir = path.dirname(home);
  return readdirSync(dir).filter((name) => name.startsWith(`${path.basename(home)}.c360-`));
}

/** Live processes whose command line mentions `text`. */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      if (command.includes(text)) found.push(`${pid}: ${command}`);
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

describe("c360 load --bulk on the sample universe", () => {
  let universe: TestUniverse;
  let env: Record<string, string>;
  let script: string;
  let online: Awaited<ReturnType<typeof describeGraph>>;
  let expected: Record<string, number>;
  const home = path.join(emptyDir(), "store");

  const cli = (args: string[]): Promise<CliResult> => runCli(args, { env, timeoutMs: 300_000 });

  before(async () => {
    universe = await createSampleUniverse("bulk");
    env = { ...controlDbEnv(universe.controlDb.database), NEO4J_URI: testNeo4j().uri };
    expected = await expectedGraphCounts(universe);
    script = (
      await generate({ controlDb: universe.controlDb, outputDir: emptyDir(), logger: silentLogger() })
    ).script.path;
    await cleanGraph(driver);
    await runScript(driver, script);
    online = await describeGraph(driver);
    await cleanGraph(driver);
  });

  after(async () => {
    await universe.drop();
  });

  it("writes exactly the graph, property types and schema an online load writes, and records the run", async () => {
    const run = await cli(["load", script, "--bulk", "--neo4j-home", home, ...bulkFlags]);
    assert.equal(run.code, 0, run.stderr);
    const nodes = Object.entries(expected)
      .filter(([k]) => k.startsWith(":"))
      .reduce((a, [, n]) => a + n, 0);
    const relationships = Object.entries(expected)
      .filter(([k]) => k.startsWith("[:"))
      .reduce((a, [, n]) => a + n, 0);
    assert.match(run.stdout, new RegExp(`${nodes} nodes and ${relationships} relationships created`));
    assert.match(run.stderr, /runs online: a junction statement/);
    await withStore(home, async (store) => {
      assert.deepEqual(await graphCounts(store), expected);
      const bulk = await describeGraph(store);
      assert.equal(bulk.snapshot, online.snapshot);
      assert.equal(bulk.types, online.types);
      assert.deepEqual(bulk.schema, online.schema);
    });
    const [runRow] = await query<{ status: string; nodes_created: string; relationships_created: string }>(
      universe.controlDb.database,
      "SELECT status, nodes_created, relationships_created FROM etl_run_logs WHERE command = 'load' ORDER BY log_id DESC LIMIT 1",
    );
    assert.deepEqual(runRow, {
      status: "completed",
      nodes_created: String(nodes),
      relationships_created: String(relationships),
    });
    assert.deepEqual(stagingLeftovers(home), [], "the staging store is removed");
  });

  it("refuses to replace a graph without --clear, and refuses while an engine has the store open", async () => {
    const refused = await cli(["load", script, "--bulk", "--neo4j-home", home, ...bulkFlags]);
    assert.equal(refused.code, ExitCode.refused, refused.stderr);
    assert.match(refused.stderr, /already holds a graph/);
    assert.match(refused.stderr, /"hint":"Add --clear to replace it/);

    const engine = await startLocalNeo4j({ home, heap: "256m", pageCache: "64m", logger: silentLogger() });
    try {
      const open = await cli(["load", script, "--bulk", "--clear", "--neo4j-home", home, ...bulkFlags]);
      assert.equal(open.code, ExitCode.refused, open.stderr);
      assert.match(open.stderr, /open in a running engine/);
    } finally {
      await engine.stop();
    }
    const resume = await cli(["load", script, "--bulk", "--resume", "--neo4j-home", home, ...bulkFlags]);
    assert.equal(resume.code, ExitCode.refused);
    assert.match(resume.stderr, /--resume does not apply to --bulk/);
    await withStore(home, async (store) =>
      assert.equal((await describeGraph(store)).snapshot, online.snapshot),
    );
  });

  it("refuses keys an online load would merge, naming the cause, and leaves the target's graph as it was", async () => {
    // The same Plan rows twice: MERGE makes one node of each, the importer would make two.
    const text = readFileSync(script, "utf8");
    const plans =
      /\nUNWIND \[\n[^\n]*`plan_id`[^]*?\nMERGE \(n:`Plan`[^\n]*\nSET n \+= row \{[^\n]*\};\n/.exec(text);
    assert.ok(plans !== null);
    const duplicated = path.join(emptyDir(), "duplicated.cypher");
    writeFileSync(duplicated, text.replace(plans[0], plans[0] + plans[0].slice(1)));
    const run = await cli(["load", duplicated, "--bulk", "--clear", "--neo4j-home", home, ...bulkFlags]);
    assert.equal(run.code, ExitCode.refused, run.stderr);
    assert.match(run.stderr, /"msg":"the imported nodes break a uniqueness constraint [^\n]*same key/);
    assert.match(run.stderr, /"hint":"Nothing changed in [^"]*\. Load this script online/);
    await withStore(home, async (store) =>
      assert.equal((await describeGraph(store)).snapshot, online.snapshot),
    );
    assert.deepEqual(stagingLeftovers(home), []);
  });

  it("refuses an edited node statement, naming it, before anything is written", async () => {
    const text = readFileSync(script, "utf8");
    const edited = path.join(emptyDir(), "edited.cypher");
    writeFileSync(
      edited,
      text.replace(/\nSET n \+= row (\{[^\n]*\});/, "\nSET n += row $1, n.reviewed = true;"),
    );
    const target = path.join(emptyDir(), "store");
    const run = await cli(["load", edited, "--bulk", "--neo4j-home", target, ...bulkFlags]);
    assert.equal(run.code, ExitCode.refused, run.stderr);
    assert.match(
      run.stderr,
      /statement \d+ \(line \d+\) cannot be bulk-imported: it is not a node statement/,
    );
    assert.equal(existsSync(target), false);
    assert.deepEqual(stagingLeftovers(target), []);
  });

  it("refuses a script whose content is not what was registered, before the target is touched", async () => {
    // `c360 run` hands the load generate's hash; the bulk conversion hashes what it reads.
    const original = readFileSync(script);
    const changed = path.join(emptyDir(), "changed_underneath.cypher");
    // A statement that would change the graph, if the check came after the store was moved in.
    writeFileSync(changed, Buffer.concat([original, Buffer.from("CREATE (:Intruder);\n")]));
    const failure = await loadScript({
      controlDb: universe.controlDb,
      neo4j: testNeo4j(),
      file: changed,
      written: {
        path: changed,
        name: path.basename(changed),
        sizeBytes: original.length,
        sha256: createHash("sha256").update(original).digest("hex"),
        statementCount: 1,
      },
      bulk: { home, heap: "512m", pageCache: "128m" },
      clear: true,
      logger: silentLogger(),
    }).then(
      () => assert.fail("the load must fail"),
      (error: unknown) => error,
    );
    assert.ok(failure instanceof ScriptFileError, String(failure));
    assert.match(failure.message, /changed while it was being loaded/);
    assert.equal(failure.exitCode, ExitCode.badScript);
    await withStore(home, async (store) =>
      assert.equal((await describeGraph(store)).snapshot, online.snapshot),
    );
    assert.deepEqual(stagingLeftovers(home), []);
  });

  it("stops at SIGTERM with exit 143 and the target unchanged", async () => {
    const target = path.join(emptyDir(), "store");
    const running = startCli(["load", script, "--bulk", "--neo4j-home", target, ...bulkFlags], {
      env,
      timeoutMs: 300_000,
    });
    // Signalled while the importer runs: the stop takes effect when it is done.
    await new Promise<void>((resolve) => {
      let seen = "";
      running.child.stderr?.on("data", (chunk: string) => {
        seen += chunk;
        if (seen.includes("importing offline")) resolve();
      });
    });
    running.child.kill("SIGTERM");
    const result = await running.result;
    assert.equal(result.code, ExitCode.terminated, result.stderr);
    assert.match(result.stderr, /bulk load stopped by a signal; the graph was not changed/);
    assert.equal(existsSync(target), false);
    assert.deepEqual(stagingLeftovers(target), []);
  });

  for (const [phase, mainClass] of [
    ["the importer", "org.neo4j.cli.AdminTool"],
    ["the staging engine", "dev.c360.neo4j.Launcher"],
  ] as const) {
    it(`exits at a second signal during ${phase}, its child and the staging home gone`, async () => {
      const target = path.join(emptyDir(), "store");
      const running = startCli(["load", script, "--bulk", "--neo4j-home", target, ...bulkFlags], {
        env,
        timeoutMs: 300_000,
      });
      // Watched in /proc, not in the log (which the CLI may flush late): the child in the staging home.
      const staged = () => processesMentioning(`${target}.c360-bulk-`).filter((p) => p.includes(mainClass));
      let exited = false;
      void running.result.then(() => (exited = true));
      while (!exited && staged().length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      if (exited) assert.fail(`the load ended before ${phase} ran: ${(await running.result).stderr}`);
      running.child.kill("SIGTERM");
      await new Promise((resolve) => setTimeout(resolve, 100));
      running.child.kill("SIGTERM");
      const result = await running.result;
      assert.equal(result.code, ExitCode.terminated, result.stderr);
      assert.match(result.stderr, /second signal: exiting now/);
      assert.deepEqual(processesMentioning(`${target}.c360-bulk-`), []);
      assert.deepEqual(stagingLeftovers(target), []);
      assert.equal(existsSync(target), false);
    });
  }

  it("`c360 run --bulk --clear` generates a script and replaces the graph with it", async () => {
    const run = await cli(["run", "--bulk", "--clear", "--neo4j-home", home, ...bulkFlags]);
    assert.equal(run.code, 0, run.stderr);
    await withStore(home, async (store) => assert.deepEqual(await graphCounts(store), expected));
  });
});

describe("c360 load --bulk on every column type", () => {
  const control = uniqueName("bulk_types_control");
  const source = uniqueName("bulk_types_source");
  let script: string;
  let online: Awaited<ReturnType<typeof describeGraph>>;

  before(async () => {
    await createDatabase(source);
    await query(
      source,
      `CREATE TYPE mood AS ENUM ('happy', 'it''s complicated');
       CREATE TABLE typed (
         id bigint PRIMARY KEY,
         c_smallint smallint, c_int integer, c_bigint bigint, c_numeric numeric(30, 10),
         c_real real, c_double double precision, c_bool boolean,
         c_text text, c_char char(5), c_enum mood, c_uuid uuid, c_inet inet,
         c_date date, c_timestamptz timestamptz, c_timestamp timestamp, c_time time, c_timetz timetz,
         c_interval interval, c_json json, c_jsonb jsonb, c_bytea bytea,
         c_int_array bigint[], c_text_array text[], c_nested int[]
       );
       INSERT INTO typed VALUES
         (1, -32768, 2147483647, 9007199254740993, 12345.6789, 1.5, 0.1, true,
          E'multi\\nline, "quoted"; // \\'it\\'s\\' \\\\ \\r\\t ☃ 🎬', 'ab', 'it''s complicated',
          'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '192.168.0.1',
          '2025-01-02', '2025-01-02 03:04:05.123456+05:30', '2025-01-02 03:04:05.5', '13:14:15.25', '13:14:15+05:30',
          '1 year 2 months 3 days 04:05:06.5', '{"a": [1, "x"]}', '{"b": null}', '\\x0102ff',
          '{1, 9223372036854775807}', '{"a\\"b", "c,d", "", "e\\nf"}', '{{1,2},{3,4}}'),
         (2, 0, 0, -9223372036854775808, 'NaN', 'Infinity', '-0', false,
          '', '', 'happy', '00000000-0000-0000-0000-000000000000', '::1',
          'infinity', '-infinity', 'infinity', '24:00:00', '00:00:00-12',
          '-1 day -00:00:00.000001', '[]', '[]', '\\x', NULL, NULL, NULL),
         (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
          NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
         (4, 1, 1, 1, '1e-5', '-Infinity', 'NaN', true, 'x', 'x', 'happy',
          'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', '10.1.2.3',
          '0044-03-15 BC', '0044-03-15 12:00:00+00 BC', '1999-12-31 23:59:59.999999', '00:00:00', '23:59:59.999999+14',
          'P0D', 'null', '"just a string"', '\\x00', '{-1}', '{"🎬"}', '{5}');
       CREATE TABLE child (
         child_id int PRIMARY KEY, typed_num bigint, typed_text text, day date
       );
       INSERT INTO child VALUES
         (1, 1, E'multi\\nline, "quoted"; // \\'it\\'s\\' \\\\ \\r\\t ☃ 🎬', '2025-01-02'),
         (2, 1, 'no such text', '2025-01-02'),
         (3, 4, 'x', '0044-03-15 BC'),
         (4, 5, 'x', NULL),
         (5, NULL, NULL, '1999-01-01');`,
    );
    await initControlDb(testServer(control), silentLogger());
    await registerTable(control, "typed_db", source, "typed", "Typed");
    await query(
      control,
      "INSERT INTO node_label_mappings (table_name, node_label) VALUES ('child', 'Child')",
    );
    // A composite join on an integer and hostile text, which c360 computes, and a join on dates,
    // which it leaves to Neo4j.
    await query(
      control,
      `INSERT INTO relationship_mappings
         (source_db, relationship_type, from_label, to_label, join_condition, from_alias, to_alias, execution_order)
       VALUES ('typed_db', 'POINTS_AT', 'Child', 'Typed', 'c.typed_num = t.id AND c.typed_text = t.c_text', 'c', 't', 1),
              ('typed_db', 'SAME_DAY', 'Child', 'Typed', 'c.day = t.c_date', 'c', 't', 2)`,
    );
    script = (
      await generate({ controlDb: testServer(control), outputDir: emptyDir(), logger: silentLogger() })
    ).script.path;
    await cleanGraph(driver);
    await runScript(driver, script);
    online = await describeGraph(driver);
    await cleanGraph(driver);
  });

  after(async () => {
    await dropDatabases([control, source]);
  });

  it("round-trips every value, type and relationship as the online load writes them", async () => {
    const home = path.join(emptyDir(), "store");
    const run = await runCli(["load", script, "--bulk", "--neo4j-home", home, ...bulkFlags], {
      env: controlDbEnv(control),
      timeoutMs: 300_000,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      /statement \d+ \(line \d+\) runs online: a value of c_date on :Typed is not a string, number or boolean/,
    );
    await withStore(home, async (store) => {
      const bulk = await describeGraph(store);
      assert.equal(bulk.snapshot, online.snapshot);
      assert.equal(bulk.types, online.types);
      assert.deepEqual(bulk.schema, online.schema);
      // What JSON cannot show: NaN stays NaN, -0.0 keeps its sign, and the joins found what = finds.
      const { records } = await store.executeQuery(
        "MATCH (n:Typed) RETURN n.id AS id, isNaN(n.c_numeric) AS nan, 1 / n.c_double < 0 AS negativeZero, " +
          "COUNT { (:Child)-[:POINTS_AT]->(n) } AS pointed, COUNT { (:Child)-[:SAME_DAY]->(n) } AS sameDay ORDER BY id",
      );
      const row = (id: number) => records.find((r) => r.get("id") === BigInt(id))?.toObject();
      assert.equal(row(2)?.nan, true);
      assert.equal(row(2)?.negativeZero, true);
      assert.equal(row(1)?.pointed, 1n, "both parts must match, the hostile text included");
      assert.equal(row(4)?.pointed, 1n);
      assert.equal(row(1)?.sameDay, 2n);
      assert.equal(row(4)?.sameDay, 1n);
    });
  });

  it("refuses a list it could not give back, naming the property", async () => {
    const text = readFileSync(script, "utf8");
    const edited = path.join(emptyDir(), "empty-list.cypher");
    assert.ok(text.includes("`c_int_array`: [-1]"));
    writeFileSync(edited, text.replace("`c_int_array`: [-1]", "`c_int_array`: []"));
    const home = path.join(emptyDir(), "store");
    const run = await runCli(["load", edited, "--bulk", "--neo4j-home", home, ...bulkFlags], {
      env: controlDbEnv(control),
      timeoutMs: 300_000,
    });
    assert.equal(run.code, ExitCode.refused, run.stderr);
    assert.match(
      run.stderr,
      /property \\?"c_int_array\\?" of :Typed holds a value the importer cannot give back/,
    );
    assert.equal(existsSync(home), false);
  });
});
