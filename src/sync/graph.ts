/**
 * What a sync reads from the graph: each mapped label's nodes as (key, hash) in key order, and
 * the graph's state, which a sync script records and `c360 load` checks before running it.
 */
import type { Driver, Session } from "neo4j-driver";
import type { ExportPlan, TablePlan } from "../metadata/plan.js";
import { TargetError, messageOf } from "../errors.js";
import { quoteName } from "../script/literals.js";
import { hashProperty, runProperty } from "../script/provenance.js";
import type { KeyedHash } from "./diff.js";
import type { KeyKind } from "./keys.js";

/**
 * The label's nodes that have the whole key, in the order of its key index (which a sync's
 * comparison relies on: see src/sync/keys.ts), each with its hash, null for a node c360 did not
 * write. The driver pulls records in batches as they are consumed: memory stays flat.
 */
export async function* graphKeys(
  driver: Driver,
  database: string,
  table: TablePlan,
  kinds: readonly KeyKind[],
): AsyncGenerator<KeyedHash> {
  const properties = table.keyColumns.map((column) => `n.${quoteName(column)}`);
  const query =
    `MATCH (n:${quoteName(table.label)}) WHERE ${properties.map((p) => `${p} IS NOT NULL`).join(" AND ")}\n` +
    `RETURN [${properties.join(", ")}] AS key, n.${quoteName(hashProperty)} AS hash ORDER BY ${properties.join(", ")}`;
  const session = driver.session({ database, defaultAccessMode: "READ", fetchSize: 5000 });
  try {
    for await (const record of session.run(query)) {
      const key = record.get("key") as unknown[];
      const hash = record.get("hash") as unknown;
      const text = keyText(key, kinds);
      if (text === undefined) {
        // Not a key c360 writes: someone else's node, which a sync leaves alone.
        if (hash === null) continue;
        throw new TargetError(
          `a :${table.label} node written by c360 has key ${JSON.stringify(key.map(String))}, not of the key columns' types`,
          { hint: "Someone edited c360's nodes; rebuild the label with `c360 run --clear`." },
        );
      }
      yield { key: text, hash: typeof hash === "bigint" ? hash.toString() : null };
    }
  } catch (error) {
    if (error instanceof TargetError) throw error;
    throw new TargetError(`reading the :${table.label} nodes failed: ${messageOf(error)}`, { cause: error });
  } finally {
    await session.close().catch(() => undefined);
  }
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

async function single(session: Session, query: string): Promise<unknown> {
  const result = await session.run(query);
  return result.records[0]?.get(0) ?? null;
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
  const session = driver.session({ database, defaultAccessMode: "READ" });
  const state: GraphState = { labels: {}, types: {} };
  try {
    for (const name of labels) {
      const label = quoteName(name);
      const nodes = await single(session, `MATCH (n:${label}) RETURN count(n)`);
      const lastRun = await single(
        session,
        `MATCH (n:${label}) WHERE n.${quoteName(runProperty)} IS NOT NULL ` +
          `RETURN n.${quoteName(runProperty)} ORDER BY n.${quoteName(runProperty)} DESC LIMIT 1`,
      );
      state.labels[name] = [Number(nodes), lastRun === null ? null : Number(lastRun)];
    }
    for (const type of types) {
      if (type in state.types) continue;
      state.types[type] = Number(
        await single(session, `MATCH ()-[r:${quoteName(type)}]->() RETURN count(r)`),
      );
    }
  } catch (error) {
    throw new TargetError(`reading the graph's state failed: ${messageOf(error)}`, { cause: error });
  } finally {
    await session.close().catch(() => undefined);
  }
  return state;
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
