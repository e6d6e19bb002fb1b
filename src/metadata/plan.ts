/**
 * Turns control metadata plus the sources' real catalogs into an export plan, or into the
 * complete list of what is wrong with the metadata, each problem naming its row. Pure: the
 * catalogs are read elsewhere (src/metadata/catalog.ts), so every rule here is unit-testable.
 */
import type { EmptyJoinKeys, PostgresTarget } from "../config.js";
import { cypherTypeName, valueKindOf } from "./types.js";
import { isPlainIdentifier, propertyKeyProblem, type ValueKind } from "../script/literals.js";
import {
  implicitFromAlias,
  implicitJunctionAlias,
  implicitToAlias,
  JoinConditionError,
  parseJoinCondition,
  type JoinEquality,
} from "./join-condition.js";
import { isReservedName, reservedPrefix } from "../script/provenance.js";
import type { ControlMetadata, LabelMappingRow, RelationshipMappingRow, SourceRow } from "./read.js";

export interface CatalogColumn {
  name: string;
  notNull: boolean;
  typeName: string;
  elementTypeName: string | undefined;
}

export interface CatalogTable {
  columns: CatalogColumn[];
  primaryKey: string[];
}

/** A source's tables by catalogKey, or why it could not be read. */
export type SourceCatalog = { tables: Map<string, CatalogTable> } | { error: string };

/** How a catalog names a table: by its schema and its name. */
export function catalogKey(schema: string, table: string): string {
  return JSON.stringify([schema, table]);
}

/**
 * A table as messages and the control database's records name it: bare in `public` (as the
 * original tool named every table), `schema.table` elsewhere.
 */
export function qualifiedTable(table: { schema: string; table: string }): string {
  return table.schema === "public" ? table.table : `${table.schema}.${table.table}`;
}

export interface PlannedSource {
  sourceId: number;
  sourceName: string;
  target: PostgresTarget;
}

/** The reason recorded for a column a mapping's include_columns leaves out. */
export const notIncludedReason = "not in include_columns";

export interface PlannedColumn {
  name: string;
  kind: ValueKind;
  /** The PostgreSQL type, for the plan and docs (e.g. "int8", "_text"). */
  pgType: string;
  /**
   * Set on a text column a relationship joins on (and not a key column): what its empty strings
   * are (C360_EMPTY_JOIN_KEYS). Those are counted; `missing` ones are loaded as absent properties.
   */
  emptyString?: EmptyJoinKeys;
}

/** Why c360 no longer writes a property it wrote in an earlier run (src/control/ownership.ts). */
export type RetiredReason = "newly excluded" | "left include_columns" | "dropped or renamed in the source";

/** A property c360 wrote on a label's nodes in an earlier run and no longer writes: it removes it. */
export interface RetiredProperty {
  property: string;
  reason: RetiredReason;
}

export interface TablePlan {
  mappingId: number;
  source: PlannedSource;
  /** The PostgreSQL schema holding the table (node_label_mappings.schema_name). */
  schema: string;
  table: string;
  label: string;
  columns: PlannedColumn[];
  keyColumns: string[];
  excluded: Array<{ column: string; reason: string | null }>;
  /** Set once the control database says what earlier runs wrote (see RetiredProperty). */
  retired?: RetiredProperty[];
}

export interface RelationshipPlan {
  relationshipId: number;
  type: string;
  fromLabel: string;
  toLabel: string;
  executionOrder: number;
  description: string | null;
  sourceName: string;
  /** Direct join: pairs of from-property and to-property that must be equal. */
  direct?: Array<{ from: string; to: string }>;
  /** Junction join: the junction label and how it reaches both ends. */
  junction?: {
    label: string;
    toFrom: Array<{ junction: string; from: string }>;
    toTo: Array<{ junction: string; to: string }>;
  };
}

export interface ExportPlan {
  sources: PlannedSource[];
  tables: TablePlan[];
  relationships: RelationshipPlan[];
}

