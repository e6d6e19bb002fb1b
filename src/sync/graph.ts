/**
 * What a sync reads from the graph: each mapped label's nodes as (key, hash) in key order, and
 * the graph's state, which a sync script records and `c360 load` checks before running it.
 */
import type { Driver } from "neo4j-driver";
import type { ExportPlan, TablePlan } from "../metadata/plan.js";
import { TargetError, messageOf } from "../errors.js";
import { quoteName } from "../script/literals.js";
import { hashProperty, runProperty } from "../script/provenance.js";
import type { KeyBatch } from "./diff.js";
import type { KeyKind } from "./keys.js";

/** Nodes per page when a label is read by a single-column key. */
const pageSize = 10_000;

/**
 * The label's nodes that have the whole key, in batches, in the order of its key index (which a
 * sync's comparison relies on: see src/sync/keys.ts), each with its hash, null for a node c360 did
 * not write. Memory stays flat: a label keyed by one column is read in pages, one record per page
 * (far cheaper for the driver than a record per node); a composite key is streamed, the driver
 * pulling records as they are consumed.
 */
export function graphKeys(
  driver: Driver,
  database: string,
  table: TablePlan,
  kinds: readonly KeyKind[],
): AsyncGenerator<KeyBatch> {
  return table.keyColumns.length === 1
    ? graphKeyPages(driver, database, table, kinds)
    : graphKeyStream(driver, database, table, kinds);
}

async function* graphKeyPages(
  driver: Driver,
  database: string,
  table: TablePlan,
  kinds: readonly KeyKind[],
): AsyncGenerator<KeyBatch> {
  const key = `n.${quoteName(table.keyColumns[0] as string)}`;
  const page = (where: string) =>
    `MATCH (n:${quoteName(table.label)}) WHERE ${where}\nWITH n ORDER BY ${key} LIMIT ${pageSize}\n` +
    // '' for a node without a hash (not c360's): collect() skips nulls, which would shift every
    // later hash onto the node before it. (Returning keys and hashes as text instead cost Neo4j
    // more than it saved the driver: a no-change night at 1M took 1.5 s longer.)
    `RETURN collect(${key}) AS keys, collect(coalesce(n.${quoteName(hashProperty)}, '')) AS hashes`;
  // A session per page: a session keeps every result it ran, records and all, until it closes.
  // One session for the label held every page: a no-change sync at 5M play events peaked at
  // 454 MB of RSS, and at 188 MB with a session per page.
  const read = async (after: unknown) => {
    const session = driver.session({ database, defaultAccessMode: "READ" });
    try {
      const result = await session.run(page(after === undefined ? `${key} IS NOT NULL` : `${key} > $after`), {
        after,
      });
      return {
        keys: result.records[0]?.get("keys") as unknown[],
        hashes: result.records[0]?.get("hashes") as unknown[],
      };
    } catch (error) {
      return graphFailure(table)(error);
    } finally {
      await session.close().catch(() => undefined);
    }
  };
  let next: ReturnType<typeof read> | undefined = read(undefined);
  try {
    for (;;) {
      const { keys, hashes } = await next;
      next = undefined;
      if (keys.length === 0) return;
      // The next page is read while this one is compared.
      if (keys.length === pageSize) {
        next = read(keys[keys.length - 1]);
        next.catch(() => undefined);
      }
      yield singleKeyEntries(table, keys, hashes, kinds[0] as KeyKind);
      if (next === undefined) return;
    }
  } finally {
    if (next !== undefined) await next.catch(() => undefined);
  }
}

async function* graphKeyStream(
  driver: Driver,
  database: string,
  table: TablePlan,
  kinds: readonly KeyKind[],
): AsyncGenerator<KeyBatch> {
  const properties = table.keyColumns.map((column) => `n.${quoteName(column)}`);
  const query =
    `MATCH (n:${quoteName(table.label)}) WHERE ${properties.map((p) => `${p} IS NOT NULL`).join(" AND ")}\n` +
    `RETURN [${properties.join(", ")}] AS key, n.${quoteName(hashProperty)} AS hash ORDER BY ${properties.join(", ")}`;
  const session = driver.session({ database, defaultAccessMode: "READ", fetchSize: 5000 });
  try {
    let keys: unknown[][] = [];
    let hashes: unknown[] = [];
    for await (const record of session.run(query)) {
      keys.push(record.get("key") as unknown[]);
      hashes.push(record.get("hash"));
      if (keys.length >= 5000) {
        yield entriesOf(table, keys, hashes, kinds);
        keys = [];
        hashes = [];
      }
    }
    if (keys.length > 0) yield entriesOf(table, keys, hashes, kinds);
  } catch (error) {
    graphFailure(table)(error);
  } finally {
    await session.close().catch(() => undefined);
  }
}

