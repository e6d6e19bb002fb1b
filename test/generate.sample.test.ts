import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { generate, type GenerateResult } from "../src/generate/generate.js";
import type { TablePlan } from "../src/metadata/plan.js";
import { relationshipShapes, relationshipStatement } from "../src/script/relationships.js";
import { projectRoot } from "../src/version.js";
import { emptyDir } from "./helpers/cli.js";
import { silentLogger } from "../src/logger.js";
import { capturingLogger } from "./helpers/logs.js";
import { cleanGraph, testDriver } from "./helpers/neo4j.js";
import { query } from "./helpers/postgres.js";
import { runAutoCommit } from "./helpers/relationships.js";
import {
  createSampleUniverse,
  expectedGraphCounts,
  graphCounts,
  graphSnapshot,
  runScript,
  type TestUniverse,
} from "./helpers/universe.js";

const driver = testDriver();
let universe: TestUniverse;
let result: GenerateResult;
let logText: () => string;
const outputDir = emptyDir();

async function sourceCount(database: string, sql: string): Promise<number> {
  const rows = await query<{ n: string }>(database, sql);
  return Number(rows[0]?.n);
}

before(async () => {
  universe = await createSampleUniverse("gen");
  await cleanGraph(driver);
  const capture = capturingLogger();
  logText = capture.text;
  result = await generate({ controlDb: universe.controlDb, outputDir, logger: capture.logger });
  await runScript(driver, result.script.path);
});

after(async () => {
  await driver.close();
  await universe.drop();
});

