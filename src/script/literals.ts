/**
 * The literal grammar of c360's scripts: the one place where data becomes Cypher text, and where
 * Cypher text becomes data again.
 *
 * Source values arrive as PostgreSQL's text output (see sql/source/session.sql for the session
 * settings that pin that format down) and leave as Cypher literals. Nothing else in c360 builds a
 * literal from data, and no data can end a string, end a statement or open a comment: every
 * character that could (quotes, backslash, line breaks of any kind, control characters), plus
 * astral and invisible or direction-changing characters a reviewer could not see, is escaped.
 *
 * The literal grammar emitted is deliberately small, so that a loader can parse it back:
 * strings in single quotes, integers, floats (always with "." or "E"), true/false, lists, maps
 * with backtick-quoted keys, and calls of the form fn('text') for temporal values and special
 * floats. `LiteralReader` reads exactly that grammar and nothing else: each literal it accepts is
 * the one `encodeValue` writes for the value it reads, so the value is the one Neo4j reads too.
 * Anything else (`010`, `1.0E400`, `date('2025-13-01')`, a `\"` escape, an extra space) is not
 * c360's and is left to Neo4j, as written.
 */
import neo4j from "neo4j-driver";

/** How a column's values are written; chosen from the PostgreSQL type (src/metadata/types.ts). */
export type ScalarKind =
  | "integer"
  | "float"
  | "boolean"
  | "string"
  | "date"
  | "localdatetime"
  | "datetime"
  | "localtime"
  | "time"
  | "duration"
  | "json"
  | "bytes";

export type ValueKind = ScalarKind | { list: ScalarKind };

export class EncodeError extends Error {}

// Characters that are escaped inside string literals: the quote and backslash, C0/C1 controls and
// DEL, the Unicode line/paragraph separators, invisible formatting and bidirectional controls
// (a reviewer must see what the script does), specials and noncharacters, and surrogates (so astral
// characters are written as escaped pairs and the script stays in the Basic Multilingual Plane).
const escapedClass =
  "[\\\\'\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufeff\\ufff0-\\uffff\\ud800-\\udfff]";
const needsEscape = new RegExp(escapedClass);
const escapeAll = new RegExp(escapedClass, "g");

/** The escapes with a name; every other escaped character is written as \\uXXXX (upper-case hex). */
const namedEscapes: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  "'": "\\'",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

function escapeChar(char: string): string {
  return namedEscapes[char] ?? `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Escapes text for use inside a single-quoted Cypher string, or a comment: one line, no quote. */
export function escapeText(text: string): string {
  return needsEscape.test(text) ? text.replace(escapeAll, escapeChar) : text;
}

/** A Cypher string literal holding exactly `text`. */
export function cypherString(text: string): string {
  return `'${escapeText(text)}'`;
}

/** Text for a `//` comment: a single line whatever the input. */
export function commentText(text: string): string {
  return escapeText(text);
}

/** Labels, relationship types and join aliases must be plain identifiers: letters, digits, _. */
const symbolicName = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isPlainIdentifier(name: string): boolean {
  return symbolicName.test(name) && name.length <= 200;
}

/**
 * Why a property key (a column name) cannot be used, or undefined if it can. Keys are always
 * backtick-quoted, so spaces and punctuation are safe; what is refused is what a reviewer could
 * misread or a tool could mangle: backticks, control and invisible characters.
 */
export function propertyKeyProblem(name: string): string | undefined {
  if (name.length === 0) return "is empty";
  if (name.includes("`")) return "contains a backtick";
  if (needsEscape.test(name.replaceAll("'", "").replaceAll("\\", ""))) {
    return "contains a control, invisible or direction-changing character";
  }
  if (/^\s|\s$/.test(name)) return "starts or ends with white space";
  return undefined;
}

/** Backtick-quotes a name that has been validated (isPlainIdentifier or propertyKeyProblem). */
export function quoteName(name: string): string {
  return `\`${name.replaceAll("`", "``")}\``;
}

function call(fn: string, text: string): string {
  return `${fn}('${text}')`;
}

export function floatLiteral(value: number): string {
  if (Number.isNaN(value)) return call("toFloat", "NaN");
  if (value === Infinity) return call("toFloat", "Infinity");
  if (value === -Infinity) return call("toFloat", "-Infinity");
  if (Object.is(value, -0)) return "-0.0";
  const text = String(value);
  if (text.includes("e")) return text.replace("e+", "E").replace("e-", "E-");
  return text.includes(".") ? text : `${text}.0`;
}

const integerText = /^-?\d+$/;
const dateText = /^(\d{4,})-(\d\d)-(\d\d)( BC)?$/;
const timestampText = /^(\d{4,})-(\d\d)-(\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d(?::\d\d){0,2})?( BC)?$/;
const timeText = /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)$/;
const timetzText = /^(\d\d:\d\d:\d\d(?:\.\d+)?)([+-])(\d\d)(?::(\d\d))?(?::\d\d)?$/;
const isoInterval = /^P(?:-?\d+Y)?(?:-?\d+M)?(?:-?\d+D)?(?:T(?:-?\d+H)?(?:-?\d+M)?(?:-?\d+(?:\.\d+)?S)?)?$/;

