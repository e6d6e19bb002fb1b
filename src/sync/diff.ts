/**
 * The heart of a sync: two streams of (key, hash), one from the source table and one from the
 * graph, both in key order, merged in one pass. Memory stays flat: each side holds one batch at a
 * time, whatever the table's size. The merge walks the batches synchronously and waits only for
 * the next batch: a million keys cost a million comparisons, not a million promises.
 *
 * Batches are column-wise (KeyBatch): a million keys are two million strings, not also a million
 * objects and a million arrays for the collector to chase. A key becomes a Key only when it
 * changes.
 */
import type { FlatKeyComparator, Key } from "./keys.js";

/**
 * Entries in key order, column-wise: entry i's key is `keys[i * width]` to
 * `keys[i * width + width - 1]` (width: the table's key columns), its hash `hashes[i]`.
 */
export interface KeyBatch {
  keys: string[];
  /** The rows' hashes; on the graph side, null for a node c360 did not write. */
  hashes: (string | null)[];
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

const noKeys: string[] = [];

/** One side of the merge: its current batch, and where the key before is, to check the order. */
class Side {
  keys: string[] = noKeys;
  hashes: (string | null)[] = [];
  /** Where the current entry's key starts in `keys`. */
  at = 0;
  private done = false;
  private previousKeys: string[] | undefined;
  private previousAt = 0;

  constructor(
    private readonly name: "source" | "graph",
    private readonly batches: AsyncIterator<KeyBatch>,
    private readonly width: number,
    private readonly compare: FlatKeyComparator,
  ) {}

  /** Fetches batches until one has an entry, or the side is exhausted. */
  async fill(): Promise<void> {
    while (this.at >= this.keys.length && !this.done) {
      const next = await this.batches.next();
      if (next.done === true) this.done = true;
      else {
        this.keys = next.value.keys;
        this.hashes = next.value.hashes;
        this.at = 0;
      }
    }
  }

  /** The batch is used up and more may come: fill() before reading the head. */
  get needsBatch(): boolean {
    return this.at >= this.keys.length && !this.done;
  }

  /** Whether the side has an entry now (after fill()). */
  get hasHead(): boolean {
    return this.at < this.keys.length;
  }

  get hash(): string | null {
    return this.hashes[this.at / this.width] as string | null;
  }

  key(): Key {
    return this.keys.slice(this.at, this.at + this.width);
  }

  advance(): void {
    const previous = this.previousKeys;
    if (previous !== undefined && this.compare(previous, this.previousAt, this.keys, this.at) >= 0)
      throw new OrderError(
        this.name,
        previous.slice(this.previousAt, this.previousAt + this.width),
        this.key(),
      );
    this.previousKeys = this.keys;
    this.previousAt = this.at;
    this.at += this.width;
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
  source: AsyncIterable<KeyBatch>,
  graph: AsyncIterable<KeyBatch>,
  width: number,
  compare: FlatKeyComparator,
  onChange: (change: Change) => void | Promise<void>,
): Promise<void> {
  const s = new Side("source", source[Symbol.asyncIterator](), width, compare);
  const g = new Side("graph", graph[Symbol.asyncIterator](), width, compare);
  try {
    for (;;) {
      if (s.needsBatch) await s.fill();
      if (g.needsBatch) await g.fill();
      if (!s.hasHead && !g.hasHead) return;
      const order = !s.hasHead ? 1 : !g.hasHead ? -1 : compare(s.keys, s.at, g.keys, g.at);
      let change: Change | undefined;
      if (order < 0) {
        change = { kind: "create", key: s.key() };
        s.advance();
      } else if (order > 0) {
        if (g.hash !== null) change = { kind: "delete", key: g.key() };
        g.advance();
      } else {
        const hash = g.hash;
        if (hash === null) change = { kind: "create", key: s.key() };
        else if (hash !== s.hash) change = { kind: "update", key: s.key() };
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
