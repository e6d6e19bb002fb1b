/**
 * The statements of a generated script. Names are validated by the planner and quoted here;
 * values only ever come from src/cypher/encode.ts.
 */
import type { ExportPlan, RelationshipPlan, TablePlan } from "../metadata/plan.js";
import { commentText, quoteName } from "./encode.js";

/** Rows per transaction for relationship statements: bounded, whatever the match count. */
export const relationshipTransactionRows = 10_000;

export interface ScriptHeader {
  toolVersion: string;
  runId: number;
  generatedAt: Date;
  rowCounts: ReadonlyMap<TablePlan, number>;
}

export function headerComment(plan: ExportPlan, header: ScriptHeader): string {
  const lines = [
    `// c360 ${header.toolVersion}: Customer 360 graph script`,
    `// run id: ${header.runId}`,
    `// generated at: ${header.generatedAt.toISOString()}`,
    "// order: schema (constraints, indexes), nodes (MERGE on their keys), relationships (MERGE), so a replay changes nothing.",
    "//",
  ];
  for (const table of plan.tables) {
    const excluded =
      table.excluded.length === 0
        ? "none"
        : table.excluded
            .map((e) => `${commentText(e.column)} (${commentText(e.reason ?? "no reason given")})`)
            .join(", ");
    lines.push(
      `// table ${commentText(table.source.sourceName)}.${commentText(table.table)} -> :${table.label}` +
        ` rows: ${header.rowCounts.get(table) ?? 0}; key: ${table.keyColumns.map(commentText).join(", ")};` +
        ` excluded: ${excluded}`,
    );
  }
  for (const relationship of plan.relationships) {
    lines.push(
      `// relationship ${relationship.type}: (:${relationship.fromLabel})-[:${relationship.type}]->(:${relationship.toLabel})` +
        (relationship.junction !== undefined ? ` through :${relationship.junction.label}` : "") +
        ` (relationship_mappings row ${relationship.relationshipId}, order ${relationship.executionOrder})`,
    );
  }
  return lines.join("\n") + "\n\n";
}

function propertyList(variable: string, properties: readonly string[]): string {
  return properties.map((p) => `${variable}.${quoteName(p)}`).join(", ");
}

/**
 * Which side of each relationship its statement scans: the larger one, so that each lookup on the
 * other side finds at most a few nodes. `true` means the from side is scanned.
 */
export type ScanSides = ReadonlyMap<RelationshipPlan, boolean>;

export function scanSides(plan: ExportPlan, rowCounts: ReadonlyMap<TablePlan, number>): ScanSides {
  const rows = (label: string) => rowCounts.get(plan.tables.find((t) => t.label === label) as TablePlan) ?? 0;
  return new Map(plan.relationships.map((r) => [r, rows(r.fromLabel) >= rows(r.toLabel)]));
}

/**
 * The (label, property) pairs relationship statements look nodes up by: never the scanned side,
 * because every index is also written for every node loaded, and the scanned side is the big one.
 */
function lookupProperties(plan: ExportPlan, sides: ScanSides): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const r of plan.relationships) {
    const scanFrom = sides.get(r) ?? true;
    for (const pair of r.direct ?? []) pairs.push(scanFrom ? [r.toLabel, pair.to] : [r.fromLabel, pair.from]);
    // A junction statement scans the junction label and looks up both ends.
    if (r.junction !== undefined) {
      for (const pair of r.junction.toFrom) pairs.push([r.fromLabel, pair.from]);
      for (const pair of r.junction.toTo) pairs.push([r.toLabel, pair.to]);
    }
  }
  return pairs;
}