// PostgreSQL's infinite dates and timestamps become the largest and smallest values Neo4j can
// hold, so they still sort after (or before) every real value.
const maxDate = "+999999999-12-31";
const minDate = "-999999999-01-01";
const maxTime = "23:59:59.999999999";

/** An astronomical year as ISO 8601 writes it: four digits, or a sign and at least four. */
function formatYear(year: number): string {
  if (year < 0) return `-${String(-year).padStart(4, "0")}`;
  if (year > 9999) return `+${year}`;
  return String(year).padStart(4, "0");
}

/** ISO year for Neo4j: astronomical numbering for BC, a sign beyond four digits. */
function isoYear(yearText: string, bc: boolean): string {
  return formatYear(bc ? 1 - Number(yearText) : Number(yearText));
}

function encodeDate(text: string): string {
  if (text === "infinity") return call("date", maxDate);
  if (text === "-infinity") return call("date", minDate);
  const m = dateText.exec(text);
  if (m === null) throw new EncodeError(`not a PostgreSQL date: ${text}`);
  return call("date", `${isoYear(m[1] ?? "", m[4] !== undefined)}-${m[2]}-${m[3]}`);
}

/**
 * Whether text starts with "YYYY-MM-DD HH:MM:SS", checked character by character: the shape of
 * nearly every timestamp, which needs no year, fraction or offset rewriting.
 */
function startsWithPlainTimestamp(text: string): boolean {
  for (let i = 0; i < 19; i++) {
    const c = text.charCodeAt(i);
    const expected = i === 4 || i === 7 ? 45 : i === 10 ? 32 : i === 13 || i === 16 ? 58 : -1;
    if (expected < 0 ? c < 48 || c > 57 : c !== expected) return false;
  }
  return true;
}

function encodeTimestamp(text: string, zoned: boolean): string {
  const fn = zoned ? "datetime" : "localdatetime";
  const zone = zoned ? "Z" : "";
  // The common case ("2025-01-01 06:30:00", with +00 when zoned), without the regex below: most
  // of a table's timestamps go through here.
  if (
    text.length === (zoned ? 22 : 19) &&
    (!zoned || text.endsWith("+00")) &&
    startsWithPlainTimestamp(text)
  ) {
    return call(fn, `${text.slice(0, 10)}T${text.slice(11, 19)}${zone}`);
  }
  if (text === "infinity") return call(fn, `${maxDate}T${maxTime}${zone}`);
  if (text === "-infinity") return call(fn, `${minDate}T00:00:00${zone}`);
  const m = timestampText.exec(text);
  if (m === null) throw new EncodeError(`not a PostgreSQL timestamp: ${text}`);
  let offset = "";
  if (zoned) {
    const raw = m[5] ?? "+00";
    offset = raw === "+00" ? "Z" : normalizeOffset(raw);
  }
  return call(fn, `${isoYear(m[1] ?? "", m[6] !== undefined)}-${m[2]}-${m[3]}T${m[4]}${offset}`);
}

/** "+05" and "+05:30:15" become "+05:00" and "+05:30": Neo4j offsets have no seconds. */
function normalizeOffset(raw: string): string {
  const [hours, minutes] = raw.slice(1).split(":");
  return `${raw[0]}${hours}:${minutes ?? "00"}`;
}

function encodeTime(text: string): string {
  // 24:00:00 (end of day) exists in PostgreSQL, not in Neo4j: the last representable instant.
  if (text === "24:00:00") return call("localtime", maxTime);
  if (!timeText.test(text)) throw new EncodeError(`not a PostgreSQL time: ${text}`);
  return call("localtime", text);
}

function encodeTimetz(text: string): string {
  const m = timetzText.exec(text);
  if (m === null) throw new EncodeError(`not a PostgreSQL time with time zone: ${text}`);
  const clock = m[1] === "24:00:00" ? maxTime : m[1];
  return call("time", `${clock}${m[2]}${m[3]}:${m[4] ?? "00"}`);
}

