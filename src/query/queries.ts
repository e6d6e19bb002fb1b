/**
 * The analytics queries in queries/: finding them by name and running them.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Driver } from "neo4j-driver";
import { RefusedError, TargetError, messageOf } from "../errors.js";
import { projectRoot } from "../version.js";

export const queriesDir = path.join(projectRoot, "queries");

export interface NamedQuery {
  /** The file name without .cypher, e.g. 08-customer-journey. */
  name: string;
  text: string;
}

export function listQueries(dir = queriesDir): NamedQuery[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".cypher"))
    .sort()
    .map((file) => ({
      name: file.slice(0, -".cypher".length),
      text: readFileSync(path.join(dir, file), "utf8"),
    }));
}

/** Finds queries by number ("8"), prefix ("08") or part of the name ("journey"). */
export function selectQueries(selector: string | undefined, dir = queriesDir): NamedQuery[] {
  const all = listQueries(dir);
  if (selector === undefined) return all;
  const number = /^\d+$/.test(selector) ? Number(selector) : undefined;
  const matches = all.filter((q) =>
    number !== undefined ? Number(q.name.split("-")[0]) === number : q.name.includes(selector.toLowerCase()),
  );
  if (matches.length === 0) {
    throw new RefusedError(`no query matches "${selector}"`, {
      hint: `Known queries: ${all.map((q) => q.name).join(", ")}.`,
    });
  }
  return matches;
}

export interface QueryResult {
  name: string;
  columns: string[];
  rows: unknown[][];
}

export async function runQuery(driver: Driver, database: string, query: NamedQuery): Promise<QueryResult> {
  const result = await driver
    .executeQuery(query.text, {}, { database, routing: "READ" })
    .catch((error: unknown) => {
      throw new TargetError(`query ${query.name} failed: ${messageOf(error)}`, { cause: error });
    });
  return {
    name: query.name,
    columns: [...result.keys].map(String),
    rows: result.records.map((record) => record.keys.map((key) => record.get(key) as unknown)),
  };
}

/** Driver temporal values (Date, DateTime, Duration, ...) print themselves in ISO form. */
function temporalText(value: object): string {
  return (value as { toString(): string }).toString();
}

/** A value as a person reads it: temporal values in ISO form, integers without a trailing n. */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return Number.isInteger(value) ? `${value}.0` : String(value);
  if (Array.isArray(value)) return `[${value.map(displayValue).join(", ")}]`;
  if (typeof value === "object" && value.constructor !== Object) return temporalText(value);
  if (typeof value === "object") {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  return typeof value === "string" ? value : "";
}

/** A value for JSON output: exact integers stay numbers when they fit, otherwise strings. */
export function jsonValue(value: unknown): unknown {
  if (typeof value === "bigint")
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value !== null && typeof value === "object") {
    if (value.constructor !== Object) return temporalText(value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  }
  return value;
}

export function formatTable(result: QueryResult): string {
  const cells = result.rows.map((row) => row.map(displayValue));
  const widths = result.columns.map((column, i) =>
    Math.min(60, Math.max(column.length, ...cells.map((row) => (row[i] ?? "").length))),
  );
  const clip = (text: string, width: number) =>
    (text.length > width ? `${text.slice(0, width - 1)}…` : text).replace(/[\r\n\t]/g, " ").padEnd(width);
  const line = (values: string[]) =>
    values
      .map((v, i) => clip(v, widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [
    line(result.columns),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.map(line),
    `(${result.rows.length} row${result.rows.length === 1 ? "" : "s"})`,
  ].join("\n");
}
