/**
 * c360's node statements: how they are written, and how `c360 load` reads them back.
 *
 * A node statement is one `UNWIND [ {row}, ... ] AS row MERGE (n:Label {key: row.key})
 * SET n += row {.a, .b, ...}` (a sync's delete and stamp statements have the same rows, keys only,
 * and their own tails):
 * plain Cypher, so a person can review it and cypher-shell can run it. But Neo4j parses and plans
 * every literal statement from scratch, which for big lists costs far more than the write itself.
 * So the loader reads these statements back (parseNodeBatch), and sends
 * `UNWIND $rows AS r WITH {...} AS row <same tail>` instead (nodeBatchQuery), each row a list (see
 * RowTable), many statements' rows per transaction: the same graph, one cached plan, a fraction of
 * the work. A statement is read back only if it is exactly what nodeBatchStatement writes for what
 * was read (src/script/literals.ts reads only c360's own literals); anything else runs as written.
 */
import {
  LiteralReader,
  NotCanonical,
  callValue,
  integerValue,
  literalCalls,
  quoteName,
  type ParamValue,
} from "./literals.js";
import { codeOf, type Statement } from "./lexer.js";
import { hashProperty, runProperty } from "./provenance.js";

export type { ParamValue } from "./literals.js";

const rowsOpen = "UNWIND [\n";
const rowSeparator = ",\n";
const rowsClose = "\n] AS row\n";

/**
 * The statement's end: MERGE on the key, then set the properties c360 owns on the node, `owned`,
 * from the row. The map projection gives each owned property the row's value, or null where the
 * row has none (a NULL column), and `+=` removes a property set to null: so an owned property is
 * set or removed, and every other property and label, someone else's, stays (format 3 on).
 */
export function nodeMergeTail(
  label: string,
  keyColumns: readonly string[],
  owned: readonly string[],
): string {
  const projection = owned.map((property) => `.${quoteName(property)}`).join(", ");
  return `${mergeLine(label, keyColumns)}\nSET n += row {${projection}}`;
}

/**
 * Format 2's end: the node's properties become exactly the row's, foreign ones included. Still
 * read, so a format 2 script loads as it always did (it says what it does).
 */
const replacingSet = "\nSET n = row";

function mergeLine(label: string, keyColumns: readonly string[]): string {
  const key = keyColumns.map((column) => `${quoteName(column)}: row.${quoteName(column)}`).join(", ");
  return `MERGE (n:${quoteName(label)} {${key}})`;
}

/**
 * The end of a sync's delete statement (src/script/sync.ts), whose rows are keys: remove the c360
 * node with each key, and its relationships. A node c360 did not write has no hash, and stays.
 */
export function nodeDeleteTail(label: string, keyColumns: readonly string[]): string {
  const key = keyColumns.map((column) => `${quoteName(column)}: row.${quoteName(column)}`).join(", ");
  return `MATCH (n:${quoteName(label)} {${key}})\nWHERE n.${quoteName(hashProperty)} IS NOT NULL\nDETACH DELETE n`;
}

/**
 * The end of a sync's stamp statement (src/script/sync.ts), whose rows are the keys of junction
 * nodes about to change or go: stamp the node each one joins at the other end (`pairs`: that
 * node's property, the junction's), so the sync re-derives its relationships.
 */
export function nodeStampTail(
  label: string,
  keyColumns: readonly string[],
  stamped: { label: string; pairs: ReadonlyArray<readonly [string, string]>; run: number },
): string {
  const key = keyColumns.map((column) => `${quoteName(column)}: row.${quoteName(column)}`).join(", ");
  const join = stamped.pairs
    .map(([own, junction]) => `${quoteName(own)}: n.${quoteName(junction)}`)
    .join(", ");
  return (
    `MATCH (n:${quoteName(label)} {${key}})\n` +
    `MATCH (from:${quoteName(stamped.label)} {${join}})\nSET from.${quoteName(runProperty)} = ${stamped.run}`
  );
}

/** A statement of rows (map literals) followed by `tail`: the shape every node statement has. */
export function rowsStatement(rowLiterals: readonly string[], tail: string): string {
  return `${rowsOpen}${rowLiterals.join(rowSeparator)}${rowsClose}${tail}`;
}

