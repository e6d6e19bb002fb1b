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
 * Lookup sides up to this many nodes are matched by a hash join: one scan of the label builds a
 * table in Neo4j's heap (in the order of 100 MB per million nodes), and each scanned row then
 * costs a hash probe instead of an index seek, which is several times cheaper. Larger sides are
 * looked up through their index, one seek per row, in bounded memory.
 */
export const hashJoinMaxRows = 1_000_000;

/** How a relationship statement finds its nodes. */
export interface RelationshipShape {
  /**
   * The from side is the one scanned. The larger side is scanned, so that each lookup on the other
   * side finds at most a few nodes.
   */
  scanFrom: boolean;
  /** Which looked-up ends (`from`, `to`) are matched by a hash join rather than an index seek. */
  hashJoined: ReadonlySet<"from" | "to">;
}

export type RelationshipShapes = ReadonlyMap<RelationshipPlan, RelationshipShape>;

export function relationshipShapes(
  plan: ExportPlan,
  rowCounts: ReadonlyMap<TablePlan, number>,
): RelationshipShapes {
  const rows = (label: string) =>
    plan.tables.filter((t) => t.label === label).reduce((sum, t) => sum + (rowCounts.get(t) ?? 0), 0);
  return new Map(
    plan.relationships.map((r) => {
      const scanFrom = r.junction !== undefined || rows(r.fromLabel) >= rows(r.toLabel);
      const lookedUp: Array<["from" | "to", string]> =
        r.junction !== undefined
          ? [
              ["from", r.fromLabel],
              ["to", r.toLabel],
            ]
          : [scanFrom ? ["to", r.toLabel] : ["from", r.fromLabel]];
      const hashJoined = new Set(
        lookedUp.filter(([, label]) => rows(label) <= hashJoinMaxRows).map(([end]) => end),
      );
      return [r, { scanFrom, hashJoined }];
    }),
  );
}

/**
 * The (label, property) pairs relationship statements look nodes up by: never the scanned side,
 * because every index is also written for every node loaded, and the scanned side is the big one.
 * They are indexed whether the statement joins by hash or by index: lookups by these properties
 * are what the graph's queries do too.
 */
function lookupProperties(plan: ExportPlan, shapes: RelationshipShapes): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const r of plan.relationships) {
    const scanFrom = shapes.get(r)?.scanFrom ?? true;
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
export function schemaStatements(plan: ExportPlan, shapes: RelationshipShapes): string[] {
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
  for (const [label, property] of lookupProperties(plan, shapes)) {
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

/** Pairs of (property on the looked-up node, property on the node it is looked up from). */
type LookupPairs = ReadonlyArray<readonly [string, string]>;

interface Lookup {
  variable: "from" | "to";
  label: string;
  pairs: LookupPairs;
  hashJoined: boolean;
}

/** One index seek per row: `MATCH (to:L {k: from.k})`. */
function indexLookup({ variable, label, pairs }: Lookup, source: string): string {
  const properties = pairs
    .map(([own, other]) => `${quoteName(own)}: ${source}.${quoteName(other)}`)
    .join(", ");
  return `MATCH (${variable}:${quoteName(label)} {${properties}})`;
}

/**
 * A hash join: the hint makes the planner scan the label once and join on the equality, where it
 * would otherwise seek the index for every row.
 */
function hashLookup({ variable, label, pairs }: Lookup, source: string): string {
  const equal = pairs.map(([own, other]) => `${variable}.${quoteName(own)} = ${source}.${quoteName(other)}`);
  return `MATCH (${variable}:${quoteName(label)}) USING SCAN ${variable}:${quoteName(label)}
WHERE ${equal.join(" AND ")}`;
}

function notNull(variable: string, properties: readonly string[]): string {
  return properties.map((p) => `${variable}.${quoteName(p)} IS NOT NULL`).join(" AND ");
}

/**
 * A relationship statement: scan one side (or the junction label), find the other end(s) by a
 * hash join or through an index, and MERGE in bounded transactions. The scan and the hash joins
 * read in the outer query; index seeks and the MERGE run in the inner transactions.
 */
export function relationshipStatement(relationship: RelationshipPlan, shape: RelationshipShape): string {
  const type = quoteName(relationship.type);
  const comment = `// ${relationship.type} (relationship_mappings row ${relationship.relationshipId})\n`;
  let scan: { variable: string; label: string; properties: string[] };
  let lookups: Lookup[];
  const lookupOf = (variable: "from" | "to", label: string, pairs: LookupPairs): Lookup => ({
    variable,
    label,
    pairs,
    hashJoined: shape.hashJoined.has(variable),
  });
  if (relationship.junction !== undefined) {
    const { label, toFrom, toTo } = relationship.junction;
    scan = {
      variable: "link",
      label,
      properties: [...toFrom.map((p) => p.junction), ...toTo.map((p) => p.junction)],
    };
    lookups = [
      lookupOf(
        "from",
        relationship.fromLabel,
        toFrom.map((p) => [p.from, p.junction] as const),
      ),
      lookupOf(
        "to",
        relationship.toLabel,
        toTo.map((p) => [p.to, p.junction] as const),
      ),
    ];
  } else {
    const pairs = relationship.direct ?? [];
    const scanFrom = shape.scanFrom;
    scan = {
      variable: scanFrom ? "from" : "to",
      label: scanFrom ? relationship.fromLabel : relationship.toLabel,
      properties: pairs.map((p) => (scanFrom ? p.from : p.to)),
    };
    lookups = [
      scanFrom
        ? lookupOf(
            "to",
            relationship.toLabel,
            pairs.map((p) => [p.to, p.from] as const),
          )
        : lookupOf(
            "from",
            relationship.fromLabel,
            pairs.map((p) => [p.from, p.to] as const),
          ),
    ];
  }
  const outer = [
    // Both sides hinted: hinting only the looked-up one lets the planner start there and seek the
    // scanned side's index instead (which it prefers on small graphs, with a uniqueness constraint).
    `MATCH (${scan.variable}:${quoteName(scan.label)}) USING SCAN ${scan.variable}:${quoteName(scan.label)}\n` +
      `WHERE ${notNull(scan.variable, scan.properties)}`,
    ...lookups.filter((l) => l.hashJoined).map((l) => hashLookup(l, scan.variable)),
  ];
  const seeks = lookups.filter((l) => !l.hashJoined);
  // The inner query needs the ends already found, and the scanned node if it still seeks from it.
  const found = new Set([scan.variable, ...lookups.filter((l) => l.hashJoined).map((l) => l.variable)]);
  const imported = ["link", "from", "to"].filter((v) => found.has(v) && (v !== "link" || seeks.length > 0));
  const inner = [...seeks.map((l) => indexLookup(l, scan.variable)), `MERGE (from)-[:${type}]->(to)`];
  return (
    comment +
    outer.join("\n") +
    `\nCALL {\n  WITH ${imported.join(", ")}\n` +
    inner.map((line) => `  ${line}\n`).join("") +
    `} IN TRANSACTIONS OF ${relationshipTransactionRows} ROWS`
  );
}
