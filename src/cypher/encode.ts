/**
 * The one place where data becomes Cypher text.
 *
 * Source values arrive as PostgreSQL's text output (see src/extract/session.sql for the session
 * settings that pin that format down) and leave as Cypher literals. Nothing else in c360 builds a
 * literal from data, and no data can end a string, end a statement or open a comment: every
 * character that could (quotes, backslash, line breaks of any kind, control characters), plus
 * astral and invisible or direction-changing characters a reviewer could not see, is escaped.
 *
 * The literal grammar emitted is deliberately small, so that a loader can parse it back:
 * strings in single quotes, integers, floats (always with "." or "E"), true/false, lists, maps
 * with backtick-quoted keys, and calls of the form fn('text') for temporal values and special
 * floats.
 */

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

const namedEscapes: Record<string, string> = {
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

/** ISO year for Neo4j: astronomical numbering for BC, a sign beyond four digits. */
function isoYear(yearText: string, bc: boolean): string {
  const year = bc ? 1 - Number(yearText) : Number(yearText);
  if (year < 0) return `-${String(-year).padStart(4, "0")}`;
  if (year > 9999) return `+${year}`;
  return String(year).padStart(4, "0");
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
