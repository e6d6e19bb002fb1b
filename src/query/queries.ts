/**
 * Cypher queries kept as files, one statement each (the bundled ones in queries/, or a user's):
 * finding them, running them, and printing their results for a person or a program.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { Driver } from "neo4j-driver";
import type { Neo4jTarget, Timeouts } from "../config.js";
import { withDriver } from "../neo4j/driver.js";
import { C360Error, ExitCode, ScriptFileError, TargetError, messageOf } from "../errors.js";
import { projectRoot } from "../version.js";

/** The queries that ship with c360 (C360_QUERIES_DIR's default). */
export const queriesDir = path.join(projectRoot, "queries");

export interface NamedQuery {
  /** The file name without .cypher, e.g. 08-customer-journey. */
  name: string;
  /** The question it answers: the file's first line, if that is a `//` comment. */
  title: string | undefined;
  text: string;
}

function readQuery(file: string): NamedQuery {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ScriptFileError(`cannot read query file ${file}: ${messageOf(error)}`);
  }
  const first = /^\/\/[ \t]*(.*\S)/.exec(text.split("\n", 1)[0] ?? "")?.[1];
  return { name: path.basename(file).replace(/\.cypher$/, ""), title: first, text };
}

export function listQueries(dir = queriesDir): NamedQuery[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith(".cypher"));
  } catch (error) {
    throw new ScriptFileError(`cannot read the query folder ${dir}: ${messageOf(error)}`, {
      hint: "Name a folder of .cypher files with --dir or C360_QUERIES_DIR.",
    });
  }
  return files.sort().map((file) => readQuery(path.join(dir, file)));
}

/** A name that is a path to a query file, rather than a query's name in the folder. */
function isQueryFile(selector: string): boolean {
  return selector.endsWith(".cypher") || (existsSync(selector) && statSync(selector).isFile());
}

/**
 * Finds queries: a file (`my-query.cypher`), or, in the folder, by number ("8"), prefix ("08")
 * or part of the name ("journey"); all of the folder's without a selector.
 */
export function selectQueries(selector: string | undefined, dir = queriesDir): NamedQuery[] {
  if (selector !== undefined && isQueryFile(selector)) return [readQuery(path.resolve(selector))];
  const all = listQueries(dir);
  if (selector === undefined) return all;
  const number = /^\d+$/.test(selector) ? Number(selector) : undefined;
  const matches = all.filter((q) =>
    number !== undefined ? Number(q.name.split("-")[0]) === number : q.name.includes(selector.toLowerCase()),
  );
  if (matches.length === 0) {
    // A name the user got wrong is a usage error, as an unknown command is.
    throw new C360Error(`no query in ${dir} matches "${selector}"`, ExitCode.usage, {
      hint: `Known queries: ${all.map((q) => q.name).join(", ")}. A query file can be named by its path.`,
    });
  }
  return matches;
}

export interface QueryResult {
  name: string;
  title: string | undefined;
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
    title: query.title,
    columns: [...result.keys].map(String),
    rows: result.records.map((record) => record.keys.map((key) => record.get(key) as unknown)),
  };
}

/** Driver temporal values (Date, DateTime, Duration, ...) print themselves in ISO form. */
function temporalText(value: object): string {
  return (value as { toString(): string }).toString();
}

/**
 * A float as a person reads it: at most two decimals (755.5799999999999 is 755.58), and a whole
 * one still marked as a float (12.0). JSON output keeps the exact value.
 */
function displayFloat(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return `${value}.0`;
  const rounded = Math.round(value * 100) / 100;
  return Number.isInteger(rounded) ? `${rounded}.0` : String(rounded);
}

/** A value as a person reads it: temporal values in ISO form, integers without a trailing n. */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return displayFloat(value);
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

/** A column's header as a person reads it: `a.email` is `email` (the alias is the query's business). */
export function displayHeader(column: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(column)?.[1] ?? column;
}

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** East Asian wide and fullwidth ranges (UAX #11), which a terminal draws two columns wide. */
const wide =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u;

/** The columns a terminal gives one grapheme: 2 for wide characters and emoji, 0 for marks alone. */
function graphemeWidth(grapheme: string): number {
  if (/\p{Extended_Pictographic}/u.test(grapheme) || wide.test(grapheme)) return 2;
  return /^(?:\p{M}|[\u200B-\u200F]|\p{Variation_Selector})+$/u.test(grapheme) ? 0 : 1;
}

/** How many terminal columns a text takes (CJK and emoji take two each). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const { segment } of graphemes.segment(text)) width += graphemeWidth(segment);
  return width;
}

/** The text cut to `width` columns (with … when cut), then padded to exactly that many. */
function fit(text: string, width: number): string {
  const flat = text.replace(/[\r\n\t]/g, " ");
  if (displayWidth(flat) <= width) return flat + " ".repeat(width - displayWidth(flat));
  let out = "";
  let used = 0;
  for (const { segment } of graphemes.segment(flat)) {
    const w = graphemeWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…${" ".repeat(width - 1 - used)}`;
}

const maxColumnWidth = 60;

export function formatTable(
  result: Pick<QueryResult, "columns" | "rows">,
  maxWidth = maxColumnWidth,
): string {
  const headers = result.columns.map(displayHeader);
  const cells = result.rows.map((row) => row.map(displayValue));
  const widths = headers.map((header, i) =>
    Math.min(
      maxWidth,
      Math.max(
        displayWidth(header),
        ...cells.map((row) => displayWidth((row[i] ?? "").replace(/[\r\n\t]/g, " "))),
      ),
    ),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => fit(v, widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [
    line(headers),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.map(line),
    `(${result.rows.length} row${result.rows.length === 1 ? "" : "s"})`,
  ].join("\n");
}

export async function runQueries(
  neo4j: Neo4jTarget,
  timeouts: Timeouts,
  selector: string | undefined,
  dir?: string,
): Promise<QueryResult[]> {
  const queries = selectQueries(selector, dir);
  return withDriver(neo4j, timeouts, async (driver) => {
    const results: QueryResult[] = [];
    for (const query of queries) results.push(await runQuery(driver, neo4j.database, query));
    return results;
  });
}

export function printResults(results: QueryResult[], json: boolean): void {
  if (json) {
    const out = results.map((r) => ({
      query: r.name,
      title: r.title ?? null,
      rows: r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, jsonValue(row[i])]))),
    }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  for (const result of results) {
    const heading = result.title !== undefined ? `${result.title} (${result.name})` : result.name;
    process.stdout.write(`\n== ${heading}\n${formatTable(result)}\n`);
  }
}