export type PlanResult =
  { ok: true; plan: ExportPlan } | { ok: false; problems: string[]; unreachable: string[] };

function describeSource(row: SourceRow): string {
  return `source_databases row ${row.source_id} (${row.source_name})`;
}

function describeLabelMapping(row: LabelMappingRow): string {
  return `node_label_mappings row ${row.mapping_id} (${qualifiedTable({ schema: row.schema_name, table: row.table_name })} -> ${row.node_label})`;
}

function describeRelationship(row: RelationshipMappingRow): string {
  return `relationship_mappings row ${row.relationship_id} (${row.relationship_type})`;
}

/** The password a source row asks for: the named environment variable wins over the column. */
export function sourcePassword(
  row: SourceRow,
  env: Readonly<Record<string, string | undefined>>,
): { password: string | undefined } | { problem: string } {
  if (row.db_password_env !== null && row.db_password_env !== "") {
    const value = env[row.db_password_env];
    if (value === undefined) {
      return {
        problem: `${describeSource(row)}: db_password_env names ${row.db_password_env}, which is not set in the environment`,
      };
    }
    return { password: value };
  }
  return { password: row.db_password ?? undefined };
}

export function sourceTarget(row: SourceRow, password: string | undefined): PostgresTarget {
  return { host: row.db_host, port: row.db_port, database: row.db_name, user: row.db_user, password };
}

/** What planning found wrong, each naming its row; `unreachable`: the sources it could not read. */
interface Report {
  problems: string[];
  unreachable: string[];
}

/** The active sources that can be read: a password and a catalog each. */
function planSources(
  metadata: ControlMetadata,
  catalogs: ReadonlyMap<number, SourceCatalog>,
  env: Readonly<Record<string, string | undefined>>,
  report: Report,
): Map<number, PlannedSource> {
  const planned = new Map<number, PlannedSource>();
  for (const row of metadata.sources.filter((s) => s.is_active)) {
    const password = sourcePassword(row, env);
    if ("problem" in password) {
      report.problems.push(password.problem);
      continue;
    }
    const catalog = catalogs.get(row.source_id);
    if (catalog !== undefined && "error" in catalog) {
      const message = `${describeSource(row)}: cannot be reached: ${catalog.error}`;
      report.problems.push(message);
      report.unreachable.push(message);
      continue;
    }
    planned.set(row.source_id, {
      sourceId: row.source_id,
      sourceName: row.source_name,
      target: sourceTarget(row, password.password),
    });
  }
  return planned;
}

/** What planning a label mapping needs to know about every source. */
interface Sources {
  metadata: ControlMetadata;
  byId: ReadonlyMap<number, SourceRow>;
  planned: ReadonlyMap<number, PlannedSource>;
  tablesOf(sourceId: number): Map<string, CatalogTable> | undefined;
}

/** The source a label mapping reads: its source_id, or the one active source with the table. */
function mappingSource(row: LabelMappingRow, sources: Sources, report: Report): SourceRow | undefined {
  const where = describeLabelMapping(row);
  if (row.source_id !== null) {
    const sourceRow = sources.byId.get(row.source_id);
    if (sourceRow === undefined) {
      report.problems.push(`${where}: source_id ${row.source_id} names no source_databases row`);
      return undefined;
    }
    if (!sourceRow.is_active) {
      report.problems.push(
        `${where}: its source ${sourceRow.source_name} is inactive; deactivate the mapping too, or the source`,
      );
      return undefined;
    }
    return sourceRow;
  }
  // A mapping written for the original tool: find the one active source that has the table.
  const active = sources.metadata.sources.filter((s) => s.is_active);
  const holders = active.filter(
    (s) => sources.tablesOf(s.source_id)?.has(catalogKey(row.schema_name, row.table_name)) === true,
  );
  if (holders.length > 1) {
    report.problems.push(
      `${where}: table ${row.schema_name}.${row.table_name} exists in ${holders.map((s) => s.source_name).join(" and ")}; set source_id to say which`,
    );
    return undefined;
  }
  // With a source unreachable, the table may be there: that source is reported already.
  if (holders[0] === undefined && sources.planned.size === active.length) {
    report.problems.push(`${where}: no active source has a table ${row.schema_name}.${row.table_name}`);
  }
  return holders[0];
}