/** A delete statement for the nodes of `label` with these keys (map literals of the key columns). */
export function nodeDeleteStatement(
  label: string,
  keyColumns: readonly string[],
  keyLiterals: readonly string[],
): string {
  return rowsStatement(keyLiterals, nodeDeleteTail(label, keyColumns));
}

/**
 * A node statement for `label`, MERGEd on `keyColumns`, setting the `owned` properties from rows
 * written by src/script/literals.ts.
 */
export function nodeBatchStatement(
  label: string,
  keyColumns: readonly string[],
  owned: readonly string[],
  rowLiterals: readonly string[],
): string {
  return rowsStatement(rowLiterals, nodeMergeTail(label, keyColumns, owned));
}

/**
 * What starts each entry of a row's map literal, one per property name: `` `a`: ``, `` `b`: ``.
 * An entry is that followed by the value's literal (src/script/literals.ts).
 */
export function rowKeys(names: readonly string[]): string[] {
  return names.map((name) => `${quoteName(name)}: `);
}

/** One row's map literal from its entries; a NULL column has no entry (the property is absent). */
export function rowLiteral(entries: readonly string[]): string {
  return `{${entries.join(", ")}}`;
}

/**
 * How a column's values travel. Most columns hold one kind of value, and two kinds cost the
 * driver far more to send than the text they came from: integers (turned into 64-bit Integer
 * objects) and temporal values (turned into epoch arithmetic). So while every value of a column is
 * a small integer, it is sent as a number and the statement applies toInteger; while every value
 * is the same temporal call, say datetime('...'), its text is sent and the statement calls that
 * same function, as the literal script does. A column that mixes kinds is sent as plain values.
 */
export type ColumnKind = "int" | `call:${string}` | "plain";

/** The calls whose text is sent as is, and applied by the statement: the temporal ones. */
const deferredCalls: ReadonlySet<string> = new Set([...literalCalls].filter((fn) => fn !== "toFloat"));

/**
 * Decoded rows, each a list of values in the order of `keys`: sent as lists and turned back into
 * maps by the statement (`rowProjection`), so no property name crosses the wire once per row. A
 * row shorter than `keys`, or a null in it, is a NULL column: the property is absent, as in the
 * literal, where NULL columns are left out of the map.
 */
export class RowTable {
  readonly keys: string[] = [];
  readonly rows: ParamValue[][] = [];
  private readonly columns = new Map<string, number>();
  private readonly kinds: Array<ColumnKind | undefined> = [];

  column(key: string): number {
    let index = this.columns.get(key);
    if (index === undefined) {
      index = this.keys.length;
      this.keys.push(key);
      this.columns.set(key, index);
    }
    return index;
  }

  /**
   * Whether a value of `kind` can go into `column` in that kind's compact form. If not, the column
   * becomes plain (its values so far are converted) and the value must be plain too.
   */
  accept(column: number, kind: ColumnKind): boolean {
    const current = this.kinds[column];
    if (current === kind) return true;
    if (current === undefined) {
      this.kinds[column] = kind;
      return true;
    }
    if (current !== "plain") {
      for (const row of this.rows) {
        const value = row[column];
        if (value === undefined || value === null) continue;
        row[column] =
          current === "int"
            ? integerValue((value as number).toString())
            : callValue(current.slice(5), value as string);
      }
      this.kinds[column] = "plain";
    }
    return kind === "plain";
  }

  /** How the column's values travel (undefined while it has held only NULLs). */
  kindOf(column: number): ColumnKind | undefined {
    return this.kinds[column];
  }

  /** `WITH {`a`: r[0], ...} AS row`: the map each list stands for, under the literal's name. */
  rowProjection(listVariable: string): string {
    const entries = this.keys.map((key, i) => {
      const kind = this.kinds[i];
      const cell = `${listVariable}[${i}]`;
      const value =
        kind === "int"
          ? `toInteger(${cell})`
          : kind?.startsWith("call:")
            ? `${kind.slice(5)}(${cell})`
            : cell;
      return `${quoteName(key)}: ${value}`;
    });
    return `WITH {${entries.join(", ")}} AS row`;
  }
}

/** What a node statement does with its rows: MERGE them, or (a sync's, rows of keys) delete or stamp. */
export type NodeBatchKind = "merge" | "delete" | "stamp";

