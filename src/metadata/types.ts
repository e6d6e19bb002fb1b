/**
 * Which Cypher type each PostgreSQL type becomes (the README's type table). Domains are resolved
 * to their base type before this is called; anything not listed is written as its text (STRING).
 */
import type { ScalarKind, ValueKind } from "../script/literals.js";

const scalarKinds: Record<string, ScalarKind> = {
  int2: "integer",
  int4: "integer",
  int8: "integer",
  oid: "integer",
  numeric: "float",
  float4: "float",
  float8: "float",
  bool: "boolean",
  date: "date",
  timestamptz: "datetime",
  timestamp: "localdatetime",
  time: "localtime",
  timetz: "time",
  interval: "duration",
  json: "json",
  jsonb: "json",
  bytea: "bytes",
};

export interface ColumnType {
  /** The type's name (for domains, the base type's). */
  typeName: string;
  /** For arrays, the element type's name. */
  elementTypeName: string | undefined;
}

export function valueKindOf(type: ColumnType): ValueKind {
  if (type.elementTypeName !== undefined) return { list: scalarKinds[type.elementTypeName] ?? "string" };
  return scalarKinds[type.typeName] ?? "string";
}

/** The Cypher type name a kind is stored as, for plans and docs. */
export function cypherTypeName(kind: ValueKind): string {
  if (typeof kind !== "string") return `LIST<${cypherTypeName(kind.list)}>`;
  const names: Record<ScalarKind, string> = {
    integer: "INTEGER",
    float: "FLOAT",
    boolean: "BOOLEAN",
    string: "STRING",
    json: "STRING",
    bytes: "STRING",
    date: "DATE",
    datetime: "ZONED DATETIME",
    localdatetime: "LOCAL DATETIME",
    localtime: "LOCAL TIME",
    time: "ZONED TIME",
    duration: "DURATION",
  };
  return names[kind];
}
