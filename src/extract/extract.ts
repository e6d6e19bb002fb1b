/**
 * Reads a mapped table through a cursor, in key order, as PostgreSQL's text output: excluded
 * columns are not in the SELECT, so they never reach memory; the cursor keeps memory flat
 * whatever the table size.
 */
import Cursor from "pg-cursor";
import type { PgClient } from "../postgres/connection.js";
import { quoteIdent } from "../postgres/connection.js";
import type { TablePlan } from "../metadata/plan.js";

/** Every value as PostgreSQL's text: src/script/literals.ts decides what it becomes. */
const rawText = { getTypeParser: () => (value: string) => value };

export type RawRow = Array<string | null>;

/**
 * Bump when c360 starts writing different properties for the same row (a changed encoding): every
 * row's hash then changes, and the next sync rewrites every node.
 */
const encodingVersion = 1;

/**
 * What a row's hash covers besides its values: the label, the key, and each column's name and
 * kind. A changed mapping (a column excluded, a type that becomes another Cypher type) changes
 * every row's hash, so a sync rewrites the label's nodes as a full load would write them.
 */
export function hashSalt(table: TablePlan): string {
  return JSON.stringify([
    encodingVersion,
    table.label,
    table.keyColumns,
    table.columns.map((c) => [c.name, c.kind]),
  ]);
}

/** The table as SQL names it: schema and name, each quoted. */
export function tableRef(table: Pick<TablePlan, "schema" | "table">): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.table)}`;
}

/**
 * Types whose equality means the value c360 writes is the same, so the row hash takes them as
 * they are (far cheaper than formatting them as text). Text is hashed byte for byte (COLLATE "C"):
 * under a case-insensitive collation, 'A' and 'a' are equal but not the same property. Every other
 * type is hashed by its text: numeric 1.0 equals 1.00, an interval of a day equals 24 hours, and
 * json has no hash at all.
 */
const hashedAsValue = new Set(["int2", "int4", "int8", "bool", "uuid", "date", "timestamp", "timestamptz"]);
const hashedAsText = new Set(["text", "varchar"]);

function hashedColumn(column: TablePlan["columns"][number]): string {
  const name = quoteIdent(column.name);
  if (typeof column.kind !== "string") return `${name}::text`;
  if (hashedAsValue.has(column.pgType)) return name;
  // An empty join string loaded as missing hashes as NULL does: it is written the same (absent),
  // and switching C360_EMPTY_JOIN_KEYS changes the hash of exactly the rows that hold one.
  if (hashedAsText.has(column.pgType))
    return column.emptyString === "missing"
      ? `NULLIF(${name}::text COLLATE "C", '')`
      : `${name}::text COLLATE "C"`;
  return `${name}::text`;
}

/**
 * The row's hash (`c360_hash` on its node): PostgreSQL's 64-bit hash of the row's columns (as
 * hash partitioning computes it, PostgreSQL 14 on), seeded with the salt ($1), computed by the
 * server, so a sync compares rows without sending them. Were it ever to change (a PostgreSQL
 * upgrade that changed a type's hash), the next sync would rewrite every node once, and the graph
 * would still be right.
 */
export function rowHashSql(table: TablePlan): string {
  const row = table.columns.map(hashedColumn).join(", ");
  return `hash_record_extended(ROW(${row}), hashtextextended($1::text, 0))`;
}

/** The columns c360 reads, then the row's hash. */
function selectList(table: TablePlan): string {
  const columns = table.columns.map((column) => {
    const name = quoteIdent(column.name);
    // Arrays arrive as JSON of their elements' text, which is unambiguous to parse.
    return typeof column.kind === "string" ? name : `to_json(${name}::text[])::text AS ${name}`;
  });
  return `${columns.join(", ")}, ${rowHashSql(table)}`;
}

/** Every row, in key order; its one parameter is hashSalt. */
export function selectStatement(table: TablePlan): string {
  return (
    `SELECT ${selectList(table)} FROM ${tableRef(table)}` +
    ` ORDER BY ${table.keyColumns.map(quoteIdent).join(", ")}`
  );
}

/** The key columns' PostgreSQL types, to bind keys sent as text arrays. */
function keyTypes(table: TablePlan): string[] {
  return table.keyColumns.map((key) => {
    const column = table.columns.find((c) => c.name === key);
    return quoteIdent(column?.pgType ?? "text");
  });
}

/**
 * The rows with the given keys ($2.. : one text array per key column, element i of each forming
 * key i), in key order. Bound to the columns' own types, so the primary key's index finds them.
 */
export function selectByKeysStatement(table: TablePlan): string {
  const keys = table.keyColumns.map(quoteIdent).join(", ");
  const arrays = keyTypes(table)
    .map((type, i) => `$${i + 2}::${type}[]`)
    .join(", ");
  return (
    `SELECT ${selectList(table)} FROM ${tableRef(table)}` +
    ` WHERE (${keys}) IN (SELECT * FROM unnest(${arrays})) ORDER BY ${keys}`
  );
}

/**
 * Each row's key columns as text, then its hash ($1: hashSalt), in the order a sync compares
 * keys (src/sync/keys.ts): integers as numbers, text by code point (COLLATE "C").
 */
export function keyHashStatement(table: TablePlan, kinds: readonly ("integer" | "string")[]): string {
  const keys = table.keyColumns.map((key) => `${quoteIdent(key)}::text`);
  // Qualified: unqualified, ORDER BY would name the text columns of the SELECT list.
  const order = table.keyColumns.map((key, i) =>
    kinds[i] === "integer" ? `src.${quoteIdent(key)}` : `src.${quoteIdent(key)}::text COLLATE "C"`,
  );
  return (
    `SELECT ${keys.join(", ")}, ${rowHashSql(table)}::text FROM ${tableRef(table)} AS src` +
    ` ORDER BY ${order.join(", ")}`
  );
}

export async function countRows(client: PgClient, table: TablePlan): Promise<number> {
  const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${tableRef(table)}`);
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Yields a table's rows in chunks of up to `fetchSize`; closes the cursor however the loop ends. The next
 * chunk is requested before this one is handed over, so PostgreSQL produces it while the caller
 * encodes this one.
 */
export function readTable(client: PgClient, table: TablePlan, fetchSize: number): AsyncGenerator<RawRow[]> {
  return readQuery(client, selectStatement(table), [hashSalt(table)], fetchSize);
}

/** The rows of one cursor query, in chunks (see readTable). */
export async function* readQuery(
  client: PgClient,
  text: string,
  values: unknown[],
  fetchSize: number,
): AsyncGenerator<RawRow[]> {
  const cursor = client.query(new Cursor<RawRow>(text, values, { rowMode: "array", types: rawText }));
  let next: Promise<RawRow[]> | undefined = cursor.read(fetchSize);
  try {
    for (;;) {
      const rows: RawRow[] = await next;
      next = undefined;
      if (rows.length === 0) return;
      next = cursor.read(fetchSize);
      // An early exit must not leave this read's failure unhandled; the loop still sees it.
      next.catch(() => undefined);
      yield rows;
    }
  } finally {
    // A cursor on a broken connection cannot close; the original error matters more.
    if (next !== undefined) await next.catch(() => undefined);
    await cursor.close().catch(() => undefined);
  }
}