export interface NodeBatch {
  label: string;
  keyColumns: string[];
  kind: NodeBatchKind;
  /**
   * A merge's owned properties, which it sets or removes (besides its key); undefined for a
   * format 2 merge, which replaces every property with the row's, and for deletes and stamps.
   */
  owned?: string[];
  /** The statement after `AS row`, e.g. "MERGE (n:`Account` {...})\nSET n += row {...}". */
  tail: string;
  /** The table the rows went into. */
  table: RowTable;
  /** How many rows this statement held. */
  rows: number;
}

const tailPattern =
  /^(?:MERGE|MATCH) \(n:`((?:[^`]|``)+)` \{(`(?:[^`]|``)+`: row\.`(?:[^`]|``)+`(?:, `(?:[^`]|``)+`: row\.`(?:[^`]|``)+`)*)\}\)\n/;
const unquote = (quoted: string) => quoted.slice(1, -1).replaceAll("``", "`");

const ownedPattern = /^SET n \+= row \{(\.`(?:[^`]|``)+`(?:, \.`(?:[^`]|``)+`)*)\}$/;

const stampPattern =
  /\nMATCH \(from:`((?:[^`]|``)+)` \{(`(?:[^`]|``)+`: n\.`(?:[^`]|``)+`(?:, `(?:[^`]|``)+`: n\.`(?:[^`]|``)+`)*)\}\)\nSET from\.`(?:[^`]|``)+` = (0|[1-9][0-9]{0,14})$/;

/** `` `a`: x.`b` `` pairs as [a, b]. */
function namePairs(text: string, prefix: string): Array<[string, string]> {
  return text.split(/, (?=`)/).map((pair) => {
    const at = pair.indexOf(`: ${prefix}.`);
    return [unquote(pair.slice(0, at)), unquote(pair.slice(at + prefix.length + 3))];
  });
}

/** `.`a`, .`b`` as [a, b]. */
function projectedNames(text: string): string[] {
  return text.split(/, (?=\.`)/).map((item) => unquote(item.slice(1)));
}

/** The label, key and kind of a node statement's tail, if nodeMergeTail, nodeDeleteTail or nodeStampTail wrote it. */
function parseTail(tail: string): Omit<NodeBatch, "tail" | "table" | "rows"> | undefined {
  const match = tailPattern.exec(tail);
  if (match === null) return undefined;
  const label = unquote(`\`${match[1] as string}\``);
  const keyColumns = namePairs(match[2] as string, "row").map(([column]) => column);
  const afterMerge = tail.slice(match[0].length);
  const owned = ownedPattern.exec(afterMerge);
  if (owned !== null) {
    const names = projectedNames(owned[1] as string);
    // Read back only as written: each name once, none of them a key column (MERGE sets those).
    const canonical =
      new Set([...names, ...keyColumns]).size === names.length + keyColumns.length &&
      nodeMergeTail(label, keyColumns, names) === tail;
    return canonical ? { label, keyColumns, kind: "merge", owned: names } : undefined;
  }
  if (mergeLine(label, keyColumns) + replacingSet === tail) return { label, keyColumns, kind: "merge" };
  if (nodeDeleteTail(label, keyColumns) === tail) return { label, keyColumns, kind: "delete" };
  const stamp = stampPattern.exec(tail.slice(match[0].length - 1));
  if (stamp === null) return undefined;
  const stamped = {
    label: unquote(`\`${stamp[1] as string}\``),
    pairs: namePairs(stamp[2] as string, "n"),
    run: Number(stamp[3]),
  };
  return nodeStampTail(label, keyColumns, stamped) === tail
    ? { label, keyColumns, kind: "stamp" }
    : undefined;
}

/**
 * Decodes one of c360's node statements into `into` (a new table if not given), or returns
 * undefined for anything else; a statement that does not decode adds no rows.
 */
export function parseNodeBatch(
  statement: Pick<Statement, "text" | "codeStart">,
  into = new RowTable(),
): NodeBatch | undefined {
  // Comments before the code belong to the statement (the script's section markers, for example).
  const code = codeOf(statement);
  if (!code.startsWith(rowsOpen)) return undefined;
  const close = code.lastIndexOf(rowsClose);
  if (close < 0) return undefined;
  const tail = code.slice(close + rowsClose.length);
  const head = parseTail(tail);
  if (head === undefined) return undefined;
  const reader = new LiteralReader(code.slice(0, close + 1), rowsOpen.length);
  const before = into.rows.length;
  try {
    readRows(reader, into, head.keyColumns, head.owned);
  } catch (error) {
    into.rows.length = before;
    if (error instanceof NotCanonical) return undefined;
    throw error;
  }
  return { ...head, tail, table: into, rows: into.rows.length - before };
}

/**
 * `{row},\n{row}\n` up to the end of the reader's text. With `owned`, a row may hold only its
 * key and those: any other entry would not reach the node as the text runs, but would as a row.
 */
function readRows(
  reader: LiteralReader,
  table: RowTable,
  keyColumns: readonly string[],
  owned: readonly string[] | undefined,
): void {
  const keys = keyColumns.map((key) => table.column(key));
  const settable = owned === undefined ? undefined : new Set([...keyColumns, ...owned]);
  for (;;) {
    const row = readRow(reader, table, settable);
    // A row without its key would fail the whole transaction here, and only its own statement
    // when run as written: such a statement is not c360's (generate refuses NULL keys).
    for (const key of keys) if (row[key] === undefined || row[key] === null) throw new NotCanonical("no key");
    table.rows.push(row);
    if (reader.position === reader.text.length - 1 && reader.accept("\n")) return;
    reader.expect(rowSeparator);
  }
}

/** `{`a`: 1, `b`: 'x'}` as a list in the table's column order. */
function readRow(
  reader: LiteralReader,
  table: RowTable,
  settable: ReadonlySet<string> | undefined,
): ParamValue[] {
  const row: ParamValue[] = [];
  reader.expect("{");
  if (reader.accept("}")) return row;
  for (;;) {
    const name = reader.readName();
    if (settable !== undefined && !settable.has(name))
      throw new NotCanonical("a property the statement does not set");
    const column = table.column(name);
    reader.expect(": ");
    // A key written twice would be ambiguous; c360 never writes one. (A null here is padding for
    // a column this row has not reached yet: the literal grammar has no null.)
    const earlier = row[column];
    if (earlier !== undefined && earlier !== null) throw new NotCanonical("a key written twice");
    while (row.length < column) row.push(null as unknown as ParamValue);
    row[column] = readCell(reader, table, column);
    if (reader.accept("}")) return row;
    reader.expect(", ");
  }
}

/** A row's value, in its column's compact form where it has one (see ColumnKind). */
function readCell(reader: LiteralReader, table: RowTable, column: number): ParamValue {
  const c = reader.peek();
  if (c === 45 || (c >= 48 && c <= 57)) {
    const { text, isFloat } = reader.readNumber();
    if (isFloat) {
      table.accept(column, "plain");
      return Number(text);
    }
    // Up to 15 characters, an integer is exact as a double. A longer one is an Integer even in an
    // "int" column: toInteger leaves an integer as it is.
    return text.length <= 15 && table.accept(column, "int") ? Number(text) : integerValue(text);
  }
  if (c >= 97 && c <= 122 && !reader.lookingAt("true") && !reader.lookingAt("false")) {
    const { fn, argument } = reader.readCall();
    // Decoded even when deferred: a value this loader cannot read runs the statement as written.
    const value = callValue(fn, argument);
    if (deferredCalls.has(fn) && table.accept(column, `call:${fn}`)) return argument;
    table.accept(column, "plain");
    return value;
  }
  table.accept(column, "plain");
  return reader.readValue();
}

/** What the loader sends for a batch of node statements: their rows as `$rows`, their tail. */
export function nodeBatchQuery(tail: string, table: RowTable): string {
  return `UNWIND $rows AS r\n${table.rowProjection("r")}\n${tail}`;
}

/**
 * A batch as the loader sends it: its query, its rows as `$rows` and, for a stamp, its run number
 * as `$run`. The number is new every night, and a new text is a new plan: some 20 ms on a warm
 * engine, several times that on a fresh one.
 */
export function sentNodeBatch(batch: Pick<NodeBatch, "kind" | "tail" | "table">): {
  text: string;
  parameters: Record<string, unknown>;
} {
  if (batch.kind !== "stamp")
    return { text: nodeBatchQuery(batch.tail, batch.table), parameters: { rows: batch.table.rows } };
  // parseTail took the tail only as nodeStampTail writes it, which ends ` = <run>`.
  const at = batch.tail.lastIndexOf(" = ") + 3;
  return {
    text: nodeBatchQuery(`${batch.tail.slice(0, at)}$run`, batch.table),
    parameters: { rows: batch.table.rows, run: integerValue(batch.tail.slice(at)) },
  };
}