function encodeScalar(kind: ScalarKind, text: string): string {
  switch (kind) {
    case "integer":
      if (!integerText.test(text)) throw new EncodeError(`not an integer: ${text}`);
      return text;
    case "float":
      if (!/^(?:-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|NaN|-?Infinity)$/i.test(text)) {
        throw new EncodeError(`not a number: ${text}`);
      }
      return floatLiteral(Number(text));
    case "boolean":
      if (text === "t" || text === "true") return "true";
      if (text === "f" || text === "false") return "false";
      throw new EncodeError(`not a boolean: ${text}`);
    case "string":
    case "json":
      return cypherString(text);
    case "bytes":
      if (!/^\\x(?:[0-9a-f]{2})*$/i.test(text)) throw new EncodeError("bytea is not in hex output format");
      return cypherString(Buffer.from(text.slice(2), "hex").toString("base64"));
    case "date":
      return encodeDate(text);
    case "datetime":
      return encodeTimestamp(text, true);
    case "localdatetime":
      return encodeTimestamp(text, false);
    case "localtime":
      return encodeTime(text);
    case "time":
      return encodeTimetz(text);
    case "duration":
      if (!isoInterval.test(text) || text === "P" || text.endsWith("T"))
        throw new EncodeError(`interval is not in iso_8601 style: ${text}`);
      return call("duration", text);
  }
}

/**
 * Encodes one non-NULL PostgreSQL value (its text output) as a Cypher literal.
 *
 * Lists arrive as the JSON text of `to_json(column::text[])`: their NULL elements are dropped
 * (a Neo4j property list cannot hold null), and a multi-dimensional array, which no Neo4j
 * property can hold, is stored as the STRING of that JSON text.
 */
export function encodeValue(kind: ValueKind, text: string): string {
  if (typeof kind === "string") return encodeScalar(kind, text);
  let elements: unknown;
  try {
    elements = JSON.parse(text);
  } catch {
    throw new EncodeError("array column did not arrive as JSON");
  }
  if (!Array.isArray(elements)) throw new EncodeError("array column did not arrive as a JSON array");
  const parts: string[] = [];
  for (const element of elements) {
    if (element === null) continue;
    if (typeof element !== "string") return cypherString(text);
    parts.push(encodeScalar(kind.list, element));
  }
  return `[${parts.join(", ")}]`;
}

// ---------------------------------------------------------------------------------------------
// Reading literals back.

/** A value decoded from a literal, as the Neo4j driver sends it. */
export type ParamValue =
  | string
  | number
  | boolean
  | ParamValue[]
  | InstanceType<typeof neo4j.Integer>
  | InstanceType<typeof neo4j.types.Date>
  | InstanceType<typeof neo4j.types.LocalTime>
  | InstanceType<typeof neo4j.types.Time>
  | InstanceType<typeof neo4j.types.LocalDateTime>
  | InstanceType<typeof neo4j.types.DateTime>
  | InstanceType<typeof neo4j.types.Duration>;

/** Text that is not a literal as c360 writes it: the statement it is in runs as written. */
export class NotCanonical extends Error {}

function notCanonical(message: string): never {
  throw new NotCanonical(message);
}

/** What each named escape letter stands for: the inverse of namedEscapes. */
const unescapes: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(namedEscapes).map(([char, escape]) => [escape.slice(1), char]),
);

/** The functions that write temporal values and special floats: `fn('text')`. */
export const literalCalls: ReadonlySet<string> = new Set([
  "toFloat",
  "date",
  "localtime",
  "time",
  "localdatetime",
  "datetime",
  "duration",
]);