function graphFailure(table: TablePlan): (error: unknown) => never {
  return (error) => {
    if (error instanceof TargetError) throw error;
    throw new TargetError(`reading the :${table.label} nodes failed: ${messageOf(error)}`, { cause: error });
  };
}

/** entriesOf for a one-column key, without a list per key from the driver. */
function singleKeyEntries(
  table: TablePlan,
  keys: readonly unknown[],
  hashes: readonly unknown[],
  kind: KeyKind,
): KeyBatch {
  const batch: KeyBatch = { keys: [], hashes: [] };
  const wanted = kind === "integer" ? "bigint" : "string";
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const hash = hashes[i];
    if (typeof key !== wanted) {
      const odd = entriesOf(table, [[key]], [hash], [kind]);
      batch.keys.push(...odd.keys);
      batch.hashes.push(...odd.hashes);
      continue;
    }
    batch.keys.push(kind === "integer" ? String(key) : (key as string));
    batch.hashes.push(typeof hash === "bigint" ? hash.toString() : null);
  }
  return batch;
}

/**
 * The entries of a batch; a key not of its columns' kinds is someone else's node, left alone. A
 * node is c360's when its hash is an integer, on either path: a page marks a missing one with ''.
 */
function entriesOf(
  table: TablePlan,
  keys: ReadonlyArray<readonly unknown[]>,
  hashes: readonly unknown[],
  kinds: readonly KeyKind[],
): KeyBatch {
  const batch: KeyBatch = { keys: [], hashes: [] };
  for (let i = 0; i < keys.length; i++) {
    const hash = hashes[i];
    const text = keyText(keys[i] as unknown[], kinds);
    if (text === undefined) {
      if (typeof hash !== "bigint") continue;
      throw new TargetError(
        `a :${table.label} node written by c360 has key ${JSON.stringify((keys[i] as unknown[]).map(String))}, not of the key columns' types`,
        { hint: "Someone edited c360's nodes; rebuild the label with `c360 run --clear`." },
      );
    }
    batch.keys.push(...text);
    batch.hashes.push(typeof hash === "bigint" ? hash.toString() : null);
  }
  return batch;
}

/** A key read from the graph as text, or undefined if a value is not of its column's kind. */
function keyText(values: readonly unknown[], kinds: readonly KeyKind[]): string[] | undefined {
  const text: string[] = [];
  for (let i = 0; i < kinds.length; i++) {
    const value = values[i];
    if (kinds[i] === "integer" ? typeof value !== "bigint" : typeof value !== "string") return undefined;
    text.push(String(value));
  }
  return text;
}

/**
 * A cheap fingerprint of what c360 wrote: per label its node count and the newest run stamp, per
 * relationship type its count. Any c360 write changes it (a write stamps its run), and so does a
 * cleared or reloaded graph. It is read from the count store and the run index, in constant time.
 */
export interface GraphState {
  labels: Record<string, [nodes: number, lastRun: number | null]>;
  types: Record<string, number>;
}

/**
 * The state's query: per label its count (from the count store) and its newest run stamp (the
 * first entry of its run index), per type its count, all in one query, which a fresh engine plans
 * once rather than once per label and type.
 */
