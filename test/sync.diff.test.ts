/**
 * The sync's merge of two key-ordered streams (src/sync/diff.ts), as pure code: which changes it
 * reports, across batch boundaries and empty batches, for one- and two-column keys, and that it
 * refuses a side out of order instead of merging it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diff, OrderError, type Change, type KeyBatch } from "../src/sync/diff.js";
import { keyComparator, type KeyKind } from "../src/sync/keys.js";

type Entry = [key: string[], hash: string | null];

/** The entries as batches of `size` (0: one empty batch between every two entries). */
function* batches(entries: readonly Entry[], size: number): Generator<KeyBatch> {
  const step = Math.max(size, 1);
  for (let i = 0; i < entries.length; i += step) {
    const slice = entries.slice(i, i + step);
    yield { keys: slice.flatMap(([key]) => key), hashes: slice.map(([, hash]) => hash) };
    if (size === 0) yield { keys: [], hashes: [] };
  }
}

/** As a side arrives: a batch at a time, each after a turn of the event loop. */
async function* arriving(source: Iterable<KeyBatch>): AsyncGenerator<KeyBatch> {
  for (const batch of source) yield await new Promise<KeyBatch>((resolve) => setImmediate(resolve, batch));
}

async function changes(
  source: readonly Entry[],
  graph: readonly Entry[],
  kinds: readonly KeyKind[] = ["integer"],
  sizes: [number, number] = [2, 3],
): Promise<string[]> {
  const found: Change[] = [];
  await diff(
    arriving(batches(source, sizes[0])),
    arriving(batches(graph, sizes[1])),
    kinds.length,
    keyComparator(kinds),
    (change) => {
      found.push(change);
    },
  );
  return found.map((change) => `${change.kind} ${change.key.join("|")}`);
}

describe("the sync's merge", () => {
  const source: Entry[] = [
    [["-10"], "a"],
    [["2"], "b"],
    [["3"], "c"],
    [["10"], "d"],
    [["11"], "e"],
  ];
  const graph: Entry[] = [
    [["-10"], "a"],
    [["3"], "changed"],
    [["4"], "x"],
    [["9"], null],
    [["10"], null],
    [["11"], "e"],
  ];
  const expected = ["create 2", "update 3", "delete 4", "create 10"];

  it("creates, updates and deletes, and leaves nodes c360 did not write", async () => {
    assert.deepEqual(await changes(source, graph), expected);
  });

  it("finds the same changes whatever the batch boundaries, empty batches included", async () => {
    for (const sizes of [
      [1, 1],
      [0, 0],
      [5, 1],
      [100, 100],
      [1, 0],
    ] as Array<[number, number]>)
      assert.deepEqual(
        await changes(source, graph, ["integer"], sizes),
        expected,
        `sizes ${sizes.join(", ")}`,
      );
  });

  it("creates everything against an empty graph, deletes everything of c360's against an empty source", async () => {
    assert.deepEqual(await changes(source.slice(0, 2), []), ["create -10", "create 2"]);
    assert.deepEqual(await changes([], graph.slice(2, 4)), ["delete 4"]);
  });

  it("compares two-column keys column by column, text by code point", async () => {
    const kinds: KeyKind[] = ["string", "integer"];
    const rows: Entry[] = [
      [["a", "2"], "h"],
      [["a", "10"], "h"],
      [["\uffff", "1"], "h"],
      [["\u{1f600}", "1"], "h"],
    ];
    assert.deepEqual(await changes(rows, rows, kinds), []);
    assert.deepEqual(await changes(rows, [rows[0] as Entry, rows[3] as Entry], kinds), [
      "create a|10",
      "create \uffff|1",
    ]);
  });

  it("refuses a side that is out of order, naming the keys", async () => {
    const unordered: Entry[] = [
      [["1"], "a"],
      [["3"], "b"],
      [["2"], "c"],
    ];
    await assert.rejects(
      changes(unordered, []),
      (error: unknown) =>
        error instanceof OrderError &&
        error.side === "source" &&
        error.previous.join() === "3" &&
        error.next.join() === "2",
    );
    // A repeated key on the graph side: two nodes hold it.
    await assert.rejects(
      changes(
        [],
        [
          [["1"], "a"],
          [["1"], "b"],
        ],
        ["integer"],
        [1, 1],
      ),
      (error: unknown) => error instanceof OrderError && error.side === "graph",
    );
  });
});