const numberToken = /-?\d+(?:\.\d+)?(?:E-?\d+)?/y;
const canonicalInteger = /^-?(?:0|[1-9]\d*)$/;
const callToken = /([a-zA-Z]+)\('/y;

/**
 * Reads literals exactly as src/script/literals.ts writes them, from `position` on: the tokens and
 * the separators between them. Every read either returns what the literal means to Neo4j or
 * throws NotCanonical.
 */
export class LiteralReader {
  constructor(
    readonly text: string,
    public position = 0,
  ) {}

  /** The code of the character at the position (NaN at the end). */
  peek(): number {
    return this.text.charCodeAt(this.position);
  }

  /** Consumes `expected`, which must be next, to the letter. */
  expect(expected: string): void {
    if (!this.text.startsWith(expected, this.position)) notCanonical(`expected ${JSON.stringify(expected)}`);
    this.position += expected.length;
  }

  /** Whether `text` is next. */
  lookingAt(text: string): boolean {
    return this.text.startsWith(text, this.position);
  }

  /** Consumes `expected` if it is next. */
  accept(expected: string): boolean {
    if (!this.text.startsWith(expected, this.position)) return false;
    this.position += expected.length;
    return true;
  }

  /** A backtick-quoted name, as quoteName writes it. */
  readName(): string {
    this.expect("`");
    let name = "";
    for (;;) {
      const end = this.text.indexOf("`", this.position);
      if (end < 0) notCanonical("unterminated name");
      name += this.text.slice(this.position, end);
      this.position = end + 1;
      if (this.text.charCodeAt(this.position) !== 96) break;
      name += "`";
      this.position++;
    }
    if (name === "") notCanonical("empty name");
    return name;
  }

  /** A single-quoted string, every character escaped exactly as escapeText escapes it. */
  readString(): string {
    this.expect("'");
    let out = "";
    for (;;) {
      // Up to the next quote; only a backslash before it needs the slow path. (Searched within the
      // piece: a search of the rest of the text would cost the whole statement per string.)
      const quote = this.text.indexOf("'", this.position);
      if (quote < 0) notCanonical("unterminated string");
      const piece = this.text.slice(this.position, quote);
      const escape = piece.indexOf("\\");
      const plain = escape < 0 ? piece : piece.slice(0, escape);
      if (needsEscape.test(plain)) notCanonical("a character that c360 escapes is written as it is");
      out += plain;
      if (escape < 0) {
        this.position = quote + 1;
        return out;
      }
      out += this.readEscape(this.position + escape);
    }
  }

  private readEscape(backslash: number): string {
    const letter = this.text[backslash + 1] ?? "";
    const named = unescapes[letter];
    if (named !== undefined) {
      this.position = backslash + 2;
      return named;
    }
    const hex = this.text.slice(backslash + 2, backslash + 6);
    if (letter !== "u" || !/^[0-9A-F]{4}$/.test(hex)) notCanonical("an escape c360 does not write");
    const char = String.fromCharCode(parseInt(hex, 16));
    if (namedEscapes[char] !== undefined || !needsEscape.test(char))
      notCanonical(`\\u${hex} stands for a character c360 writes otherwise`);
    this.position = backslash + 6;
    return char;
  }

  /** A number token, checked to be the text floatLiteral or an integer column writes for it. */
  readNumber(): { text: string; isFloat: boolean } {
    numberToken.lastIndex = this.position;
    const match = numberToken.exec(this.text);
    if (match === null) notCanonical("bad number");
    const text = match[0];
    this.position += text.length;
    const isFloat = text.includes(".") || text.includes("E");
    if (isFloat) {
      // 1.0E400 is Infinity to JavaScript and an error to Neo4j; 1.50 is 1.5 written otherwise.
      if (floatLiteral(Number(text)) !== text) notCanonical(`${text} is not a float as c360 writes it`);
    } else if (!canonicalInteger.test(text) || text === "-0") {
      // 010 was octal once, and Neo4j 5 refuses it.
      notCanonical(`${text} is not an integer as c360 writes it`);
    }
    return { text, isFloat };
  }

  /** `fn('text')`, for one of the literalCalls. */
  readCall(): { fn: string; argument: string } {
    callToken.lastIndex = this.position;
    const match = callToken.exec(this.text);
    const fn = match?.[1];
    if (fn === undefined || !literalCalls.has(fn)) notCanonical("unexpected token");
    this.position += fn.length + 1;
    const argument = this.readString();
    this.expect(")");
    return { fn, argument };
  }

  /** Any literal c360 writes, as the value Neo4j reads from it. */
  readValue(): ParamValue {
    const c = this.peek();
    if (c === 91 /* [ */) return this.readList();
    if (c === 39 /* ' */) return this.readString();
    if (c === 45 || (c >= 48 && c <= 57)) {
      const { text, isFloat } = this.readNumber();
      return isFloat ? Number(text) : integerValue(text);
    }
    if (this.accept("true")) return true;
    if (this.accept("false")) return false;
    const { fn, argument } = this.readCall();
    return callValue(fn, argument);
  }

  /** A list of scalars of one kind, as encodeValue writes a PostgreSQL array. */
  private readList(): ParamValue[] {
    this.expect("[");
    const items: ParamValue[] = [];
    if (this.accept("]")) return items;
    let kind: string | undefined;
    for (;;) {
      if (this.peek() === 91) notCanonical("a list inside a list");
      const item = this.readValue();
      const itemKind = valueKind(item);
      if (kind !== undefined && itemKind !== kind) notCanonical("a list of mixed kinds");
      kind = itemKind;
      items.push(item);
      if (this.accept("]")) return items;
      this.expect(", ");
    }
  }
}

/** A decoded scalar's kind, to keep lists homogeneous as Neo4j's list properties must be. */
function valueKind(value: ParamValue): string {
  if (typeof value !== "object") return typeof value;
  if (neo4j.isInt(value)) return "integer";
  return (value as object).constructor.name;
}

const twoTo32 = 2 ** 32;

/**
 * A Cypher integer as the driver's Integer, built from its two signed 32-bit halves: the driver would
 * otherwise turn a bigint into text and parse that digit by digit, for every value of every row.
 * An integer beyond 64 bits is not c360's (Neo4j refuses it).
 */
export function integerValue(text: string): InstanceType<typeof neo4j.Integer> {
  if (text.length <= 15) {
    // Exact as a double: split arithmetically.
    const n = Number(text);
    const high = Math.floor(n / twoTo32);
    return neo4j.Integer.fromBits((n - high * twoTo32) | 0, high | 0);
  }
  const value = BigInt(text);
  if (BigInt.asIntN(64, value) !== value) notCanonical(`integer out of range: ${text}`);
  return neo4j.Integer.fromBits(Number(value & 0xffffffffn) | 0, Number((value >> 32n) & 0xffffffffn) | 0);
}

const clock = /^(\d\d):(\d\d):(\d\d)(?:\.(\d{0,8}[1-9]))?/;
const neo4jMaxYear = 999_999_999;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** A date as formatYear writes it, on the calendar: no 13th month, no 30th of February. */
function parseDate(text: string): { year: number; month: number; day: number; rest: string } {
  const m = /^([+-]?\d{4,9})-(\d\d)-(\d\d)/.exec(text);
  if (m === null) notCanonical(`bad date ${text}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (formatYear(year) !== m[1] || Math.abs(year) > neo4jMaxYear) notCanonical(`bad year in ${text}`);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    notCanonical(`no such date: ${text}`);
  return { year, month, day, rest: text.slice(m[0].length) };
}

function parseClock(text: string): {
  hour: number;
  minute: number;
  second: number;
  nano: number;
  rest: string;
} {
  const m = clock.exec(text);
  if (m === null) notCanonical(`bad time ${text}`);
  const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (hour > 23 || minute > 59 || second > 59) notCanonical(`no such time: ${text}`);
  const nano = m[4] === undefined ? 0 : Number(m[4].padEnd(9, "0"));
  return { hour, minute, second, nano, rest: text.slice(m[0].length) };
}

function offsetSeconds(text: string, zulu: boolean): number {
  if (zulu && text === "Z") return 0;
  const m = /^([+-])(\d\d):(\d\d)$/.exec(text);
  if (m === null) notCanonical(`bad offset ${text}`);
  const seconds = Number(m[2]) * 3600 + Number(m[3]) * 60;
  if (Number(m[3]) > 59 || seconds > 18 * 3600) notCanonical(`no such offset: ${text}`);
  return (m[1] === "-" ? -1 : 1) * seconds;
}

const durationNumber = "(-?(?:0|[1-9]\\d{0,14}))";
const durationText = new RegExp(
  `^P(?:${durationNumber}Y)?(?:${durationNumber}M)?(?:${durationNumber}D)?` +
    `(?:T(?:${durationNumber}H)?(?:${durationNumber}M)?(?:(-?)(0|[1-9]\\d{0,14})(?:\\.(\\d{0,8}[1-9]))?S)?)?$`,
);

function parseDuration(text: string): InstanceType<typeof neo4j.types.Duration> {
  const m = durationText.exec(text);
  if (m === null || text === "P" || text.endsWith("T")) notCanonical(`bad duration ${text}`);
  const months = Number(m[1] ?? 0) * 12 + Number(m[2] ?? 0);
  const days = Number(m[3] ?? 0);
  const secondsSign = m[6] === "-" ? -1n : 1n;
  const totalNanos =
    (BigInt(m[4] ?? 0) * 3600n + BigInt(m[5] ?? 0) * 60n) * 1_000_000_000n +
    secondsSign * (BigInt(m[7] ?? 0) * 1_000_000_000n + BigInt((m[8] ?? "").padEnd(9, "0") || "0"));
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

/** The value of `fn('text')`, checked on the calendar and the clock. */
export function callValue(fn: string, text: string): ParamValue {
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
      return new neo4j.types.Time(t.hour, t.minute, t.second, t.nano, offsetSeconds(t.rest, false));
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
      const offset = offsetSeconds(t.rest, true);
      return new neo4j.types.DateTime(d.year, d.month, d.day, t.hour, t.minute, t.second, t.nano, offset);
    }
    case "duration":
      return parseDuration(text);
  }
  notCanonical(`${fn}('${text}') is not a value c360 writes`);
}