/** The table's columns that become properties: not excluded, and usable as property keys. */
function planColumns(
  where: string,
  table: CatalogTable,
  excludedNames: ReadonlySet<string>,
  report: Report,
): PlannedColumn[] {
  const columns: PlannedColumn[] = [];
  for (const column of table.columns) {
    if (excludedNames.has(column.name)) continue;
    const keyProblem = propertyKeyProblem(column.name);
    if (keyProblem !== undefined) {
      report.problems.push(
        `${where}: column ${JSON.stringify(column.name)} cannot be a property key: it ${keyProblem}; exclude it or rename it`,
      );
      continue;
    }
    if (isReservedName(column.name)) {
      report.problems.push(
        `${where}: column ${JSON.stringify(column.name)} starts with ${reservedPrefix}, which c360 reserves for its own properties; exclude it or rename it`,
      );
      continue;
    }
    columns.push({
      name: column.name,
      kind: valueKindOf({ typeName: column.typeName, elementTypeName: column.elementTypeName }),
      pgType: column.typeName,
    });
  }
  return columns;
}

/** The key: key_columns or the primary key, every column present, not excluded, scalar. */
function planKey(
  where: string,
  row: LabelMappingRow,
  table: CatalogTable,
  excludedNames: ReadonlySet<string>,
  report: Report,
): string[] {
  const keyColumns = row.key_columns ?? table.primaryKey;
  if (keyColumns.length === 0) {
    report.problems.push(
      `${where}: table ${row.table_name} has no primary key; set key_columns to the columns that identify a row`,
    );
  }
  for (const key of keyColumns) {
    const column = table.columns.find((c) => c.name === key);
    if (column === undefined) {
      report.problems.push(`${where}: key column ${key} does not exist in ${row.table_name}`);
    } else if (excludedNames.has(key)) {
      report.problems.push(
        `${where}: key column ${key} is excluded by field_exclusion_rules; a node needs its key`,
      );
    } else if (
      typeof valueKindOf({ typeName: column.typeName, elementTypeName: column.elementTypeName }) !== "string"
    ) {
      report.problems.push(`${where}: key column ${key} is an array; keys must be scalar`);
    }
  }
  return keyColumns;
}

