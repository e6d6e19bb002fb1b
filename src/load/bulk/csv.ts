/**
 * Values of decoded script rows as fields of `neo4j-admin database import` CSV files, and as keys
 * that join nodes the way a Cypher equality does. Pure functions: the tests pin them down.
 */
import neo4j from "neo4j-driver";
import type { ColumnKind, ParamValue } from "../../script/node-batches.js";

/** The importer's property types that c360's scripts can hold. */
type ScalarType =
  | "long"
  | "double"
  | "boolean"
  | "string"
  | "date"
  | "localtime"
  | "time"
  | "localdatetime"
  | "datetime"
  | "duration";
export type CsvType = ScalarType | "long[]" | "double[]" | "boolean[]" | "string[]";

/**
 * Separates list elements inside a field (the importer's `--array-delimiter`): a control character
 * that text columns hardly ever hold. A list element that does hold it is refused.
 */
export const arrayDelimiter = "\u001f";

const temporalTypes = new Set<string>(["date", "localtime", "time", "localdatetime", "datetime", "duration"]);

/** A field as the importer reads it: always quoted, a quote inside doubled. */
export function quoteField(text: string): string {
  return `"${text.includes('"') ? text.replaceAll('"', '""') : text}"`;
}

export function doubleText(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  if (Object.is(value, -0)) return "-0.0";
  return String(value);
}

export interface CsvValue {
  type: CsvType;
  field: string;
}

/** A scalar list element's type and text, or undefined. */
function elementOf(value: ParamValue): [ScalarType, string] | undefined {
  switch (typeof value) {
    case "string":
      return value.includes(arrayDelimiter) ? undefined : ["string", value];
    case "number":
      return ["double", doubleText(value)];
    case "boolean":
      return ["boolean", value ? "true" : "false"];
    default:
      return neo4j.isInt(value) ? ["long", value.toString()] : undefined;
  }
}

/**
 * A list as one field: its elements joined by `arrayDelimiter`. Undefined for what the importer
 * cannot give back as it was: an empty list or a list of one empty string (an empty field is read
 * as no value), mixed or temporal elements, and elements holding the delimiter.
 */
function listValue(items: readonly ParamValue[]): CsvValue | undefined {
  let type: ScalarType | undefined;
  const texts: string[] = [];
  for (const item of items) {
    const element = elementOf(item);
    if (element === undefined || (type !== undefined && element[0] !== type)) return undefined;
    type = element[0];
    texts.push(element[1]);
  }
  const text = texts.join(arrayDelimiter);
  if (type === undefined || text === "") return undefined;
  return { type: `${type}[]` as CsvType, field: quoteField(text) };
}

/**
 * One non-null value of a column of `kind` as an import field, or undefined for a value the
 * importer cannot carry as it is (see listValue; and temporal values decoded from a mixed column).
 */
export function csvValue(value: ParamValue, kind: ColumnKind | undefined): CsvValue | undefined {
  if (kind === "int") return { type: "long", field: (value as number).toString() };
  if (kind !== undefined && kind !== "plain") {
    const fn = kind.slice(5);
    if (!temporalTypes.has(fn)) return undefined;
    return { type: fn as CsvType, field: quoteField(value as string) };
  }
  switch (typeof value) {
    case "string":
      return { type: "string", field: quoteField(value) };
    case "number":
      return { type: "double", field: doubleText(value) };
    case "boolean":
      return { type: "boolean", field: value ? "true" : "false" };
    default:
      if (Array.isArray(value)) return listValue(value);
      return neo4j.isInt(value) ? { type: "long", field: value.toString() } : undefined;
  }
}

/**
 * One value as part of a join key: equal keys for values Cypher's `=` finds equal (1 and 1.0
 * included), null for a value that equals nothing (NULL, NaN), undefined for a value whose
 * equality c360 does not reproduce (temporal values, lists): such a join is left to Neo4j.
 */
export function keyPart(
  value: ParamValue | null | undefined,
  kind: ColumnKind | undefined,
): string | null | undefined {
  if (value === null || value === undefined) return null;
  if (kind === "int") return `n${value as number}`;
  if (kind !== undefined && kind !== "plain") return undefined;
  switch (typeof value) {
    case "string":
      return `s${value}`;
    case "number":
      if (Number.isNaN(value)) return null;
      // String(-0) is "0", and integral doubles print as their digits: 1.0 joins 1.
      return `n${value}`;
    case "boolean":
      return `b${value}`;
    default:
      return neo4j.isInt(value) ? `n${value.toString()}` : undefined;
  }
}

/** The key of several parts, unambiguous whatever the parts hold. */
export function compositeKey(parts: readonly string[]): string {
  return parts.length === 1 ? (parts[0] as string) : parts.map((p) => `${p.length}:${p}`).join("");
}

/**
 * Why a property name cannot be a column of an import header (which splits `name:type` at a colon
 * and fields at commas), or undefined if it can.
 */
export function headerNameProblem(name: string): string | undefined {
  if (/[:,"\r\n]/.test(name)) return "contains a colon, comma, quote or line break";
  if (/^\s|\s$/.test(name)) return "starts or ends with white space";
  return undefined;
}
