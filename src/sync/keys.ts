/**
 * Node keys as a sync compares them. Both sides of the comparison (the source table and the
 * graph) are read in key order, and the two orders must agree to the last character:
 * - integer keys compare as numbers, in both;
 * - text keys compare by Unicode code point: PostgreSQL sorts them with COLLATE "C" (UTF-8 byte
 *   order, which is code point order), and Neo4j returns them in the order of the label's key
 *   index, which is code point order too (its plain ORDER BY, by contrast, sorts UTF-16 units).
 * A key is a list of its columns' values, each as text: integers in decimal, strings as they are.
 */
import type { TablePlan } from "../metadata/plan.js";
import type { ScalarKind } from "../script/literals.js";

export type KeyKind = "integer" | "string";
export type Key = readonly string[];

/** The key kinds of a table, or the first key column whose kind a sync cannot order by. */
export function keyKinds(table: TablePlan): { kinds: KeyKind[] } | { unsupported: string } {
  const kinds: KeyKind[] = [];
  for (const name of table.keyColumns) {
    const kind = table.columns.find((column) => column.name === name)?.kind as ScalarKind | undefined;
    if (kind === "integer" || kind === "string") kinds.push(kind);
    else return { unsupported: name };
  }
  return { kinds };
}

/** Code point order, without building arrays: UTF-16 order except around surrogates. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (0xD800-0xDFFF) starts a code point above 0xFFFF: it sorts after every other unit.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function compareIntegers(a: string, b: string): number {
  // Decimal text of 64-bit integers: a shorter non-negative number is smaller, and so on.
  const an = a.startsWith("-");
  const bn = b.startsWith("-");
  if (an !== bn) return an ? -1 : 1;
  const byLength = a.length - b.length;
  const magnitude = byLength !== 0 ? Math.sign(byLength) : a < b ? -1 : a > b ? 1 : 0;
  return an ? -magnitude : magnitude;
}

/**
 * Compares the key starting at `a[i]` with the one starting at `b[j]`, column by column: keys
 * flattened into one array, as a sync's batches hold them (src/sync/diff.ts).
 */
export type FlatKeyComparator = (a: readonly string[], i: number, b: readonly string[], j: number) => number;

export function keyComparator(kinds: readonly KeyKind[]): FlatKeyComparator {
  if (kinds.length === 1) {
    const single = kinds[0] === "integer" ? compareIntegers : compareCodePoints;
    return (a, i, b, j) => single(a[i] as string, b[j] as string);
  }
  return (a, i, b, j) => {
    for (let k = 0; k < kinds.length; k++) {
      const x = a[i + k] as string;
      const y = b[j + k] as string;
      const order = kinds[k] === "integer" ? compareIntegers(x, y) : compareCodePoints(x, y);
      if (order !== 0) return order;
    }
    return 0;
  };
}
