/**
 * Turns c360's literal node statements back into parameters.
 *
 * A generated script is plain Cypher, so a person can review it and cypher-shell can run it. But
 * Neo4j parses and plans every literal statement from scratch, which for big `UNWIND [ {...} ]`
 * lists costs far more than the write itself. So `c360 load` recognises the node statements
 * c360 writes, decodes their rows (the small literal grammar of src/cypher/encode.ts) and sends
 * `UNWIND $rows AS r WITH {...} AS row <same tail>` instead, each row a list (see RowTable), many
 * statements' rows per transaction: the same graph, one cached plan, a fraction of the work.
 * Anything it does not recognise, or cannot decode, runs as written.
 */
import neo4j from "neo4j-driver";
import { quoteName } from "../cypher/encode.js";

export type ParamValue =
  | string
  | number
  | boolean
  | ParamValue[]
  | { [key: string]: ParamValue }
  | InstanceType<typeof neo4j.Integer>
  | InstanceType<typeof neo4j.types.Date>
  | InstanceType<typeof neo4j.types.LocalTime>
  | InstanceType<typeof neo4j.types.Time>
  | InstanceType<typeof neo4j.types.LocalDateTime>
  | InstanceType<typeof neo4j.types.DateTime>
  | InstanceType<typeof neo4j.types.Duration>;

/**
 * How a column's values travel. Most columns hold one kind of value, and two kinds cost the
 * driver far more to send than the text they came from: integers (turned into 64-bit Integer
 * objects) and temporal values (turned into epoch arithmetic). So while every value of a column is
 * a small integer, it is sent as a number and the statement applies toInteger; while every value
 * is the same temporal call, say datetime('...'), its text is sent and the statement calls that
 * same function, as the literal script does. A column that mixes kinds is sent as plain values.
 */
export type ColumnKind = "int" | `call:${string}` | "plain";

/** The calls whose text is sent as is, and applied by the statement. */
const deferredCalls = new Set(["date", "localtime", "time", "localdatetime", "datetime", "duration"]);

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

export interface NodeBatch {
  /** The statement after `AS row`, e.g. "MERGE (n:`Account` {...})\nSET n = row". */
  tail: string;
  /** The table the rows went into. */
  table: RowTable;
  /** How many rows this statement held. */
  rows: number;
}

class LiteralSyntaxError extends Error {}

