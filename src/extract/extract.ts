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

export function selectStatement(table: TablePlan): string {
  const columns = table.columns.map((column) => {
    const name = quoteIdent(column.name);
    // Arrays arrive as JSON of their elements' text, which is unambiguous to parse.
    return typeof column.kind === "string" ? name : `to_json(${name}::text[])::text AS ${name}`;
  });
  return (
    `SELECT ${columns.join(", ")} FROM "public".${quoteIdent(table.table)}` +
    ` ORDER BY ${table.keyColumns.map(quoteIdent).join(", ")}`
  );
}

export async function countRows(client: PgClient, table: TablePlan): Promise<number> {
  const result = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM "public".${quoteIdent(table.table)}`,
  );
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Yields rows in chunks of up to `fetchSize`; closes the cursor however the loop ends. The next
 * chunk is requested before this one is handed over, so PostgreSQL produces it while the caller
 * encodes this one.
 */
export async function* readTable(
  client: PgClient,
  table: TablePlan,
  fetchSize: number,
): AsyncGenerator<RawRow[]> {
  const cursor = client.query(
    new Cursor<RawRow>(selectStatement(table), [], { rowMode: "array", types: rawText }),
  );
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