describe("c360 generate on the sample universe", () => {
  it("writes one timestamped script and registers it with its size, sha256 and statement count", async () => {
    assert.deepEqual(readdirSync(outputDir), [result.script.name]);
    assert.match(result.script.name, /^graph_output_\d{8}_\d{6}\.cypher$/);
    const bytes = readFileSync(result.script.path);
    const rows = await query<{
      file_path: string;
      sha256: string;
      statement_count: number;
      file_size_bytes: string;
      file_size_kb: number;
    }>(
      universe.controlDb.database,
      "SELECT file_path, sha256, statement_count, file_size_bytes, file_size_kb FROM cypher_scripts WHERE script_id = $1",
      [result.scriptId],
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.file_path, result.script.path);
    assert.equal(rows[0]?.sha256, createHash("sha256").update(bytes).digest("hex"));
    assert.equal(Number(rows[0]?.file_size_bytes), bytes.length);
    assert.equal(rows[0]?.file_size_kb, Math.ceil(bytes.length / 1024));
    assert.equal(rows[0]?.statement_count, result.script.statementCount);
    const terminated = bytes.toString("utf8").match(/;\n/g)?.length ?? 0;
    assert.ok(terminated >= result.script.statementCount);
  });

  it("gives one node per source row per label, and the relationship counts SQL predicts", async () => {
    const expected = await expectedGraphCounts(universe);
    for (const [key, n] of Object.entries(expected)) assert.ok(n > 0, `${key} should exist in the sample`);
    assert.deepEqual(await graphCounts(driver), expected);
    const tokens = await sourceCount(
      universe.source("streaming_db"),
      "SELECT count(*) AS n FROM play_events",
    );
    assert.ok((expected["[:WATCHED]"] ?? 0) < tokens, "orphan play events get no WATCHED");
  });

  it("never lets hashed_password reach the script, the graph or the logs", async () => {
    const script = readFileSync(result.script.path, "utf8");
    const hashes = await query<{ h: string }>(
      universe.source("profiles_db"),
      "SELECT hashed_password AS h FROM accounts",
    );
    assert.ok(hashes.length > 0);
    for (const { h } of hashes) {
      assert.ok(!script.includes(h), "a password hash is in the script");
      assert.ok(!logText().includes(h), "a password hash is in the logs");
    }
    assert.doesNotMatch(
      script.replace(/^\/\/.*$/gm, ""),
      /hashed_password/,
      "only the header may name the excluded column",
    );
    const { records } = await driver.executeQuery(
      "MATCH (n) WHERE 'hashed_password' IN keys(n) RETURN count(n) AS n",
    );
    assert.equal(records[0]?.get("n"), 0n);
  });

  it("stores the documented types", async () => {
    const expectations: Array<[string, string, string]> = [
      ["Account", "account_id", "STRING NOT NULL"],
      ["Account", "created_at", "ZONED DATETIME NOT NULL"],
      ["Plan", "plan_id", "INTEGER NOT NULL"],
      ["Plan", "monthly_fee", "FLOAT NOT NULL"],
      ["Media", "release_date", "DATE NOT NULL"],
      ["PlayEvent", "event_id", "INTEGER NOT NULL"],
      ["PlayEvent", "event_timestamp", "ZONED DATETIME NOT NULL"],
      ["PlayEvent", "ip_address", "STRING NOT NULL"],
      ["Ticket", "last_updated_at", "ZONED DATETIME NOT NULL"],
    ];
    for (const [label, property, type] of expectations) {
      const { records } = await driver.executeQuery(
        `MATCH (n:${label}) WHERE n.${property} IS NOT NULL RETURN DISTINCT valueType(n.${property}) AS t`,
      );
      assert.deepEqual(
        records.map((r) => r.get("t") as string),
        [type],
        `${label}.${property}`,
      );
    }
    // NULL columns are absent properties, not nulls or empty strings.
    const nulls = await sourceCount(
      universe.source("profiles_db"),
      "SELECT count(*) AS n FROM accounts WHERE full_name IS NULL",
    );
    const { records } = await driver.executeQuery(
      "MATCH (a:Account) WHERE NOT 'full_name' IN keys(a) RETURN count(a) AS n",
    );
    assert.equal(Number(records[0]?.get("n")), nulls);
    assert.ok(nulls > 0);
  });

  it("reads nasty strings back byte-exact", async () => {
    const tickets = await query<{ ticket_id: string; subject: string }>(
      universe.source("support_db"),
      "SELECT ticket_id, subject FROM tickets",
    );
    const { records } = await driver.executeQuery(
      "MATCH (t:Ticket) RETURN t.ticket_id AS id, t.subject AS subject",
    );
    const graph = new Map(records.map((r) => [r.get("id") as string, r.get("subject") as string]));
    for (const ticket of tickets) assert.equal(graph.get(ticket.ticket_id), ticket.subject, ticket.ticket_id);
    assert.equal(graph.get("TCK-0004"), "x;\nMATCH (n) DETACH DELETE n;\n//");
    const names = await query<{ account_id: string; full_name: string | null }>(
      universe.source("profiles_db"),
      "SELECT account_id::text, full_name FROM accounts",
    );
    const accounts = await driver.executeQuery(
      "MATCH (a:Account) RETURN a.account_id AS id, a.full_name AS name",
    );
    const graphNames = new Map(
      accounts.records.map((r) => [r.get("id") as string, r.get("name") as string | null]),
    );
    for (const row of names) assert.equal(graphNames.get(row.account_id), row.full_name ?? null);
  });

  it("executing the same script again leaves the graph unchanged", async () => {
    const countsBefore = await graphCounts(driver);
    const before = await graphSnapshot(driver);
    const counters = await runScript(driver, result.script.path);
    assert.equal(counters.nodesCreated, 0);
    assert.equal(counters.relationshipsCreated, 0);
    assert.deepEqual(await graphCounts(driver), countsBefore);
    assert.equal(await graphSnapshot(driver), before);
  });

  it("gives the same relationships when ends too large to hash are found through their index", async () => {
    const before = await graphSnapshot(driver);
    const rowCounts = new Map<TablePlan, number>(
      result.plan.tables.map((t) => [t, result.rows.get(`${t.source.sourceName}.${t.table}`) ?? 0]),
    );
    const shapes = relationshipShapes(result.plan, rowCounts);
    // Every combination the statement can take: both ends by index, or only one of them.
    for (const seek of [["from", "to"], ["from"], ["to"]] as const) {
      await driver.executeQuery("MATCH ()-[r]->() DELETE r");
      for (const relationship of result.plan.relationships) {
        const shape = shapes.get(relationship);
        assert.ok(shape !== undefined);
        const hashJoined = new Set(
          [...shape.hashJoined].filter((end) => !(seek as readonly string[]).includes(end)),
        );
        const statement = relationshipStatement(relationship, { ...shape, hashJoined }, 1);
        if (hashJoined.size < shape.hashJoined.size)
          assert.match(statement, /\n {2}MATCH \((from|to):`\w+` \{/);
        await runAutoCommit(driver, statement);
      }
      assert.equal(await graphSnapshot(driver), before, `index lookups for ${seek.join(" and ")}`);
    }
  });

  it("records the run, every table and the sources' last access in the control database", async () => {
    const control = universe.controlDb.database;
    const runs = await query<{
      status: string;
      command: string;
      script_id: number;
      rows_extracted: string;
      statements_total: number;
      run_end_time: Date | null;
      error_message: string | null;
    }>(
      control,
      "SELECT status, command, script_id, rows_extracted, statements_total, run_end_time, error_message FROM etl_run_logs WHERE log_id = $1",
      [result.runId],
    );
    assert.equal(runs[0]?.status, "completed");
    assert.equal(runs[0]?.command, "generate");
    assert.equal(runs[0]?.script_id, result.scriptId);
    assert.equal(runs[0]?.statements_total, result.script.statementCount);
    assert.equal(runs[0]?.error_message, null);
    assert.ok(runs[0]?.run_end_time instanceof Date);
    const tables = await query<{
      table_name: string;
      status: string;
      rows_processed: number;
      is_done: boolean;
      is_progressing: boolean;
      end_time: Date | null;
    }>(
      control,
      "SELECT table_name, status, rows_processed, is_done, is_progressing, end_time FROM etl_table_logs WHERE log_id = $1 ORDER BY table_log_id",
      [result.runId],
    );
    assert.equal(tables.length, 9);
    let total = 0;
    for (const table of tables) {
      assert.equal(table.status, "completed", table.table_name);
      assert.equal(table.is_done, true);
      assert.equal(table.is_progressing, false);
      assert.ok(table.end_time instanceof Date);
      total += table.rows_processed;
    }
    assert.equal(Number(runs[0]?.rows_extracted), total);
    assert.equal(tables.find((t) => t.table_name === "play_events")?.rows_processed, 2332);
    const accessed = await query(control, "SELECT 1 FROM source_databases WHERE last_accessed IS NULL");
    assert.equal(accessed.length, 0);
  });

  it("makes every analytics query in queries/ return rows", async () => {
    const dir = path.join(projectRoot, "queries");
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".cypher"))
      .sort();
    assert.equal(files.length, 10);
    for (const file of files) {
      const { records } = await driver.executeQuery(readFileSync(path.join(dir, file), "utf8"));
      assert.ok(records.length > 0, `${file} returned no rows`);
    }
    const journey = await driver.executeQuery(
      readFileSync(path.join(dir, "08-customer-journey.cypher"), "utf8"),
    );
    const john = journey.records[0];
    assert.ok(john !== undefined);
    assert.equal(typeof john.get("plan"), "string");
    assert.equal(typeof john.get("payment"), "string");
    assert.ok(Number(john.get("content_watched")) > 0);
    assert.ok(Number(john.get("tickets")) > 0);
    assert.ok((john.get("ticket_topics") as string[]).length > 0);
    const segments = await driver.executeQuery(
      readFileSync(path.join(dir, "02-customer-lifetime-value.cypher"), "utf8").replace("LIMIT 20", ""),
    );
    const seen = new Set(segments.records.map((r) => r.get("segment") as string));
    for (const segment of ["Power User", "Regular User", "Casual User", "At-Risk (No Activity)"])
      assert.ok(seen.has(segment), segment);
    const churn = await driver.executeQuery(
      readFileSync(path.join(dir, "03-churn-risk.cypher"), "utf8").replace("LIMIT 20", ""),
    );
    const risks = new Set(churn.records.map((r) => r.get("churn_risk") as string));
    for (const risk of [
      "HIGH RISK - Problems + No Usage",
      "HIGH RISK - No Activity",
      "MEDIUM RISK - Low Engagement",
      "LOW RISK - Active User",
    ]) {
      assert.ok(risks.has(risk), risk);
    }
    const heatmap = await driver.executeQuery(
      readFileSync(path.join(dir, "10-activity-heatmap.cypher"), "utf8"),
    );
    assert.equal(heatmap.records.length, 24);
  });

  it("gives the same graph shape from metadata written for the original tool (no source on label mappings)", async () => {
    const expected = await graphCounts(driver);
    await query(
      universe.controlDb.database,
      "UPDATE node_label_mappings SET source_id = NULL, description = NULL",
    );
    const original = await generate({
      controlDb: universe.controlDb,
      outputDir: emptyDir(),
      logger: silentLogger(),
    });
    await cleanGraph(driver);
    await runScript(driver, original.script.path);
    assert.deepEqual(await graphCounts(driver), expected);
  });
});