/** One label mapping as a table to export, or undefined when it cannot be (reported). */
function planTable(
  row: LabelMappingRow,
  sources: Sources,
  labelOwners: Map<string, LabelMappingRow>,
  report: Report,
): TablePlan | undefined {
  const where = describeLabelMapping(row);
  const sourceRow = mappingSource(row, sources, report);
  if (sourceRow === undefined) return undefined;
  const source = sources.planned.get(sourceRow.source_id);
  if (source === undefined) return undefined; // its source is already reported as unreachable

  if (!isPlainIdentifier(row.node_label)) {
    report.problems.push(
      `${where}: node_label ${JSON.stringify(row.node_label)} is not a valid label (letters, digits and _, not starting with a digit)`,
    );
  }
  const owner = labelOwners.get(row.node_label);
  if (owner !== undefined) {
    report.problems.push(
      `${where}: label ${row.node_label} is also mapped by node_label_mappings row ${owner.mapping_id} (${owner.table_name}); one label, one table`,
    );
  } else {
    labelOwners.set(row.node_label, row);
  }

  const table = sources.tablesOf(sourceRow.source_id)?.get(catalogKey(row.schema_name, row.table_name));
  if (table === undefined) {
    report.problems.push(
      `${where}: table ${row.table_name} does not exist in ${sourceRow.source_name} (schema ${row.schema_name}); check schema_name and table_name`,
    );
    return undefined;
  }
  // A rule names the table bare or as schema.table; bare, it protects that name in every schema
  // (wider is the safe side for PII).
  const qualified = `${row.schema_name}.${row.table_name}`;
  const exclusions = sources.metadata.exclusions.filter(
    (rule) =>
      rule.source_id === sourceRow.source_id &&
      (rule.table_name === row.table_name || rule.table_name === qualified),
  );
  const excludedNames = new Set(exclusions.map((rule) => rule.column_name));
  // A rule that protects nothing fails closed: the column it named may be there under a new name.
  for (const rule of exclusions) {
    if (!table.columns.some((column) => column.name === rule.column_name)) {
      report.problems.push(
        `field_exclusion_rules row ${rule.rule_id}: ${sourceRow.source_name}.${row.table_name}.${rule.column_name} does not exist, so the rule protects nothing; if the column was renamed, point the rule at its new name (UPDATE field_exclusion_rules SET column_name = ... WHERE rule_id = ${rule.rule_id}); if it was dropped, set is_excluded = false`,
      );
    }
  }
  const keyColumns = planKey(where, row, table, excludedNames, report);
  const leftOut = notIncluded(where, row, table, keyColumns, excludedNames, report);
  const columns = planColumns(where, table, new Set([...excludedNames, ...leftOut]), report);
  return {
    mappingId: row.mapping_id,
    source,
    schema: row.schema_name,
    table: row.table_name,
    label: row.node_label,
    columns,
    keyColumns,
    excluded: [
      ...exclusions
        .filter((rule) => table.columns.some((column) => column.name === rule.column_name))
        .map((rule) => ({ column: rule.column_name, reason: rule.reason })),
      ...leftOut.map((column) => ({ column, reason: notIncludedReason })),
    ],
  };
}

/**
 * The columns a mapping's allow-list leaves out (none without one). The key is always read; a
 * listed column that does not exist, or that a rule excludes, is a problem: the list says what
 * reaches the graph, and must say it truly.
 */
function notIncluded(
  where: string,
  row: LabelMappingRow,
  table: CatalogTable,
  keyColumns: readonly string[],
  excludedNames: ReadonlySet<string>,
  report: Report,
): string[] {
  if (row.include_columns === null) return [];
  const included = new Set(row.include_columns);
  for (const name of included) {
    if (!table.columns.some((column) => column.name === name))
      report.problems.push(
        `${where}: include_columns names ${name}, which does not exist in ${row.table_name}`,
      );
    else if (excludedNames.has(name))
      report.problems.push(
        `${where}: include_columns names ${name}, which field_exclusion_rules excludes; remove one of the two`,
      );
  }
  return table.columns
    .map((column) => column.name)
    .filter((name) => !included.has(name) && !keyColumns.includes(name) && !excludedNames.has(name));
}

/** Per label, the properties its relationships join on (direct pairs and junction columns). */
function joinProperties(relationships: readonly RelationshipPlan[]): Map<string, Set<string>> {
  const joined = new Map<string, Set<string>>();
  const add = (label: string, property: string) => {
    const properties = joined.get(label) ?? new Set<string>();
    properties.add(property);
    joined.set(label, properties);
  };
  for (const r of relationships) {
    for (const pair of r.direct ?? []) {
      add(r.fromLabel, pair.from);
      add(r.toLabel, pair.to);
    }
    for (const pair of r.junction?.toFrom ?? []) {
      add(r.junction?.label as string, pair.junction);
      add(r.fromLabel, pair.from);
    }
    for (const pair of r.junction?.toTo ?? []) {
      add(r.junction?.label as string, pair.junction);
      add(r.toLabel, pair.to);
    }
  }
  return joined;
}

