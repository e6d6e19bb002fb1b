/**
 * The heart of a sync: two streams of (key, hash), one from the source table and one from the
 * graph, both in key order, merged in one pass. Memory stays flat: each side holds one batch at a
 * time, whatever the table's size. The merge walks the batches synchronously and waits only for
 * the next batch: a million keys cost a million comparisons, not a million promises.
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

/** One side of the merge: its current batch, and the key before, to check the order. */
class Side {
  private batch: readonly KeyedHash[] = [];
  private at = 0;
  private done = false;
  private previous: Key | undefined;

  constructor(
    private readonly name: "source" | "graph",
    private readonly batches: AsyncIterator<readonly KeyedHash[]>,
    private readonly compare: (a: Key, b: Key) => number,
  ) {}

  /** Fetches batches until one has an entry, or the side is exhausted. */
  async fill(): Promise<void> {
    while (this.at >= this.batch.length && !this.done) {
      const next = await this.batches.next();
      if (next.done === true) this.done = true;
      else {
        this.batch = next.value;
        this.at = 0;
      }
    }
  }

  /** The batch is used up and more may come: fill() before reading head. */
  get needsBatch(): boolean {
    return this.at >= this.batch.length && !this.done;
  }

  /** The current entry; undefined once the side is exhausted. */
  get head(): KeyedHash | undefined {
    return this.batch[this.at];
  }

  advance(): void {
    const key = (this.batch[this.at] as KeyedHash).key;
    if (this.previous !== undefined && this.compare(this.previous, key) >= 0)
      throw new OrderError(this.name, this.previous, key);
    this.previous = key;
    this.at++;
  }

  async close(): Promise<void> {
    await this.batches.return?.(undefined);
  }
}

/**
 * Tells `onChange` what must change in the graph for it to hold the source's rows:
 * - a source key the graph lacks is created (so is one held only by a node c360 did not write:
 *   its MERGE adopts that node, as a full load would);
 * - a key on both sides with another hash is updated;
 * - a c360 node whose key the source lacks is deleted. Other nodes are not c360's, and stay.
 */
export async function diff(
  source: AsyncIterable<readonly KeyedHash[]>,
  graph: AsyncIterable<readonly KeyedHash[]>,
  compare: (a: Key, b: Key) => number,
  onChange: (change: Change) => void | Promise<void>,
): Promise<void> {
  const s = new Side("source", source[Symbol.asyncIterator](), compare);
  const g = new Side("graph", graph[Symbol.asyncIterator](), compare);
  try {
    for (;;) {
      if (s.needsBatch) await s.fill();
      if (g.needsBatch) await g.fill();
      const row = s.head;
      const node = g.head;
      if (row === undefined && node === undefined) return;
      const order = row === undefined ? 1 : node === undefined ? -1 : compare(row.key, node.key);
      let change: Change | undefined;
      if (order < 0) {
        change = { kind: "create", key: (row as KeyedHash).key };
        s.advance();
      } else if (order > 0) {
        if ((node as KeyedHash).hash !== null) change = { kind: "delete", key: (node as KeyedHash).key };
        g.advance();
      } else {
        const n = node as KeyedHash;
        const r = row as KeyedHash;
        if (n.hash === null) change = { kind: "create", key: r.key };
        else if (n.hash !== r.hash) change = { kind: "update", key: r.key };
        s.advance();
        g.advance();
      }
      if (change !== undefined) {
        const waiting = onChange(change);
        if (waiting !== undefined) await waiting;
      }
    }
  } finally {
    await s.close();
    await g.close();
  }
}
