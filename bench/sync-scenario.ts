/**
 * The nightly sync at bench scale, on one engine:
 * 1. a full online load (`c360 run --clear`), which also warms the engine;
 * 2. a night in which about 1% of the rows change (bench/sql/night-*.sql), then `c360 run`: the
 *    first sync the engine runs, so Neo4j plans and compiles the sync's queries as it goes;
 * 3. a second such night, other rows, then `c360 run`: a night as every later one is, on an engine
 *    that has run a sync before (reported beside the first, not instead of it);
 * 4. a night without change, then `c360 run`;
 * 5. the reference: the graph emptied (not timed), then a full online load of the changed sources,
 *    `c360 run --clear`, on the same engine, now as warm as it was for the syncs.
 * The synced graph's content must equal the reference's: every node with its properties (all but
 * the run stamp) and every relationship with its ends, compared as order-independent digests.
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Driver } from "neo4j-driver";
import { clearGraph } from "../src/load/load.js";
import { phaseTimes } from "./run-log.js";

/** What the scenario reads of one run of the CLI. */
export interface ScenarioRun {
  code: number | null;
  wallMs: number;
  peakRssBytes: number;
  /** The CPU time c360 used (user and system), as last sampled: within 50 ms of its end. */
  cpuSeconds: number;
  stderr: string;
  stdout: string;
}

/** What the scenario needs from the benchmark around it. */
export interface SyncBench<Run extends ScenarioRun> {
  runC360(args: string[]): Promise<Run>;
  driver: Driver;
  /** Applies night `n`'s SQL to the sources (each night changes other rows). */
  night(n: number): Promise<void>;
  /** Whether the graph's counts match the sources now. */
  countsCorrect(): Promise<boolean>;
  /** Starts measuring the engine's CPU; the function returned reads what it has used since. */
  engineCpu(): () => EngineCpu;
  log(message: string): void;
}

/**
 * Where one sync run's time went: its load (from "load started" to "load completed" in its log)
 * and everything before and around it (starting, comparing, writing the script, recording), and
 * the CPU time c360 itself used.
 */
export interface SyncRunSplit {
  loadSeconds: number;
  otherSeconds: number;
  c360CpuSeconds: number;
}

/** Neo4j's CPU time over one run, and the part its JIT compiler threads spent compiling. */
export interface EngineCpu {
  seconds: number;
  jitSeconds: number;
}

export interface SyncResultSummary {
  correct: boolean;
  contentEqual: boolean;
  digests: { synced: GraphDigest; reference: GraphDigest };
  seconds: {
    firstFullLoadCold: number;
    syncOnePercent: number;
    syncSecondNight: number;
    syncNoChange: number;
    referenceFullLoadWarm: number;
  };
  ratios: { onePercentNight: number; secondNight: number; noChangeNight: number };
  peakRssMB: { syncOnePercent: number; syncNoChange: number; referenceFullLoad: number };
  /** Where the first sync's extra time goes: the engine compiling the code paths a sync takes. */
  engineCpu: {
    syncOnePercent: EngineCpu;
    syncSecondNight: EngineCpu;
    syncNoChange: EngineCpu;
    referenceFullLoad: EngineCpu;
  };
  /** The split of each sync run: the first's load alone shows what a fresh engine's writes cost. */
  split: { syncOnePercent: SyncRunSplit; syncSecondNight: SyncRunSplit; syncNoChange: SyncRunSplit };
  onePercentSummary: string;
  secondNightSummary: string;
  noChangeSummary: string;
}

export interface GraphDigest {
  nodes: number;
  relationships: number;
  /** Sum of the items' SHA-256 (first 16 bytes) modulo 2^128, in hex: independent of order. */
  nodeDigest: string;
  relationshipDigest: string;
}

const modulus = 1n << 128n;

function itemHash(text: string): bigint {
  return BigInt(`0x${createHash("sha256").update(text).digest("hex").slice(0, 32)}`);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return `${v}n`;
    if (v !== null && typeof v === "object" && !Array.isArray(v) && v.constructor !== Object)
      return (v as { toString(): string }).toString();
    if (v !== null && typeof v === "object" && !Array.isArray(v))
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)));
    return v;
  });
}

