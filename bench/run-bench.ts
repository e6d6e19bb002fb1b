/**
 * `npm run bench [-- --scale N]`: c360 end to end on synthetic data of a chosen size.
 *
 * Data is generated inside PostgreSQL (bench/sql), in the real source schemas, so generating it is
 * not what is measured. c360 runs as its own process (`c360 run --clear`) against a fresh local
 * Neo4j store; its peak RSS is read from /proc. Every run checks the graph against the sources: a
 * fast wrong load is a failed run. Last, the nightly sync scenario (bench/sync-scenario.ts) changes
 * the sources and syncs. Results go to bench/results/ as JSON and Markdown.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { createLogger } from "../src/logger.js";
import { createDriver, serverVersion } from "../src/neo4j/driver.js";
import { startLocalNeo4j } from "../src/neo4j-local/launcher.js";
import { loadSample } from "../src/sample/load-sample.js";
import { projectRoot, toolVersion } from "../src/version.js";
import { expectedGraphCounts, graphCounts, type TestUniverse } from "../test/helpers/universe.js";
import { databaseNames, dropDatabases, query, testServer } from "../test/helpers/postgres.js";
import { adminImport, exportCsv } from "./admin-import.js";
import { handWrittenUnwind, originalApproachRate } from "./baselines.js";
import { phaseTimes } from "./run-log.js";
import {
  syncMarkdown,
  syncScenario,
  type EngineCpu,
  type ScenarioRun,
  type SyncResultSummary,
} from "./sync-scenario.js";

const logger = createLogger({ level: "info" });
const scaleArg = process.argv.indexOf("--scale");
/** `--no-baselines`: c360 alone (the memory and throughput curve across scales). */
const withBaselines = !process.argv.includes("--no-baselines");
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

/** A bench SQL file with its `:name` placeholders filled in (the sizes, and `extra`). */
function sqlFor(file: string, extra: Record<string, number> = {}): string {
  let text = readFileSync(path.join(projectRoot, "bench", "sql", file), "utf8");
  for (const [name, value] of Object.entries({ ...sizes, ...extra }))
    text = text.replaceAll(`:${name}`, String(value));
  return text;
}

interface CliRun extends ScenarioRun {
  /** [epoch ms, VmRSS bytes] every 50 ms: where in the run memory peaks. */
  rssSamples: Array<[number, number]>;
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
  let cpu = 0;
  const rssSamples: Array<[number, number]> = [];
  child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const sampler = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
      const rss = /VmRSS:\s+(\d+) kB/.exec(status);
      if (rss) rssSamples.push([Date.now(), Number(rss[1]) * 1024]);
      cpu = cpuTicks(`/proc/${child.pid}/stat`);
    } catch {
      // The process is gone; the last reading stands.
    }
  }, 50);
  return new Promise((resolve) => {
    child.once("close", (code) => {
      clearInterval(sampler);
      resolve({
        code,
        stdout,
        stderr,
        peakRssBytes: peak,
        cpuSeconds: cpu / ticksPerSecond,
        rssSamples,
        wallMs: Date.now() - started,
      });
    });
  });
}

type Engine = Awaited<ReturnType<typeof startLocalNeo4j>>;
/** CPU clock ticks, in all and in the JIT compiler threads. */
type CpuTicks = { all: number; jit: number };

/** Linux reports process CPU time in clock ticks of 1/100 s (`getconf CLK_TCK`). */
const ticksPerSecond = 100;

