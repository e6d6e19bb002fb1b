/**
 * `npm run bench [-- --scale N]`: c360 end to end on synthetic data of a chosen size.
 *
 * Data is generated inside PostgreSQL (bench/sql), in the real source schemas, so generating it is
 * not what is measured. c360 runs as its own process (`c360 run --clear`) against a fresh local
 * Neo4j store; its peak RSS is read from /proc. Every run checks the graph against the sources: a
 * fast wrong load is a failed run. Results go to bench/results/ as JSON and Markdown.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { createLogger } from "../src/logger.js";
import { createDriver, serverVersion } from "../src/neo4j/driver.js";
import { startLocalNeo4j } from "../src/neo4j-local/launcher.js";
import { loadSample } from "../src/sample/load-sample.js";
import { projectRoot, toolVersion } from "../src/version.js";
import { expectedGraphCounts, graphCounts, type TestUniverse } from "../test/helpers/universe.js";
import { databaseNames, dropDatabases, query, testServer } from "../test/helpers/postgres.js";
import { cleanGraph } from "../test/helpers/neo4j.js";
import { handWrittenUnwind, originalApproachRate, type BaselineResult } from "./baselines.js";

const logger = createLogger({ level: "info" });
const scaleArg = process.argv.indexOf("--scale");
const events = scaleArg >= 0 ? Number(process.argv[scaleArg + 1]) : 100_000;
if (!Number.isInteger(events) || events < 1_000 || events > 50_000_000) {
  throw new Error("--scale must be a whole number of play events from 1000 to 50000000");
}
const accounts = Math.max(100, Math.round(events / 50));
const sizes = {
  events,
  accounts,
  media: Math.max(30, Math.round(events / 1000)),
  tickets: Math.round(accounts / 2),
};
const neo4jSettings = { heap: "4g", pageCache: "4g", transactionMax: "2g" };

function sqlFor(file: string): string {
  let text = readFileSync(path.join(projectRoot, "bench", "sql", file), "utf8");
  for (const [name, value] of Object.entries(sizes)) text = text.replaceAll(`:${name}`, String(value));
  return text;
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  peakRssBytes: number;
  wallMs: number;
}

/** Runs the real CLI as its own process and samples its high-water RSS (VmHWM) from /proc. */
function runC360(args: string[], env: Record<string, string>): Promise<CliRun> {
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(projectRoot, "bin", "c360.js"), ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let peak = 0;
  child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const sampler = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
    } catch {
      // The process is gone; the last reading stands.
    }
  }, 50);
  return new Promise((resolve) => {
    child.once("close", (code) => {
      clearInterval(sampler);
      resolve({ code, stdout, stderr, peakRssBytes: peak, wallMs: Date.now() - started });
    });
  });
}

function phaseTimes(stderr: string): Record<string, number> {
  const times: Record<string, number> = {};
  for (const line of stderr.split("\n")) {
    if (!line.startsWith("{")) continue;
    const entry = JSON.parse(line) as { msg?: string; time?: number };
    if (entry.msg !== undefined && entry.time !== undefined && times[entry.msg] === undefined)
      times[entry.msg] = entry.time;
  }
  return times;
}