const batchHead = "UNWIND [\n";
const leadingComments = /^(?:\s*\/\/[^\n]*\n)*\s*/;
const batchTailPattern = /\n\] AS row\n(MERGE \(n:`(?:[^`]|``)+` \{[^\n]*\}\)\nSET n = row)$/;

/**
 * Decodes a c360 node statement into `into` (a new table if not given), or returns undefined for
 * anything else; a statement that does not decode adds no rows.
 */
export function parseNodeBatch(text: string, into = new RowTable()): NodeBatch | undefined {
  // Comments before a statement belong to it (the script's section headers, for example).
  const statement = text.replace(leadingComments, "");
  if (!statement.startsWith(batchHead)) return undefined;
  const tail = batchTailPattern.exec(statement);
  if (tail === null) return undefined;
  const listText = statement.slice(batchHead.length - 2, tail.index + 2); // "[\n" ... "\n]"
  try {
    const rows = new LiteralParser(listText).parseRows(into);
    return { tail: tail[1] as string, table: into, rows };
  } catch (error) {
    if (error instanceof LiteralSyntaxError || error instanceof RangeError) return undefined;
    throw error;
  }
}

const simpleEscapes: Readonly<Record<string, string>> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  n: "\n",
  r: "\r",
  t: "\t",
  b: "\b",
  f: "\f",
};

/** A parser for exactly the literal grammar src/cypher/encode.ts writes. */
class LiteralParser {
  private position = 0;

  constructor(private readonly text: string) {}

  /** The whole text as a list of maps, each a row added to `table`; nothing is added on failure. */
  parseRows(table: RowTable): number {
    const before = table.rows.length;
    try {
      this.expect("[");
      if (this.peek() === "]") this.position++;
      else {
        for (;;) {
          table.rows.push(this.parseRow(table));
          const next = this.peek();
          this.position++;
          if (next === "]") break;
          if (next !== ",") this.fail("expected , or ]");
        }
      }
      this.expectEnd();
    } catch (error) {
      table.rows.length = before;
      throw error;
    }
    return table.rows.length - before;
  }

  expectEnd(): void {
    this.skipSpace();
    if (this.position !== this.text.length) this.fail("trailing text");
  }

  parseValue(): ParamValue {
    this.skipSpace();
    const c = this.text[this.position];
    if (c === "[") return this.parseList();
    if (c === "{") return this.parseMap();
    if (c === "'") return this.parseString();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.parseNumber();
    if (this.text.startsWith("true", this.position)) {
      this.position += 4;
      return true;
    }
    if (this.text.startsWith("false", this.position)) {
      this.position += 5;
      return false;
    }
    return this.parseCall();
  }

  private fail(message: string): never {
    throw new LiteralSyntaxError(`${message} at ${this.position}`);
  }

  private skipSpace(): void {
    // The writer only puts spaces and newlines between tokens; tabs and CRs come from hand edits.
    for (;;) {
      const code = this.text.charCodeAt(this.position);
      if (code === 32 || code === 10 || code === 13 || code === 9) this.position++;
      else return;
    }
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.text[this.position] !== char) this.fail(`expected ${char}`);
    this.position++;
  }

  private peek(): string | undefined {
    this.skipSpace();
    return this.text[this.position];
  }

  private parseList(): ParamValue[] {
    this.expect("[");
    const items: ParamValue[] = [];
    if (this.peek() === "]") {
      this.position++;
      return items;
    }
    for (;;) {
      items.push(this.parseValue());
      const next = this.peek();
      this.position++;
      if (next === "]") return items;
      if (next !== ",") this.fail("expected , or ]");
    }
  }

  /** A backtick-quoted map key. */
  private parseKey(): string {
    this.expect("`");
    let key = "";
    for (;;) {
      const end = this.text.indexOf("`", this.position);
      if (end < 0) this.fail("unterminated key");
      key += this.text.slice(this.position, end);
      this.position = end + 1;
      if (this.text[this.position] === "`") {
        key += "`";
        this.position++;
      } else return key;
    }
  }

  /** Calls `entry` for each key of a map literal, positioned at the key's value. */
  private parseEntries(entry: (key: string) => void): void {
    this.expect("{");
    if (this.peek() === "}") {
      this.position++;
      return;
    }
    for (;;) {
      const key = this.parseKey();
      this.expect(":");
      entry(key);
      const next = this.peek();
      this.position++;
      if (next === "}") return;
      if (next !== ",") this.fail("expected , or }");
    }
  }

  private parseRow(table: RowTable): ParamValue[] {
    const row: ParamValue[] = [];
    this.parseEntries((key) => {
      const column = table.column(key);
      // A key written twice would be ambiguous; c360 never writes one. (The literal grammar has
      // no null: a null here is padding for a column this row has not reached yet.)
      const earlier = row[column];
      if (earlier !== undefined && earlier !== null) this.fail(`duplicate key ${key}`);
      while (row.length < column) row.push(null as unknown as ParamValue);
      row[column] = this.parseCell(table, column);
    });
    return row;
  }

  /** A row's value, in its column's compact form where it has one (see ColumnKind). */
  private parseCell(table: RowTable, column: number): ParamValue {
    this.skipSpace();
    const c = this.text.charCodeAt(this.position);
    if (c === 45 || (c >= 48 && c <= 57)) {
      const [text, isFloat] = this.scanNumber();
      if (isFloat) {
        table.accept(column, "plain");
        return Number(text);
      }
      // Up to 15 characters, an integer is exact as a double. A longer one is an Integer even in an
      // "int" column: toInteger leaves an integer as it is.
      return text.length <= 15 && table.accept(column, "int") ? Number(text) : integerValue(text);
    }
    if (
      c >= 97 &&
      c <= 122 &&
      !this.text.startsWith("true", this.position) &&
      !this.text.startsWith("false", this.position)
    ) {
      const [fn, text] = this.scanCall();
      // Decoded even when deferred: a value this loader cannot read runs the statement as written.
      const value = callValue(fn, text);
      if (deferredCalls.has(fn) && table.accept(column, `call:${fn}`)) return text;
      table.accept(column, "plain");
      return value;
    }
    table.accept(column, "plain");
    return this.parseValue();
  }

  private parseMap(): { [key: string]: ParamValue } {
    const map: { [key: string]: ParamValue } = {};
    this.parseEntries((key) => {
      const value = this.parseValue();
      // A key named __proto__ must become an entry, not the map's prototype.
      if (key === "__proto__") {
        Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
      } else map[key] = value;
    });
    return map;
  }

  private parseString(): string {
    this.expect("'");
    let out = "";
    for (;;) {
      const start = this.position;
      // Jump to the next quote; only a backslash before it needs the slow path.
      const quote = this.text.indexOf("'", start);
      if (quote < 0) this.fail("unterminated string");
      const piece = this.text.slice(start, quote);
      const escape = piece.indexOf("\\");
      if (escape < 0) {
        out += piece;
        this.position = quote + 1;
        return out;
      }
      const backslash = start + escape;
      out += piece.slice(0, escape);
      const e = this.text[backslash + 1];
      const simple = e === undefined ? undefined : simpleEscapes[e];
      if (simple !== undefined) {
        out += simple;
        this.position = backslash + 2;
      } else if (e === "u") {
        const hex = this.text.slice(backslash + 2, backslash + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail("bad \\u escape");
        out += String.fromCharCode(parseInt(hex, 16));
        this.position = backslash + 6;
      } else this.fail("unknown escape");
    }
  }

  private scanNumber(): [text: string, isFloat: boolean] {
    const match = /^-?\d+(\.\d+)?(E-?\d+)?/.exec(this.text.slice(this.position, this.position + 40));
    if (match === null) this.fail("bad number");
    this.position += match[0].length;
    return [match[0], match[1] !== undefined || match[2] !== undefined];
  }

  private parseNumber(): ParamValue {
    const [text, isFloat] = this.scanNumber();
    return isFloat ? Number(text) : integerValue(text);
  }

  private scanCall(): [fn: string, text: string] {
    const match = /^([a-zA-Z]+)\('/.exec(this.text.slice(this.position, this.position + 20));
    if (match === null) this.fail("unexpected token");
    this.position += (match[1] as string).length + 1;
    const argument = this.parseString();
    this.expect(")");
    return [match[1] as string, argument];
  }

  private parseCall(): ParamValue {
    const [fn, text] = this.scanCall();
    return callValue(fn, text);
  }
}

const twoTo32 = 2 ** 32;

/**
 * A Cypher integer as the driver's Integer, built from its two signed 32-bit halves: the driver would
 * otherwise turn a bigint into text and parse that digit by digit, for every value of every row.
 */
export function integerValue(text: string): InstanceType<typeof neo4j.Integer> {
  if (text.length <= 15) {
    // Exact as a double: split arithmetically.
    const n = Number(text);
    const high = Math.floor(n / twoTo32);
    return neo4j.Integer.fromBits((n - high * twoTo32) | 0, high | 0);
  }
  const value = BigInt(text);
  if (BigInt.asIntN(64, value) !== value) throw new RangeError(`integer out of range: ${text}`);
  return neo4j.Integer.fromBits(Number(value & 0xffffffffn) | 0, Number((value >> 32n) & 0xffffffffn) | 0);
}

const clock = /^(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?/;

function nanos(fraction: string | undefined): number {
  return fraction === undefined ? 0 : Number(fraction.padEnd(9, "0"));
}

function parseDate(text: string): { year: number; month: number; day: number; rest: string } {
  const m = /^([+-]?\d{4,9})-(\d\d)-(\d\d)/.exec(text);
  if (m === null) throw new LiteralSyntaxError(`bad date ${text}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), rest: text.slice(m[0].length) };
}

function parseClock(text: string): {
  hour: number;
  minute: number;
  second: number;
  nano: number;
  rest: string;
} {
  const m = clock.exec(text);
  if (m === null) throw new LiteralSyntaxError(`bad time ${text}`);
  return {
    hour: Number(m[1]),
    minute: Number(m[2]),
    second: Number(m[3]),
    nano: nanos(m[4]),
    rest: text.slice(m[0].length),
  };
}

function offsetSeconds(text: string): number {
  if (text === "Z") return 0;
  const m = /^([+-])(\d\d):(\d\d)$/.exec(text);
  if (m === null) throw new LiteralSyntaxError(`bad offset ${text}`);
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
}

function parseDuration(text: string): InstanceType<typeof neo4j.types.Duration> {
  const m =
    /^P(?:(-?\d+)Y)?(?:(-?\d+)M)?(?:(-?\d+)D)?(?:T(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?)(\d+)(?:\.(\d+))?S)?)?$/.exec(
      text,
    );
  if (m === null) throw new LiteralSyntaxError(`bad duration ${text}`);
  const months = Number(m[1] ?? 0) * 12 + Number(m[2] ?? 0);
  const days = Number(m[3] ?? 0);
  const secondsSign = m[6] === "-" ? -1n : 1n;
  const totalNanos =
    (BigInt(m[4] ?? 0) * 3600n + BigInt(m[5] ?? 0) * 60n) * 1_000_000_000n +
    secondsSign *
      (BigInt(m[7] ?? 0) * 1_000_000_000n + BigInt((m[8] ?? "").padEnd(9, "0").slice(0, 9) || "0"));
  // Whole seconds rounded down, nanoseconds in [0, 1e9): how Neo4j itself normalises a duration.
  let seconds = totalNanos / 1_000_000_000n;
  let nano = totalNanos - seconds * 1_000_000_000n;
  if (nano < 0n) {
    seconds -= 1n;
    nano += 1_000_000_000n;
  }
  // PostgreSQL intervals hold at most about 2^31 hours: the seconds fit a double exactly.
  return new neo4j.types.Duration(months, days, Number(seconds), Number(nano));
}

function callValue(fn: string, text: string): ParamValue {
  switch (fn) {
    case "toFloat":
      if (text === "NaN") return NaN;
      if (text === "Infinity") return Infinity;
      if (text === "-Infinity") return -Infinity;
      break;
    case "date": {
      const d = parseDate(text);
      if (d.rest !== "") break;
      return new neo4j.types.Date(d.year, d.month, d.day);
    }
    case "localtime": {
      const t = parseClock(text);
      if (t.rest !== "") break;
      return new neo4j.types.LocalTime(t.hour, t.minute, t.second, t.nano);
    }
    case "time": {
      const t = parseClock(text);
      return new neo4j.types.Time(t.hour, t.minute, t.second, t.nano, offsetSeconds(t.rest));
    }
    case "localdatetime":
    case "datetime": {
      const d = parseDate(text);
      if (!d.rest.startsWith("T")) break;
      const t = parseClock(d.rest.slice(1));
      if (fn === "localdatetime") {
        if (t.rest !== "") break;
        return new neo4j.types.LocalDateTime(d.year, d.month, d.day, t.hour, t.minute, t.second, t.nano);
      }
      return new neo4j.types.DateTime(
        d.year,
        d.month,
        d.day,
        t.hour,
        t.minute,
        t.second,
        t.nano,
        offsetSeconds(t.rest),
      );
    }
    case "duration":
      return parseDuration(text);
  }
  throw new LiteralSyntaxError(`unsupported ${fn}('${text}')`);
}
