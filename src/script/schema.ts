/**
 * The schema section of c360's scripts: one uniqueness constraint per label key, one index per
 * label's run stamp, one per property that relationship statements look nodes up by, then a
 * wait for the indexes.
 */
import type { ExportPlan } from "../metadata/plan.js";
import { quoteName } from "./literals.js";
import { runProperty } from "./provenance.js";
import { lookupProperties, type RelationshipShapes } from "./relationships.js";

function propertyList(variable: string, properties: readonly string[]): string {
  return properties.map((p) => `${variable}.${quoteName(p)}`).join(", ");
}

/**
 * Every (label, property) pair a join reads, on both sides and on junction labels. A full load
 * only looks one side up; a sync re-derives relationships from either end (src/script/sync.ts),
 * so it looks every side up, a few nodes at a time.
 */
function joinProperties(plan: ExportPlan): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const r of plan.relationships) {
    for (const pair of r.direct ?? []) pairs.push([r.fromLabel, pair.from], [r.toLabel, pair.to]);
    if (r.junction !== undefined) {
      for (const pair of r.junction.toFrom) pairs.push([r.junction.label, pair.junction]);
      for (const pair of r.junction.toTo) pairs.push([r.junction.label, pair.junction]);
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
  // A sync finds the nodes a run wrote, and the graph's state, through this index.
  for (const table of plan.tables) {
    const name = `c360_${table.label}_by_run`;
    names.add(name);
    statements.push(
      `CREATE INDEX ${quoteName(name)} IF NOT EXISTS FOR (n:${quoteName(table.label)}) ON (n.${quoteName(runProperty)})`,
    );
  }
  for (const [label, property] of [...lookupProperties(plan, shapes), ...joinProperties(plan)]) {
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

const schemaStatementStart =
  /^(?:CREATE (?:CONSTRAINT|INDEX|RANGE INDEX|TEXT INDEX|POINT INDEX) |CALL db\.awaitIndexes\()/;

/** Whether a statement's code is one a schema section may hold (the bulk import runs them online). */
export function isSchemaStatement(code: string): boolean {
  return schemaStatementStart.test(code);
}

const namedIfNotExists = /^CREATE (?:CONSTRAINT|INDEX) (`(?:[^`]|``)+`) IF NOT EXISTS FOR /;

/**
 * The name a schema statement creates only if nothing by that name exists yet (`CREATE ... name
 * IF NOT EXISTS`, as schemaStatements writes it), or undefined for any other statement. Where the
 * name exists the statement does nothing, so the loader skips it without a round trip.
 */
export function ifNotExistsName(code: string): string | undefined {
  const quoted = namedIfNotExists.exec(code)?.[1];
  return quoted === undefined ? undefined : quoted.slice(1, -1).replaceAll("``", "`");
}