/** One uniqueness constraint per label key, one index per property used to match relationships. */
export function schemaStatements(plan: ExportPlan, sides: ScanSides): string[] {
  const statements: string[] = [];
  const singleKeys = new Set<string>();
  for (const table of plan.tables) {
    statements.push(
      `CREATE CONSTRAINT ${quoteName(`c360_${table.label}_key`)} IF NOT EXISTS ` +
        `FOR (n:${quoteName(table.label)}) REQUIRE (${propertyList("n", table.keyColumns)}) IS UNIQUE`,
    );
    if (table.keyColumns.length === 1) singleKeys.add(`${table.label}\u0000${table.keyColumns[0]}`);
  }
  const indexed = new Set<string>();
  const names = new Set<string>();
  for (const [label, property] of lookupProperties(plan, sides)) {
    const id = `${label}\u0000${property}`;
    if (singleKeys.has(id) || indexed.has(id)) continue;
    indexed.add(id);
    const base = `c360_${label}_${property.replace(/[^A-Za-z0-9_]/g, "_")}`;
    let name = base;
    for (let i = 2; names.has(name); i++) name = `${base}_${i}`;
    names.add(name);
    statements.push(
      `CREATE INDEX ${quoteName(name)} IF NOT EXISTS FOR (n:${quoteName(label)}) ON (n.${quoteName(property)})`,
    );
  }
  // Relationship statements must find their nodes through online indexes.
  statements.push("CALL db.awaitIndexes(600)");
  return statements;
}

/** MERGE on the key, then make the node's properties exactly the row's. */
export function nodeBatchStatement(table: TablePlan, rowLiterals: readonly string[]): string {
  const key = table.keyColumns.map((column) => `${quoteName(column)}: row.${quoteName(column)}`).join(", ");
  return (
    `UNWIND [\n${rowLiterals.join(",\n")}\n] AS row\n` +
    `MERGE (n:${quoteName(table.label)} {${key}})\n` +
    "SET n = row"
  );
}

function lookup(
  variable: string,
  label: string,
  pairs: ReadonlyArray<readonly [string, string]>,
  source: string,
): string {
  const properties = pairs
    .map(([own, other]) => `${quoteName(own)}: ${source}.${quoteName(other)}`)
    .join(", ");
  return `MATCH (${variable}:${quoteName(label)} {${properties}})`;
}

function notNull(variable: string, properties: readonly string[]): string {
  return properties.map((p) => `${variable}.${quoteName(p)} IS NOT NULL`).join(" AND ");
}

/**
 * A relationship statement: scan one side, find the other through an index, MERGE, in bounded
 * transactions. `scanFrom` says whether the from side is the one scanned (pick the larger side,
 * so each lookup finds at most a few nodes).
 */
export function relationshipStatement(relationship: RelationshipPlan, scanFrom: boolean): string {
  const type = quoteName(relationship.type);
  const comment = `// ${relationship.type} (relationship_mappings row ${relationship.relationshipId})\n`;
  const tail = `  MERGE (from)-[:${type}]->(to)\n} IN TRANSACTIONS OF ${relationshipTransactionRows} ROWS`;
  if (relationship.junction !== undefined) {
    const { label, toFrom, toTo } = relationship.junction;
    const scanned = [...toFrom.map((p) => p.junction), ...toTo.map((p) => p.junction)];
    return (
      comment +
      `MATCH (link:${quoteName(label)})\nWHERE ${notNull("link", scanned)}\n` +
      "CALL {\n  WITH link\n" +
      `  ${lookup(
        "from",
        relationship.fromLabel,
        toFrom.map((p) => [p.from, p.junction] as const),
        "link",
      )}\n` +
      `  ${lookup(
        "to",
        relationship.toLabel,
        toTo.map((p) => [p.to, p.junction] as const),
        "link",
      )}\n` +
      tail
    );
  }
  const pairs = relationship.direct ?? [];
  const [scanVar, scanLabel, lookVar, lookLabel] = scanFrom
    ? (["from", relationship.fromLabel, "to", relationship.toLabel] as const)
    : (["to", relationship.toLabel, "from", relationship.fromLabel] as const);
  const scanProps = pairs.map((p) => (scanFrom ? p.from : p.to));
  const lookPairs = pairs.map((p) => (scanFrom ? ([p.to, p.from] as const) : ([p.from, p.to] as const)));
  return (
    comment +
    `MATCH (${scanVar}:${quoteName(scanLabel)})\nWHERE ${notNull(scanVar, scanProps)}\n` +
    `CALL {\n  WITH ${scanVar}\n` +
    `  ${lookup(lookVar, lookLabel, lookPairs, scanVar)}\n` +
    tail
  );
}
