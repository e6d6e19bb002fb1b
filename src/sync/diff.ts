/**
 * The heart of a sync: two streams of (key, hash), one from the source table and one from the
 * graph, both in key order, merged in one pass. Memory stays flat: one entry of each side is held
 * at a time, whatever the table's size.
 */
import type { Key } from "./keys.js";

export interface KeyedHash {
  key: Key;
  /** The row's hash; on the graph side, null for a node c360 did not write. */
  hash: string | null;
}

export type Change =
  { kind: "create"; key: Key } | { kind: "update"; key: Key } | { kind: "delete"; key: Key };

/** Thrown when a side is not in strictly ascending key order: merging it would be wrong. */
export class OrderError extends Error {
  constructor(
    readonly side: "source" | "graph",
    readonly previous: Key,
    readonly next: Key,
  ) {
    super(
      `the ${side} returned key ${JSON.stringify(next)} after ${JSON.stringify(previous)}: ` +
        (side === "graph" ? "not in key order, or a key held by two nodes" : "not in key order"),
    );
  }
}

/** Pulls one side, checking that each key is greater than the one before. */
async function* ordered(
  side: "source" | "graph",
  entries: AsyncIterable<KeyedHash>,
  compare: (a: Key, b: Key) => number,
): AsyncGenerator<KeyedHash> {
  let previous: Key | undefined;
  for await (const entry of entries) {
    if (previous !== undefined && compare(previous, entry.key) >= 0)
      throw new OrderError(side, previous, entry.key);
    previous = entry.key;
    yield entry;
  }
}

/**
 * What must change in the graph for it to hold the source's rows:
 * - a source key the graph lacks is created (so is one held only by a node c360 did not write:
 *   its MERGE adopts that node, as a full load would);
 * - a key on both sides with another hash is updated;
 * - a c360 node whose key the source lacks is deleted. Other nodes are not c360's, and stay.
 */
export async function* diff(
  source: AsyncIterable<KeyedHash>,
  graph: AsyncIterable<KeyedHash>,
  compare: (a: Key, b: Key) => number,
): AsyncGenerator<Change> {
  const s = ordered("source", source, compare)[Symbol.asyncIterator]();
  const g = ordered("graph", graph, compare)[Symbol.asyncIterator]();
  try {
    let left = await s.next();
    let right = await g.next();
    while (left.done !== true || right.done !== true) {
      const order =
        left.done === true ? 1 : right.done === true ? -1 : compare(left.value.key, right.value.key);
      if (order < 0) {
        yield { kind: "create", key: (left.value as KeyedHash).key };
        left = await s.next();
      } else if (order > 0) {
        const node = right.value as KeyedHash;
        if (node.hash !== null) yield { kind: "delete", key: node.key };
        right = await g.next();
      } else {
        const row = left.value as KeyedHash;
        const node = right.value as KeyedHash;
        if (node.hash === null) yield { kind: "create", key: row.key };
        else if (node.hash !== row.hash) yield { kind: "update", key: row.key };
        left = await s.next();
        right = await g.next();
      }
    }
  } finally {
    await s.return?.(undefined);
    await g.return?.(undefined);
  }
}