/**
 * Marks the text and varchar join columns with what their empty strings are. A key column keeps its empty
 * string: it names one node, which is no fan-out. Any other empty join value would match every
 * other empty one, so an empty e-mail would link every account without one to every such ticket.
 */
export function markJoinColumns(plan: ExportPlan, policy: EmptyJoinKeys): void {
  const joined = joinProperties(plan.relationships);
  for (const table of plan.tables)
    for (const column of table.columns)
      if (
        (column.pgType === "text" || column.pgType === "varchar") &&
        joined.get(table.label)?.has(column.name) === true &&
        !table.keyColumns.includes(column.name)
      )
        column.emptyString = policy;
}

export function buildPlan(
  metadata: ControlMetadata,
  catalogs: ReadonlyMap<number, SourceCatalog>,
  env: Readonly<Record<string, string | undefined>>,
): PlanResult {
  const report: Report = { problems: [], unreachable: [] };
  const sources: Sources = {
    metadata,
    byId: new Map(metadata.sources.map((row) => [row.source_id, row])),
    planned: planSources(metadata, catalogs, env, report),
    tablesOf(sourceId) {
      const catalog = catalogs.get(sourceId);
      return catalog !== undefined && "tables" in catalog ? catalog.tables : undefined;
    },
  };
  if (metadata.labelMappings.length === 0) {
    report.problems.push("node_label_mappings has no active row: there is nothing to export");
  }
  // Label mappings: which source, which table, which label, which columns and key.
  const tables: TablePlan[] = [];
  const labelOwners = new Map<string, LabelMappingRow>();
  for (const row of metadata.labelMappings) {
    const table = planTable(row, sources, labelOwners, report);
    if (table !== undefined) tables.push(table);
  }

  const sourcesByName = new Map(metadata.sources.map((row) => [row.source_name, row]));
  const tableByLabel = new Map(tables.map((table) => [table.label, table]));
  const relationships: RelationshipPlan[] = [];
  const activeLabels = new Set(metadata.labelMappings.map((row) => row.node_label));
  for (const row of metadata.relationshipMappings) {
    const relationship = planRelationship(row, tableByLabel, activeLabels, sourcesByName, report.problems);
    if (relationship !== undefined) relationships.push(relationship);
  }

  if (report.problems.length > 0)
    return { ok: false, problems: report.problems, unreachable: report.unreachable };
  const usedSources = [...new Set(tables.map((table) => table.source))];
  return { ok: true, plan: { sources: usedSources, tables, relationships } };
}

/** Whether a relationship row's own columns can be planned; its problems are reported. */
function relationshipRowIsPlannable(
  row: RelationshipMappingRow,
  tableByLabel: ReadonlyMap<string, TablePlan>,
  activeLabels: ReadonlySet<string>,
  sourcesByName: ReadonlyMap<string, SourceRow>,
  problems: string[],
): boolean {
  const where = describeRelationship(row);
  const before = problems.length;
  if (!isPlainIdentifier(row.relationship_type)) {
    problems.push(
      `${where}: relationship_type ${JSON.stringify(row.relationship_type)} is not a valid relationship type (letters, digits and _)`,
    );
  }
  const source = sourcesByName.get(row.source_db);
  if (source === undefined) {
    problems.push(`${where}: source_db ${JSON.stringify(row.source_db)} names no source_databases row`);
  } else if (!source.is_active) {
    problems.push(
      `${where}: source_db ${row.source_db} is inactive; deactivate the mapping too, or the source`,
    );
  }
  const hasJunction = row.junction_table !== null || row.junction_label !== null;
  if (hasJunction && (row.junction_table === null || row.junction_label === null)) {
    problems.push(`${where}: junction_table and junction_label must be set together`);
    return false;
  }
  const ends: Array<[string, string]> = [
    ["from_label", row.from_label],
    ["to_label", row.to_label],
  ];
  if (row.junction_label !== null) ends.push(["junction_label", row.junction_label]);
  let endsPlanned = true;
  for (const [column, label] of ends) {
    if (!activeLabels.has(label)) {
      problems.push(
        `${where}: ${column} ${JSON.stringify(label)} is not the label of any active node_label_mappings row`,
      );
    } else if (!tableByLabel.has(label)) {
      // Its mapping is refused (or its source unreachable) and reported as such: not a second problem here.
      endsPlanned = false;
    }
  }
  if (row.junction_label !== null && row.junction_table !== null) {
    const junction = tableByLabel.get(row.junction_label);
    if (
      junction !== undefined &&
      (junction.table !== row.junction_table || junction.schema !== row.junction_schema)
    ) {
      problems.push(
        `${where}: junction_label ${row.junction_label} is mapped to table ${junction.schema}.${junction.table}, not junction_schema.junction_table ${row.junction_schema}.${row.junction_table}`,
      );
    }
  }
  return problems.length === before && endsPlanned;
}