/** Every node and relationship, streamed: flat memory whatever the graph's size. */
export async function graphDigest(driver: Driver): Promise<GraphDigest> {
  const session = driver.session({ database: "neo4j", defaultAccessMode: "READ", fetchSize: 10_000 });
  try {
    let nodes = 0;
    let nodeSum = 0n;
    for await (const record of session.run("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")) {
      const props = { ...(record.get("p") as Record<string, unknown>) };
      delete props.c360_run;
      nodeSum = (nodeSum + itemHash(canonical([record.get("l"), props]))) % modulus;
      nodes++;
    }
    let relationships = 0;
    let relationshipSum = 0n;
    // An end is named by its labels and content hash (its key is part of its content).
    for await (const record of session.run(
      "MATCH (a)-[r]->(b) RETURN type(r) AS t, labels(a) AS la, a.c360_hash AS a, labels(b) AS lb, b.c360_hash AS b, keys(r) AS k",
    )) {
      const item = ["t", "la", "a", "lb", "b", "k"].map((key) => record.get(key) as unknown);
      relationshipSum = (relationshipSum + itemHash(canonical(item))) % modulus;
      relationships++;
    }
    return {
      nodes,
      relationships,
      nodeDigest: nodeSum.toString(16),
      relationshipDigest: relationshipSum.toString(16),
    };
  } finally {
    await session.close();
  }
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** A sync run's split; a run with nothing to load (no change) spent it all before a load. */
function splitOf(run: ScenarioRun): SyncRunSplit {
  const { at } = phaseTimes(run.stderr);
  const started = at["load started"];
  const completed = at["load completed"];
  const loadMs = started !== undefined && completed !== undefined ? completed - started : 0;
  return {
    loadSeconds: seconds(loadMs),
    otherSeconds: seconds(run.wallMs - loadMs),
    c360CpuSeconds: Math.round(run.cpuSeconds * 10) / 10,
  };
}

const megabytes = (bytes: number) => Math.round(bytes / 2 ** 20);

export async function syncScenario<Run extends ScenarioRun>(
  bench: SyncBench<Run>,
): Promise<SyncResultSummary> {
  let runs = 0;
  const checked = async (args: string[]) => {
    const cpu = bench.engineCpu();
    const run = { ...(await bench.runC360(args)), engineCpu: cpu() };
    const log = path.join(tmpdir(), `c360-bench-sync-${++runs}.log`);
    writeFileSync(log, run.stderr);
    bench.log(`c360 ${args.join(" ")}: ${run.wallMs} ms, its log in ${log}`);
    if (run.code !== 0)
      throw new Error(`c360 ${args.join(" ")} failed (${run.code}):\n${run.stderr.slice(-3000)}`);
    return run;
  };
  bench.log("sync scenario: the first full load (c360 run --clear)");
  const first = await checked(["run", "--clear"]);
  bench.log("sync scenario: a night with about 1% of the rows changed, then c360 run");
  await bench.night(1);
  const onePercent = await checked(["run"]);
  let correct = await bench.countsCorrect();
  bench.log("sync scenario: a second 1% night, other rows, then c360 run");
  await bench.night(2);
  const secondNight = await checked(["run"]);
  correct &&= await bench.countsCorrect();
  bench.log("sync scenario: a night without change, then c360 run");
  const noChange = await checked(["run"]);
  correct &&= await bench.countsCorrect();
  const synced = await graphDigest(bench.driver);
  bench.log("sync scenario: the reference, a full load of the changed sources on the warm engine");
  await clearGraph(bench.driver, "neo4j");
  const reference = await checked(["run", "--clear"]);
  correct &&= await bench.countsCorrect();
  const referenceDigest = await graphDigest(bench.driver);
  const contentEqual = JSON.stringify(synced) === JSON.stringify(referenceDigest);
  return {
    correct: correct && contentEqual,
    contentEqual,
    digests: { synced, reference: referenceDigest },
    seconds: {
      firstFullLoadCold: seconds(first.wallMs),
      syncOnePercent: seconds(onePercent.wallMs),
      syncSecondNight: seconds(secondNight.wallMs),
      syncNoChange: seconds(noChange.wallMs),
      referenceFullLoadWarm: seconds(reference.wallMs),
    },
    ratios: {
      onePercentNight: Number((onePercent.wallMs / reference.wallMs).toFixed(3)),
      secondNight: Number((secondNight.wallMs / reference.wallMs).toFixed(3)),
      noChangeNight: Number((noChange.wallMs / reference.wallMs).toFixed(3)),
    },
    peakRssMB: {
      syncOnePercent: megabytes(onePercent.peakRssBytes),
      syncNoChange: megabytes(noChange.peakRssBytes),
      referenceFullLoad: megabytes(reference.peakRssBytes),
    },
    engineCpu: {
      syncOnePercent: onePercent.engineCpu,
      syncSecondNight: secondNight.engineCpu,
      syncNoChange: noChange.engineCpu,
      referenceFullLoad: reference.engineCpu,
    },
    split: {
      syncOnePercent: splitOf(onePercent),
      syncSecondNight: splitOf(secondNight),
      syncNoChange: splitOf(noChange),
    },
    onePercentSummary: onePercent.stdout.trim(),
    secondNightSummary: secondNight.stdout.trim(),
    noChangeSummary: noChange.stdout.trim(),
  };
}

function cpuCells(cpu: SyncResultSummary["engineCpu"]): string {
  const runs = [cpu.syncOnePercent, cpu.syncSecondNight, cpu.syncNoChange, cpu.referenceFullLoad];
  return runs.map((c) => `${c.seconds} s (${c.jitSeconds} s)`).join(" / ");
}

function splitCells(split: SyncResultSummary["split"]): string {
  const runs = [split.syncOnePercent, split.syncSecondNight, split.syncNoChange];
  return runs.map((r) => `${r.loadSeconds} s / ${r.otherSeconds} s / ${r.c360CpuSeconds} s`).join("; ");
}

/** What the first night's load alone and a comparison alone cost, against the reference. */
function floorSentence(s: SyncResultSummary): string {
  const percent = (x: number) => (100 * x) / s.seconds.referenceFullLoadWarm;
  const load = percent(s.split.syncOnePercent.loadSeconds);
  const compare = percent(s.seconds.syncNoChange);
  return (
    `The first sync's load alone took ${s.split.syncOnePercent.loadSeconds} s, ${load.toFixed(1)}% of the reference. ` +
    `The no-change night, a comparison with nothing to load on a warm engine, took ${compare.toFixed(1)}%. ` +
    "A sync compares every table before it writes anything (the delete guard needs every total first), " +
    `so on this engine a first night costs at least about their sum, ${(load + compare).toFixed(1)}%.`
  );
}

/** The scenario's section of the results' Markdown. */
export function syncMarkdown(s: SyncResultSummary): string[] {
  const d = s.digests;
  return [
    "## Nightly sync (`c360 run` without `--clear`, its own process, one engine)",
    "",
    "A full online load warms the engine; a night changes about 1% of the rows in every source (updates, inserts, deletes, moved foreign keys, deleted junction rows; `bench/sql/night-*.sql`); `c360 run` syncs. That is the engine's first sync: Neo4j plans the sync's queries, and its JVM compiles the code paths they take (a full load takes others), as it runs them; the engine's CPU time per run, and its JIT compiler threads' part of it, show how much. A second such night (other rows) follows, synced on an engine that has run a sync before, as every later night is; then a night without change, and `c360 run` again. The reference is a full online load (`c360 run --clear`) of the changed sources on the same engine, after the graph is emptied (not timed): as warm as the syncs' engine, so its compilation does not flatter the sync. The synced graph compared with it is the one after the last sync.",
    "",
    "| measure | value | target |",
    "|---|---|---|",
    `| synced graph equals the fresh full load (every node's properties but c360_run, every relationship by its ends) | ${s.contentEqual ? "yes" : "**NO**"}: ${d.synced.nodes} nodes, ${d.synced.relationships} relationships (digests ${d.synced.nodeDigest.slice(0, 12)}… / ${d.synced.relationshipDigest.slice(0, 12)}…) | equal |`,
    `| counts per label and type match the sources after each run | ${s.correct ? "yes" : "**NO**"} | yes |`,
    `| first full load, cold engine | ${s.seconds.firstFullLoadCold} s | |`,
    `| reference full load of the changed sources, warm engine | ${s.seconds.referenceFullLoadWarm} s | |`,
    `| sync after the 1% night (the engine's first sync) | ${s.seconds.syncOnePercent} s: ${(s.ratios.onePercentNight * 100).toFixed(1)}% of the reference | ≤ 10% |`,
    `| sync after a second 1% night (an engine that has synced before) | ${s.seconds.syncSecondNight} s: ${(s.ratios.secondNight * 100).toFixed(1)}% of the reference | |`,
    `| sync after the night without change | ${s.seconds.syncNoChange} s: ${(s.ratios.noChangeNight * 100).toFixed(1)}% of the reference | ≤ 7% |`,
    `| Neo4j's CPU time (of it, JIT compilation): first 1% sync / second / no-change / reference | ${cpuCells(s.engineCpu)} | |`,
    `| where each sync's time went: its load / the rest (start, compare, script, records) / c360's CPU: first 1% sync; second; no-change | ${splitCells(s.split)} | |`,
    `| c360 peak RSS: 1% sync / no-change sync / full load | ${s.peakRssMB.syncOnePercent} MB / ${s.peakRssMB.syncNoChange} MB / ${s.peakRssMB.referenceFullLoad} MB | < 250 MB |`,
    "",
    floorSentence(s),
    "",
    "What the 1% night's `c360 run` printed:",
    "",
    "```",
    s.onePercentSummary,
    "```",
    "",
    "And after the second night:",
    "",
    "```",
    s.secondNightSummary,
    "```",
    "",
  ];
}
