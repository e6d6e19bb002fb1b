/**
 * A mapped table's rows as node statements: each row's map literal, with c360's provenance
 * (`c360_hash`, `c360_run`), and the properties its label's statements own. Generate and sync
 * write node statements only through here, so what a row holds and what a statement sets are
 * decided in one place, beside the statement's shape (node-batches.ts).
 */
import type { PlannedColumn, TablePlan } from "../metadata/plan.js";
import { encodeValue } from "./literals.js";
import { nodeBatchStatement, rowKeys, rowLiteral } from "./node-batches.js";
import { hashProperty, runProperty } from "./provenance.js";

/** A row as read from its source: the table's columns in plan order, then the row's hash. */
export type SourceRow = ReadonlyArray<string | null>;

/** Where the empty strings met in join columns are counted (see markJoinColumns). */
export interface EmptyStringCounter {
  add(column: string): void;
}

/**
 * The properties c360 owns on a table's nodes, besides the key: its columns, its provenance, and
 * the properties it wrote in earlier runs and no longer writes (`retired`), which the statement
 * therefore removes. Everything else on those nodes belongs to someone else.
 */
export function ownedProperties(table: Pick<TablePlan, "columns" | "keyColumns" | "retired">): string[] {
  const keys = new Set(table.keyColumns);
  return [
    ...table.columns.map((column) => column.name).filter((name) => !keys.has(name)),
    hashProperty,
    runProperty,
    ...(table.retired ?? []).map((retired) => retired.property),
  ];
}

/** Encodes a table's rows for one run. */
export class RowEncoder {
  /** The entry starts: each column's, then the hash's. */
  private readonly keys: string[];
  /** The entry every row of the run carries: the run that wrote it. */
  private readonly runEntry: string;
  /** What the table's statements set: the same for every statement of the run. */
  private readonly owned: string[];

  constructor(
    private readonly table: TablePlan,
    runId: number,
  ) {
    this.keys = rowKeys([...table.columns.map((column) => column.name), hashProperty]);
    this.runEntry = `${rowKeys([runProperty])[0] as string}${encodeValue("integer", String(runId))}`;
    this.owned = ownedProperties(table);
  }

  /**
   * One row's map literal, e.g. {`id`: 1, `name`: 'x', `c360_hash`: -5, `c360_run`: 9}; NULL
   * columns are left out (the statement removes the property). The row's last value is its hash.
   */
  encode(row: SourceRow, empties?: EmptyStringCounter): string {
    const { table, keys } = this;
    const entries: string[] = [];
    const columns = table.columns.length;
    for (let i = 0; i < columns; i++) {
      const value = row[i];
      if (value === null || value === undefined) continue;
      const column = table.columns[i] as PlannedColumn;
      if (value === "" && column.emptyString !== undefined) {
        empties?.add(column.name);
        if (column.emptyString === "missing") continue;
      }
      entries.push((keys[i] as string) + encodeValue(column.kind, value));
    }
    entries.push((keys[columns] as string) + encodeValue("integer", row[columns] as string), this.runEntry);
    return rowLiteral(entries);
  }

  /** A node statement of rows this encoder wrote. */
  statement(rowLiterals: readonly string[]): string {
    const { table } = this;
    return nodeBatchStatement(table.label, table.keyColumns, this.owned, rowLiterals);
  }
}