type Role = "from" | "to" | "junction";
type Aliases = Map<string, { role: Role; table: TablePlan }>;

/** The aliases join_condition may use: explicit ones, or the implicit ones from the labels. */
function bindAliases(
  row: RelationshipMappingRow,
  tableByLabel: ReadonlyMap<string, TablePlan>,
  problems: string[],
): Aliases {
  const where = describeRelationship(row);
  const aliases: Aliases = new Map();
  const bind = (alias: string, role: Role, table: TablePlan) => {
    const clash = aliases.get(alias);
    if (clash !== undefined) {
      problems.push(
        `${where}: alias ${alias} would name both the ${clash.role} and the ${role} node; set from_alias/to_alias/junction_alias`,
      );
    }
    aliases.set(alias, { role, table });
  };
  for (const [alias, role] of [
    [row.from_alias, "from"],
    [row.to_alias, "to"],
    [row.junction_alias, "junction"],
  ] as const) {
    if (alias !== null && !isPlainIdentifier(alias)) {
      problems.push(`${where}: ${role}_alias ${JSON.stringify(alias)} is not a plain identifier`);
    }
  }
  bind(
    row.from_alias ?? implicitFromAlias(row.from_label),
    "from",
    tableByLabel.get(row.from_label) as TablePlan,
  );
  bind(row.to_alias ?? implicitToAlias(row.to_label), "to", tableByLabel.get(row.to_label) as TablePlan);
  const junctionTable = row.junction_label === null ? undefined : tableByLabel.get(row.junction_label);
  if (junctionTable !== undefined)
    bind(row.junction_alias ?? implicitJunctionAlias, "junction", junctionTable);
  return aliases;
}

/** The role of `alias.property` in the join, checked against its table; undefined if refused. */
function roleOf(
  where: string,
  aliases: Aliases,
  alias: string,
  property: string,
  problems: string[],
): Role | undefined {
  const binding = aliases.get(alias);
  if (binding === undefined) {
    const bound = [...aliases.entries()].map(([name, { role }]) => `${name} (${role})`).join(", ");
    problems.push(`${where}: alias ${alias} in join_condition binds to nothing; bound aliases: ${bound}`);
    return undefined;
  }
  const table = binding.table;
  const excluded = table.excluded.find((e) => e.column === property);
  if (excluded !== undefined) {
    const by =
      excluded.reason === notIncludedReason
        ? "include_columns leaves out of"
        : "field_exclusion_rules excludes from";
    problems.push(`${where}: join_condition uses ${alias}.${property}, which ${by} ${table.table}`);
    return undefined;
  }
  if (!table.columns.some((c) => c.name === property)) {
    problems.push(
      `${where}: join_condition uses ${alias}.${property}, but ${table.table} has no column ${property}`,
    );
    return undefined;
  }
  return binding.role;
}