function cpuTicks(statFile: string): number {
  const stat = readFileSync(statFile, "utf8");
  // utime and stime are the 14th and 15th fields; the command name before them may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * The CPU the engine has used since it started, and the part its JIT compiler threads used. The
 * difference over a load (`cpuSince`) is what that load cost Neo4j: with N cores the load cannot
 * take less than that divided by N, however little CPU the client uses.
 */
function engineTicks(engine: Engine): CpuTicks {
  let jit = 0;
  for (const task of readdirSync(`/proc/${engine.pid}/task`)) {
    const dir = `/proc/${engine.pid}/task/${task}`;
    try {
      if (/^C[12] CompilerThre/.test(readFileSync(`${dir}/comm`, "utf8"))) jit += cpuTicks(`${dir}/stat`);
    } catch {
      // The thread ended while we looked.
    }
  }
  return { all: cpuTicks(`/proc/${engine.pid}/stat`), jit };
}

function cpuSince(before: CpuTicks, engine: Engine): EngineCpu {
  const after = engineTicks(engine);
  const seconds = (ticks: number) => Math.round((ticks * 10) / ticksPerSecond) / 10;
  return { seconds: seconds(after.all - before.all), jitSeconds: seconds(after.jit - before.jit) };
}

/** Every contender gets its own engine on a fresh store with the same settings: same cold start. */
async function withFreshEngine<T>(
  fn: (engine: Engine, home: string) => Promise<T>,
  home?: string,
): Promise<T> {
  const dir = home ?? mkdtempSync(path.join(tmpdir(), "c360-bench-neo4j-"));
  const engine = await startLocalNeo4j({ home: dir, ...neo4jSettings, logger });
  try {
    return await fn(engine, dir);
  } finally {
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function driverFor(engine: Engine) {
  return createDriver({ uri: engine.boltUri, username: "neo4j", password: undefined, database: "neo4j" });
}

/** Counts per label and relationship type in the engine's graph, compared with the sources. */
async function checkGraph(
  engine: Engine,
  expected: Record<string, number>,
): Promise<{ correct: boolean; entities: number; version: string }> {
  const driver = driverFor(engine);
  try {
    const actual = await graphCounts(driver);
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    const correct = keys.every((key) => expected[key] === actual[key]);
    if (!correct) logger.error({ expected, actual }, "the graph does not match the sources");
    return {
      correct,
      entities: Object.values(actual).reduce((a, b) => a + b, 0),
      version: await serverVersion(driver, "neo4j"),
    };
  } finally {
    await driver.close();
  }
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

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
  const outputDir = mkdtempSync(path.join(tmpdir(), "c360-bench-scripts-"));
  const csvDir = mkdtempSync(path.join(tmpdir(), "c360-bench-csv-"));
  try {
    logger.info(sizes, "generating synthetic data inside PostgreSQL");
    await query(universe.source("profiles_db"), sqlFor("profiles.sql"));
    await query(universe.source("streaming_db"), sqlFor("streaming.sql"));
    await query(universe.source("support_db"), sqlFor("support.sql"));
    for (const db of ["profiles_db", "streaming_db", "support_db"] as const)
      await query(universe.source(db), "VACUUM ANALYZE");
    const expected = await expectedGraphCounts(universe);
    const sourceRows = Object.entries(expected)
      .filter(([k]) => k.startsWith(":"))
      .reduce((a, [, n]) => a + n, 0);
    const expectedEntities = Object.values(expected).reduce((a, b) => a + b, 0);
    const source = (db: "profiles_db" | "streaming_db" | "support_db") => testServer(universe.source(db));

    logger.info("c360 run --clear, as its own process");
    const c360 = await withFreshEngine(async (engine) => {
      const cpuBefore = engineTicks(engine);
      const run = await runC360(["run", "--clear", "--output-dir", outputDir], {
        ETL_DB_HOST: controlDb.host,
        ETL_DB_PORT: String(controlDb.port),
        ETL_DB_USER: controlDb.user,
        ETL_DB_NAME: controlDb.database,
        NEO4J_URI: engine.boltUri,
      });
      const runLog = path.join(tmpdir(), `c360-bench-${events}.log`);
      writeFileSync(runLog, run.stderr);
      logger.info({ runLog }, "c360's own log");
      if (run.code !== 0) throw new Error(`c360 run failed (${run.code}):\n${run.stderr.slice(-3000)}`);
      const cpu = cpuSince(cpuBefore, engine);
      return { run, engineCpu: cpu, ...(await checkGraph(engine, expected)) };
    });
    logger.info("c360 run --bulk --clear (offline import into a local store), as its own process");
    const bulk = await (async () => {
      const home = path.join(mkdtempSync(path.join(tmpdir(), "c360-bench-bulk-")), "store");
      const run = await runC360(
        [
          "run",
          "--bulk",
          "--clear",
          "--neo4j-home",
          home,
          "--heap",
          neo4jSettings.heap,
          "--page-cache",
          neo4jSettings.pageCache,
          "--output-dir",
          outputDir,
        ],
        {
          ETL_DB_HOST: controlDb.host,
          ETL_DB_PORT: String(controlDb.port),
          ETL_DB_USER: controlDb.user,
          ETL_DB_NAME: controlDb.database,
        },
      );
      writeFileSync(path.join(tmpdir(), `c360-bench-bulk-${events}.log`), run.stderr);
      if (run.code !== 0) {
        rmSync(path.dirname(home), { recursive: true, force: true });
        throw new Error(`c360 run --bulk failed (${run.code}):\n${run.stderr.slice(-3000)}`);
      }
      // The store it wrote, opened by a fresh engine, must hold the sources' graph.
      const check = await withFreshEngine((engine) => checkGraph(engine, expected), home);
      rmSync(path.dirname(home), { recursive: true, force: true });
      const times = phaseTimes(run.stderr);
      const ms = (section: string) => seconds(times.sectionsMs[section] ?? 0);
      return {
        correct: check.correct,
        phasesSeconds: {
          generate: seconds((times.at["generate completed"] ?? 0) - (times.at["generate started"] ?? 0)),
          convert: ms("convert"),
          import: ms("import"),
          schema: ms("schema"),
          relationshipsOnline: ms("relationships"),
          load: seconds((times.at["load completed"] ?? 0) - (times.at["load started"] ?? 0)),
          total: seconds(run.wallMs),
        },
        endToEndEntitiesPerSecond: Math.round(check.entities / (run.wallMs / 1000)),
        peakRssMB: Math.round(run.peakRssBytes / 1024 / 1024),
      };
    })();

    const { at, sectionsMs } = phaseTimes(c360.run.stderr);
    const generateMs = (at["generate completed"] ?? 0) - (at["generate started"] ?? 0);
    const loadMs = (at["load completed"] ?? 0) - (at["load started"] ?? 0);
    const totalSeconds = c360.run.wallMs / 1000;
    const peakMBBetween = (from: number | undefined, to: number | undefined) =>
      Math.round(
        c360.run.rssSamples
          .filter(([t]) => t >= (from ?? 0) && t <= (to ?? Infinity))
          .reduce((max, [, rss]) => Math.max(max, rss), 0) /
          2 ** 20,
      );

    let baselines: Record<string, unknown> | undefined;
    let ratios: Record<string, number> = {};
    if (withBaselines) {
      logger.info("baseline: hand-written UNWIND loader");
      const unwind = await withFreshEngine(async (engine) => {
        const driver = driverFor(engine);
        try {
          const cpuBefore = engineTicks(engine);
          const result = await handWrittenUnwind(driver, source);
          const cpu = cpuSince(cpuBefore, engine);
          return { ...result, engineCpu: cpu, correct: (await checkGraph(engine, expected)).correct };
        } finally {
          await driver.close();
        }
      });

      logger.info("baseline: neo4j-admin database import (export CSV, then import)");
      const admin = await (async () => {
        const home = mkdtempSync(path.join(tmpdir(), "c360-bench-import-"));
        const exportStarted = Date.now();
        const flags = await exportCsv(source, csvDir);
        const exportMs = Date.now() - exportStarted;
        const importStarted = Date.now();
        try {
          await adminImport(home, flags, neo4jSettings.heap);
        } catch (error) {
          rmSync(home, { recursive: true, force: true });
          throw error;
        }
        const importMs = Date.now() - importStarted;
        rmSync(csvDir, { recursive: true, force: true });
        // The imported store, opened by a fresh engine, must hold the same graph.
        const check = await withFreshEngine((engine) => checkGraph(engine, expected), home);
        return {
          exportSeconds: seconds(exportMs),
          importSeconds: seconds(importMs),
          seconds: seconds(exportMs + importMs),
          correct: check.correct,
        };
      })();

      logger.info("baseline: the original's one auto-commit CREATE per row, on a sample");
      const original = await withFreshEngine(async (engine) => {
        const driver = driverFor(engine);
        try {
          return await originalApproachRate(driver, source("streaming_db"), 2000);
        } finally {
          await driver.close();
        }
      });
      const originalExtrapolatedSeconds = expectedEntities / original.entitiesPerSecond;
      baselines = {
        handWrittenUnwind: unwind,
        neo4jAdminImport: admin,
        originalApproach: {
          sampleRows: original.entities,
          entitiesPerSecond: original.entitiesPerSecond,
          extrapolatedSeconds: Math.round(originalExtrapolatedSeconds),
        },
      };
      ratios = {
        speedupOverOriginal: Math.round(originalExtrapolatedSeconds / totalSeconds),
        speedVersusHandWrittenUnwind: Number((unwind.seconds / totalSeconds).toFixed(2)),
        timeVersusNeo4jAdminImport: Number((totalSeconds / admin.seconds).toFixed(2)),
        bulkTimeVersusNeo4jAdminImport: Number((bulk.phasesSeconds.total / admin.seconds).toFixed(2)),
        bulkSpeedupOverOriginal: Math.round(originalExtrapolatedSeconds / bulk.phasesSeconds.total),
      };
    }

    // Last: it changes the sources the contenders above read.
    logger.info("the nightly sync scenario, on one engine");
    const controlEnv = {
      ETL_DB_HOST: controlDb.host,
      ETL_DB_PORT: String(controlDb.port),
      ETL_DB_USER: controlDb.user,
      ETL_DB_NAME: controlDb.database,
    };
    const sync = await withFreshEngine(async (engine) => {
      const driver = driverFor(engine);
      try {
        return await syncScenario({
          runC360: (args) =>
            runC360([...args, "--output-dir", outputDir], { ...controlEnv, NEO4J_URI: engine.boltUri }),
          driver,
          night: async (night) => {
            await query(universe.source("profiles_db"), sqlFor("night-profiles.sql", { night }));
            await query(universe.source("streaming_db"), sqlFor("night-streaming.sql", { night }));
            await query(universe.source("support_db"), sqlFor("night-support.sql", { night }));
          },
          countsCorrect: async () => (await checkGraph(engine, await expectedGraphCounts(universe))).correct,
          engineCpu: () => {
            const before = engineTicks(engine);
            return () => cpuSince(before, engine);
          },
          log: (message) => logger.info(message),
        });
      } finally {
        await driver.close();
      }
    });

    const scriptBytes = Number(
      (
        await query<{ n: string }>(controlDb.database, "SELECT max(file_size_bytes) AS n FROM cypher_scripts")
      )[0]?.n,
    );
    const result = {
      date: new Date().toISOString(),
      toolVersion,
      scale: sizes,
      correct: c360.correct,
      sourceRows,
      graphEntities: c360.entities,
      phasesSeconds: {
        generate: seconds(generateMs),
        schema: seconds(sectionsMs.schema ?? 0),
        nodes: seconds(sectionsMs.nodes ?? 0),
        relationships: seconds(sectionsMs.relationships ?? 0),
        load: seconds(loadMs),
        total: seconds(c360.run.wallMs),
      },
      generateRowsPerSecond: Math.round(sourceRows / (generateMs / 1000)),
      nodesPerSecond: Math.round(sourceRows / ((sectionsMs.nodes ?? 1) / 1000)),
      relationshipsPerSecond: Math.round(
        (c360.entities - sourceRows) / ((sectionsMs.relationships ?? 1) / 1000),
      ),
      loadEntitiesPerSecond: Math.round(c360.entities / (loadMs / 1000)),
      endToEndEntitiesPerSecond: Math.round(c360.entities / totalSeconds),
      peakRssMB: Math.round(c360.run.peakRssBytes / 1024 / 1024),
      engineCpu: c360.engineCpu,
      peakRssMBByPhase: {
        generate: peakMBBetween(at["generate started"], at["generate completed"]),
        load: peakMBBetween(at["load started"], at["load completed"]),
      },
      scriptMB: Math.round(scriptBytes / 1024 / 1024),
      bulk,
      sync,
      baselines,
      ratios,
      neo4j: { version: c360.version, ...neo4jSettings },
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
    writeFileSync(path.join(projectRoot, "bench", "results", `${name}.md`), markdown(result));
    logger.info(result, "benchmark done");
    const baselinesCorrect =
      baselines === undefined ||
      Object.values(baselines).every((b) => (b as { correct?: boolean }).correct !== false);
    if (!c360.correct || !bulk.correct || !sync.correct || !baselinesCorrect) process.exitCode = 1;
  } finally {
    rmSync(outputDir, { recursive: true, force: true });
    rmSync(csvDir, { recursive: true, force: true });
    await universe.drop();
  }
}

type Result = {
  date: string;
  scale: typeof sizes;
  correct: boolean;
  sourceRows: number;
  graphEntities: number;
  phasesSeconds: Record<"generate" | "schema" | "nodes" | "relationships" | "load" | "total", number>;
  generateRowsPerSecond: number;
  nodesPerSecond: number;
  relationshipsPerSecond: number;
  loadEntitiesPerSecond: number;
  endToEndEntitiesPerSecond: number;
  peakRssMB: number;
  engineCpu: EngineCpu;
  peakRssMBByPhase: { generate: number; load: number };
  scriptMB: number;
  bulk: {
    correct: boolean;
    phasesSeconds: Record<
      "generate" | "convert" | "import" | "schema" | "relationshipsOnline" | "load" | "total",
      number
    >;
    endToEndEntitiesPerSecond: number;
    peakRssMB: number;
  };
  sync: SyncResultSummary;
  baselines?: Record<string, unknown>;
  ratios: Record<string, number>;
  neo4j: { version: string };
  machine: { cpus: number; memoryGB: number; cpuModel?: string };
};

function markdown(r: Result): string {
  const n = (x: number) => x.toLocaleString("en");
  const p = r.phasesSeconds;
  const lines = [
    `# c360 benchmark: ${n(r.scale.events)} play events`,
    "",
    `Measured ${r.date} with c360 ${toolVersion}, ${r.neo4j.version} (heap ${neo4jSettings.heap}, page cache ${neo4jSettings.pageCache}), ${r.machine.cpus} cores (${r.machine.cpuModel ?? "?"}), ${r.machine.memoryGB} GB, Node ${process.version}. Every contender runs on its own freshly started engine with an empty store.`,
    "",
    "## c360 (`c360 run --clear`, its own process)",
    "",
    "| measure | value |",
    "|---|---|",
    `| graph matches the sources (counts per label and type) | ${r.correct ? "yes" : "**NO**"} |`,
    `| source rows / graph entities | ${n(r.sourceRows)} / ${n(r.graphEntities)} |`,
    `| generate: extract, encode, write the script | ${p.generate} s, ${n(r.generateRowsPerSecond)} rows/s |`,
    `| load: schema | ${p.schema} s |`,
    `| load: nodes | ${p.nodes} s, ${n(r.nodesPerSecond)} nodes/s |`,
    `| load: relationships | ${p.relationships} s, ${n(r.relationshipsPerSecond)} relationships/s |`,
    `| load in all | ${p.load} s, ${n(r.loadEntitiesPerSecond)} entities/s |`,
    `| end to end (process start to exit) | ${p.total} s, ${n(r.endToEndEntitiesPerSecond)} entities/s |`,
    `| c360 peak RSS (whole run; sampled during generate / load) | ${r.peakRssMB} MB (${r.peakRssMBByPhase.generate} MB / ${r.peakRssMBByPhase.load} MB) |`,
    `| script size | ${r.scriptMB} MB |`,
    `| Neo4j's CPU time during the run (of it, JIT compilation) | ${r.engineCpu.seconds} s (${r.engineCpu.jitSeconds} s): at this cost, ${r.machine.cpus} cores cannot load it in less than ${Math.round(r.engineCpu.seconds / r.machine.cpus)} s |`,
    "",
    "## c360 --bulk (`c360 run --bulk --clear`, its own process: offline import into a local store)",
    "",
    "| measure | value |",
    "|---|---|",
    `| graph matches the sources (counts per label and type) | ${r.bulk.correct ? "yes" : "**NO**"} |`,
    `| generate: extract, encode, write the script | ${r.bulk.phasesSeconds.generate} s |`,
    `| load: convert the script to import files | ${r.bulk.phasesSeconds.convert} s |`,
    `| load: neo4j-admin database import | ${r.bulk.phasesSeconds.import} s |`,
    `| load: schema (constraints and indexes built on the imported store) | ${r.bulk.phasesSeconds.schema} s |`,
    `| load: relationship statements run online (junctions) | ${r.bulk.phasesSeconds.relationshipsOnline} s |`,
    `| load in all (with starting and stopping the engine, moving the store into place) | ${r.bulk.phasesSeconds.load} s |`,
    `| end to end (process start to exit) | ${r.bulk.phasesSeconds.total} s, ${n(r.bulk.endToEndEntitiesPerSecond)} entities/s |`,
    `| c360 peak RSS (the importer and the engine are their own processes) | ${r.bulk.peakRssMB} MB |`,
    "",
    ...syncMarkdown(r.sync),
  ];
  const b = r.baselines as
    | {
        handWrittenUnwind: {
          seconds: number;
          entitiesPerSecond: number;
          correct: boolean;
          engineCpu: EngineCpu;
        };
        neo4jAdminImport: { exportSeconds: number; importSeconds: number; seconds: number; correct: boolean };
        originalApproach: { sampleRows: number; entitiesPerSecond: number; extrapolatedSeconds: number };
      }
    | undefined;
  if (b === undefined) {
    lines.push("Baselines not measured in this run (`--no-baselines`).", "");
    return lines.join("\n");
  }
  lines.push(
    "## Side by side, same data, same machine",
    "",
    "| approach | time | graph | c360's ratio | target |",
    "|---|---|---|---|---|",
    `| original: one auto-commit CREATE per row (measured on ${n(b.originalApproach.sampleRows)} rows at ${n(b.originalApproach.entitiesPerSecond)} entities/s, **extrapolated**) | ${n(b.originalApproach.extrapolatedSeconds)} s | (sample) | c360 ${r.ratios.speedupOverOriginal}x faster | ≥ 50x |`,
    `| hand-written parameterized UNWIND loader (extract + load; Neo4j CPU ${b.handWrittenUnwind.engineCpu.seconds} s) | ${b.handWrittenUnwind.seconds.toFixed(1)} s | ${b.handWrittenUnwind.correct ? "correct" : "**WRONG**"} | c360 at ${r.ratios.speedVersusHandWrittenUnwind}x its speed | ≥ 0.8x |`,
    `| neo4j-admin database import (export CSV ${b.neo4jAdminImport.exportSeconds} s + import ${b.neo4jAdminImport.importSeconds} s) | ${b.neo4jAdminImport.seconds.toFixed(1)} s | ${b.neo4jAdminImport.correct ? "correct" : "**WRONG**"} | c360 --bulk takes ${r.ratios.bulkTimeVersusNeo4jAdminImport}x its time (online: ${r.ratios.timeVersusNeo4jAdminImport}x) | ≤ 3x |`,
    "",
    `c360 --bulk is ${r.ratios.bulkSpeedupOverOriginal}x faster than the original's approach.`,
    "",
    "The importer writes a new store offline (no constraints, no transactions, the database stopped); c360 online and the hand-written loader MERGE into a running database with constraints in place. c360 --bulk imports offline too, from its reviewed script, then builds the constraints and indexes and runs the junction statements on the new store.",
    "",
  );
  return lines.join("\n");
}

await main();