async function main(): Promise<void> {
  const prefix = "c360bench_";
  await dropDatabases(await databaseNames(prefix));
  const controlDb = testServer(`${prefix}etl_control_db`);
  await loadSample({ controlDb, databasePrefix: prefix, logger });
  const universe: TestUniverse = {
    prefix,
    controlDb,
    source: (name) => `${prefix}${name}`,
    drop: async () => dropDatabases(await databaseNames(prefix)),
  };
  logger.info(sizes, "generating synthetic data inside PostgreSQL");
  await query(universe.source("profiles_db"), sqlFor("profiles.sql"));
  await query(universe.source("streaming_db"), sqlFor("streaming.sql"));
  await query(universe.source("support_db"), sqlFor("support.sql"));
  for (const db of ["profiles_db", "streaming_db", "support_db"] as const)
    await query(universe.source(db), "VACUUM ANALYZE");

  const home = mkdtempSync(path.join(tmpdir(), "c360-bench-neo4j-"));
  const engine = await startLocalNeo4j({ home, ...neo4jSettings, logger });
  const outputDir = mkdtempSync(path.join(tmpdir(), "c360-bench-scripts-"));
  try {
    const run = await runC360(["run", "--clear", "--output-dir", outputDir], {
      ETL_DB_HOST: controlDb.host,
      ETL_DB_PORT: String(controlDb.port),
      ETL_DB_USER: controlDb.user,
      ETL_DB_NAME: controlDb.database,
      NEO4J_URI: engine.boltUri,
    });
    if (run.code !== 0) throw new Error(`c360 run failed (${run.code}):\n${run.stderr.slice(-3000)}`);
    const t = phaseTimes(run.stderr);
    const generateMs = (t["generate completed"] ?? 0) - (t["generate started"] ?? 0);
    const loadMs = (t["load completed"] ?? 0) - (t["load started"] ?? 0);

    const driver = createDriver({
      uri: engine.boltUri,
      username: "neo4j",
      password: undefined,
      database: "neo4j",
    });
    let version = "";
    let correct = false;
    let entities = 0;
    let rows = 0;
    try {
      version = await serverVersion(driver, "neo4j");
      const expected = await expectedGraphCounts(universe);
      const actual = await graphCounts(driver);
      const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
      correct = keys.every((key) => expected[key] === actual[key]);
      if (!correct) logger.error({ expected, actual }, "the graph does not match the sources");
      entities = Object.values(actual).reduce((a, b) => a + b, 0);
      rows = Object.entries(expected)
        .filter(([k]) => k.startsWith(":"))
        .reduce((a, [, n]) => a + n, 0);
    } finally {
      await driver.close();
    }
    // Baselines on the same data and the same engine, each from an empty graph and schema.
    const baselineDriver = createDriver({
      uri: engine.boltUri,
      username: "neo4j",
      password: undefined,
      database: "neo4j",
    });
    let unwind: BaselineResult;
    let original: BaselineResult;
    let unwindCorrect = false;
    try {
      await cleanGraph(baselineDriver);
      logger.info("baseline: hand-written UNWIND loader");
      unwind = await handWrittenUnwind(baselineDriver, (db) => testServer(universe.source(db)));
      const expected = await expectedGraphCounts(universe);
      const actual = await graphCounts(baselineDriver);
      unwindCorrect = Object.keys(expected).every((key) => expected[key] === actual[key]);
      await cleanGraph(baselineDriver);
      logger.info("baseline: the original's one auto-commit CREATE per row, on a sample");
      original = await originalApproachRate(
        baselineDriver,
        testServer(universe.source("streaming_db")),
        2000,
      );
      await cleanGraph(baselineDriver);
    } finally {
      await baselineDriver.close();
    }
    const originalExtrapolatedSeconds = entities / original.entitiesPerSecond;
    const scriptBytes = Number(
      (
        await query<{ n: string }>(controlDb.database, "SELECT max(file_size_bytes) AS n FROM cypher_scripts")
      )[0]?.n,
    );
    const result = {
      date: new Date().toISOString(),
      toolVersion,
      scale: sizes,
      correct,
      sourceRows: rows,
      graphEntities: entities,
      generateSeconds: generateMs / 1000,
      generateRowsPerSecond: Math.round(rows / (generateMs / 1000)),
      loadSeconds: loadMs / 1000,
      loadEntitiesPerSecond: Math.round(entities / (loadMs / 1000)),
      totalSeconds: run.wallMs / 1000,
      endToEndEntitiesPerSecond: Math.round(entities / (run.wallMs / 1000)),
      peakRssMB: Math.round(run.peakRssBytes / 1024 / 1024),
      handWrittenUnwind: { ...unwind, correct: unwindCorrect },
      originalApproach: {
        sampleRows: original.entities,
        entitiesPerSecond: original.entitiesPerSecond,
        extrapolatedSeconds: Math.round(originalExtrapolatedSeconds),
      },
      ratios: {
        speedupOverOriginal: Math.round(originalExtrapolatedSeconds / (run.wallMs / 1000)),
        speedVersusHandWrittenUnwind: Number((unwind.seconds / (run.wallMs / 1000)).toFixed(2)),
      },
      scriptMB: Math.round(scriptBytes / 1024 / 1024),
      neo4j: { version, ...neo4jSettings },
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryGB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
      },
    };
    const name = `c360-${events}`;
    writeFileSync(
      path.join(projectRoot, "bench", "results", `${name}.json`),
      JSON.stringify(result, null, 2) + "\n",
    );
    writeFileSync(
      path.join(projectRoot, "bench", "results", `${name}.md`),
      [
        `# c360 benchmark: ${events.toLocaleString("en")} play events`,
        "",
        `Measured ${result.date} with c360 ${toolVersion}, ${version} (heap ${neo4jSettings.heap}, page cache ${neo4jSettings.pageCache}), ${result.machine.cpus} cores, ${result.machine.memoryGB} GB, Node ${process.version}.`,
        "",
        "| measure | value |",
        "|---|---|",
        `| graph matches the sources (counts per label and type) | ${correct ? "yes" : "**NO**"} |`,
        `| source rows / graph entities | ${rows.toLocaleString("en")} / ${entities.toLocaleString("en")} |`,
        `| generate (extract, encode, write) | ${result.generateSeconds.toFixed(1)} s, ${result.generateRowsPerSecond.toLocaleString("en")} rows/s |`,
        `| load (schema, nodes, relationships) | ${result.loadSeconds.toFixed(1)} s, ${result.loadEntitiesPerSecond.toLocaleString("en")} entities/s |`,
        `| end to end (c360 run --clear) | ${result.totalSeconds.toFixed(1)} s, ${result.endToEndEntitiesPerSecond.toLocaleString("en")} entities/s |`,
        `| c360 peak RSS | ${result.peakRssMB} MB |`,
        `| script size | ${result.scriptMB} MB |`,
        `| hand-written UNWIND loader (extract + load, same data and engine) | ${unwind.seconds.toFixed(1)} s, ${unwind.entitiesPerSecond.toLocaleString("en")} entities/s, graph ${unwindCorrect ? "correct" : "**WRONG**"} |`,
        `| original approach (one auto-commit CREATE per row), measured on ${original.entities} rows | ${original.entitiesPerSecond.toLocaleString("en")} entities/s; **extrapolated** to this graph: ${Math.round(originalExtrapolatedSeconds).toLocaleString("en")} s |`,
        `| c360 vs the original approach (extrapolated) | ${result.ratios.speedupOverOriginal}x faster |`,
        `| c360 speed relative to the hand-written loader | ${result.ratios.speedVersusHandWrittenUnwind}x (target ≥ 0.8) |`,
        "",
        "c360 runs first, on the freshly started engine; the baselines run after it on the same, warmed-up engine (each from an empty graph and schema).",
        "",
        "Not yet measured: neo4j-admin database import (issue 6).",
        "",
      ].join("\n"),
    );
    logger.info(result, "benchmark done");
    if (!correct) process.exitCode = 1;
  } finally {
    await engine.stop();
    rmSync(home, { recursive: true, force: true });
    rmSync(outputDir, { recursive: true, force: true });
    await universe.drop();
  }
}

await main();