function typeOf(aliases: Aliases, alias: string, property: string): string {
  const column = aliases.get(alias)?.table.columns.find((c) => c.name === property);
  return column === undefined ? "?" : cypherTypeName(column.kind);
}

interface JoinPairs {
  direct: Array<{ from: string; to: string }>;
  toFrom: Array<{ junction: string; from: string }>;
  toTo: Array<{ junction: string; to: string }>;
}

/** The join's equalities, sorted by the ends they connect. */
function joinPairs(
  where: string,
  equalities: readonly JoinEquality[],
  aliases: Aliases,
  hasJunction: boolean,
  problems: string[],
): JoinPairs {
  const pairs: JoinPairs = { direct: [], toFrom: [], toTo: [] };
  for (const { left, right } of equalities) {
    const leftRole = roleOf(where, aliases, left.alias, left.property, problems);
    const rightRole = roleOf(where, aliases, right.alias, right.property, problems);
    if (leftRole === undefined || rightRole === undefined) continue;
    const leftType = typeOf(aliases, left.alias, left.property);
    const rightType = typeOf(aliases, right.alias, right.property);
    if (leftType !== rightType) {
      problems.push(
        `${where}: ${left.alias}.${left.property} (${leftType}) = ${right.alias}.${right.property} (${rightType}) compares different types and would never match`,
      );
      continue;
    }
    const byRole = new Map([
      [leftRole, left.property],
      [rightRole, right.property],
    ]);
    const junction = byRole.get("junction");
    if (!hasJunction) {
      pairs.direct.push({ from: byRole.get("from") as string, to: byRole.get("to") as string });
    } else if (junction !== undefined && byRole.has("from")) {
      pairs.toFrom.push({ junction, from: byRole.get("from") as string });
    } else if (junction !== undefined && byRole.has("to")) {
      pairs.toTo.push({ junction, to: byRole.get("to") as string });
    } else {
      problems.push(
        `${where}: with a junction, every comparison must involve the junction alias; ${left.alias}.${left.property} = ${right.alias}.${right.property} does not`,
      );
    }
  }
  return pairs;
}

function planRelationship(
  row: RelationshipMappingRow,
  tableByLabel: ReadonlyMap<string, TablePlan>,
  activeLabels: ReadonlySet<string>,
  sourcesByName: ReadonlyMap<string, SourceRow>,
  problems: string[],
): RelationshipPlan | undefined {
  const where = describeRelationship(row);
  const before = problems.length;
  if (!relationshipRowIsPlannable(row, tableByLabel, activeLabels, sourcesByName, problems)) return undefined;
  const aliases = bindAliases(row, tableByLabel, problems);
  if (problems.length > before) return undefined;

  let equalities: JoinEquality[];
  try {
    equalities = parseJoinCondition(row.join_condition);
  } catch (error) {
    if (!(error instanceof JoinConditionError)) throw error;
    problems.push(
      `${where}: join_condition ${JSON.stringify(row.join_condition)} is refused: ${error.message}`,
    );
    return undefined;
  }
  const junctionTable = row.junction_label === null ? undefined : tableByLabel.get(row.junction_label);
  const { direct, toFrom, toTo } = joinPairs(
    where,
    equalities,
    aliases,
    junctionTable !== undefined,
    problems,
  );
  if (
    junctionTable !== undefined &&
    problems.length === before &&
    (toFrom.length === 0 || toTo.length === 0)
  ) {
    problems.push(`${where}: join_condition must connect the junction to both the from and the to node`);
  }
  if (problems.length > before) return undefined;

  const plan: RelationshipPlan = {
    relationshipId: row.relationship_id,
    type: row.relationship_type,
    fromLabel: row.from_label,
    toLabel: row.to_label,
    executionOrder: row.execution_order,
    description: row.description,
    sourceName: row.source_db,
  };
  if (junctionTable === undefined) plan.direct = direct;
  else plan.junction = { label: junctionTable.label, toFrom, toTo };
  return plan;
}