function stateQuery(labels: readonly string[], types: readonly string[]): string {
  const run = quoteName(runProperty);
  const parts = labels.flatMap((name, i) => [
    `CALL { MATCH (n:${quoteName(name)}) RETURN count(n) AS n${i} }`,
    `CALL { MATCH (n:${quoteName(name)}) WHERE n.${run} IS NOT NULL ` +
      `WITH n.${run} AS run ORDER BY run DESC LIMIT 1 RETURN collect(run) AS r${i} }`,
  ]);
  parts.push(
    ...types.map((type, i) => `CALL { MATCH ()-[r:${quoteName(type)}]->() RETURN count(r) AS t${i} }`),
  );
  const labelState = labels.map((_, i) => `[n${i}, r${i}]`).join(", ");
  const typeCounts = types.map((_, i) => `t${i}`).join(", ");
  return `${parts.join("\n")}\nRETURN [${labelState}] AS labels, [${typeCounts}] AS types`;
}

/** The state of the plan's labels and relationship types. */
export function readGraphState(driver: Driver, database: string, plan: ExportPlan): Promise<GraphState> {
  return readStateOf(
    driver,
    database,
    plan.tables.map((table) => table.label),
    plan.relationships.map((relationship) => relationship.type),
  );
}

export async function readStateOf(
  driver: Driver,
  database: string,
  labels: readonly string[],
  types: readonly string[],
): Promise<GraphState> {
  const state: GraphState = { labels: {}, types: {} };
  const distinctTypes = [...new Set(types)];
  if (labels.length === 0 && distinctTypes.length === 0) return state;
  try {
    const { records } = await driver.executeQuery(
      stateQuery(labels, distinctTypes),
      {},
      { database, routing: "READ" },
    );
    const labelState = records[0]?.get("labels") as Array<[unknown, unknown[]]>;
    const typeCounts = records[0]?.get("types") as unknown[];
    labels.forEach((name, i) => {
      const [nodes, lastRun] = labelState[i] as [unknown, unknown[]];
      state.labels[name] = [Number(nodes), lastRun.length === 0 ? null : Number(lastRun[0])];
    });
    distinctTypes.forEach((type, i) => (state.types[type] = Number(typeCounts[i])));
  } catch (error) {
    throw new TargetError(`reading the graph's state failed: ${messageOf(error)}`, { cause: error });
  }
  return state;
}

/**
 * The labels with nodes stamped after run `since` (the last completed load's): written by a load
 * no completed run accounts for, a sync stopped part way or a copy of a script loaded by hand.
 */
export function labelsStampedAfter(state: GraphState, since: number): string[] {
  return Object.entries(state.labels)
    .filter(([, [, lastRun]]) => lastRun !== null && lastRun > since)
    .map(([label]) => label);
}

/** Whether the graph holds nothing c360 wrote for these mappings. */
export function holdsNothingOfC360(state: GraphState): boolean {
  return Object.values(state.labels).every(([, lastRun]) => lastRun === null);
}

/** The state as the one line a sync script's header carries. */
export function stateLine(state: GraphState): string {
  return JSON.stringify(state);
}

/** A state line read back, or undefined if it is not one. */
export function parseStateLine(line: string): GraphState | undefined {
  try {
    const state = JSON.parse(line) as GraphState;
    const valid =
      typeof state === "object" &&
      state !== null &&
      typeof state.labels === "object" &&
      typeof state.types === "object";
    return valid ? state : undefined;
  } catch {
    return undefined;
  }
}

/** The differences between the state a script was computed against and the graph's now. */
export function stateDifferences(then: GraphState, actual: GraphState): string[] {
  const differences: string[] = [];
  const labels = new Set([...Object.keys(then.labels ?? {}), ...Object.keys(actual.labels)]);
  for (const label of labels) {
    const [n0, r0] = then.labels?.[label] ?? [0, null];
    const [n1, r1] = actual.labels[label] ?? [0, null];
    if (n0 !== n1) differences.push(`:${label} had ${n0} nodes, now ${n1}`);
    if (r0 !== r1)
      differences.push(`:${label} was last written by run ${r0 ?? "none"}, now by run ${r1 ?? "none"}`);
  }
  const types = new Set([...Object.keys(then.types ?? {}), ...Object.keys(actual.types)]);
  for (const type of types) {
    const c0 = then.types?.[type] ?? 0;
    const c1 = actual.types[type] ?? 0;
    if (c0 !== c1) differences.push(`:${type} had ${c0} relationships, now ${c1}`);
  }
  return differences;
}
