/**
 * The graph model c360 builds, drawn from the export plan (the metadata checked against the real
 * catalogs): labels with their key, properties and source table, relationship types with their
 * join and whether they cross databases, excluded columns marked. Two renderings: a Mermaid
 * flowchart (GitHub, GitLab and most docs tools draw it) and the JSON of arrows.app, Neo4j's
 * modelling tool.
 */
import type { ExportPlan, RelationshipPlan, TablePlan } from "../metadata/plan.js";
import { cypherTypeName } from "../metadata/types.js";

export interface ModelLabel {
  label: string;
  source: string;
  schema: string;
  table: string;
  key: string[];
  /** Every property with its Cypher type; the key's come first. */
  properties: Array<{ name: string; type: string }>;
  excluded: Array<{ column: string; reason: string | null }>;
}

export interface ModelRelationship {
  type: string;
  from: string;
  to: string;
  /** `from.x = to.y`, or through the junction label: `from.x = link.a AND link.b = to.y`. */
  join: string;
  junction: string | undefined;
  crossDatabase: boolean;
}

export interface GraphModel {
  labels: ModelLabel[];
  relationships: ModelRelationship[];
}

function modelLabel(table: TablePlan): ModelLabel {
  const key = new Set(table.keyColumns);
  const properties = table.columns
    .map((column) => ({ name: column.name, type: cypherTypeName(column.kind) }))
    .sort((a, b) => Number(key.has(b.name)) - Number(key.has(a.name)));
  return {
    label: table.label,
    source: table.source.sourceName,
    schema: table.schema,
    table: table.table,
    key: table.keyColumns,
    properties,
    excluded: table.excluded,
  };
}

function joinOf(r: RelationshipPlan): string {
  if (r.direct !== undefined) return r.direct.map((p) => `from.${p.from} = to.${p.to}`).join(" AND ");
  return [
    ...(r.junction?.toFrom ?? []).map((p) => `from.${p.from} = link.${p.junction}`),
    ...(r.junction?.toTo ?? []).map((p) => `link.${p.junction} = to.${p.to}`),
  ].join(" AND ");
}

export function graphModel(plan: ExportPlan): GraphModel {
  const sourceOf = new Map(plan.tables.map((t) => [t.label, t.source.sourceName]));
  return {
    labels: plan.tables.map(modelLabel),
    relationships: plan.relationships.map((r) => ({
      type: r.type,
      from: r.fromLabel,
      to: r.toLabel,
      join: joinOf(r),
      junction: r.junction?.label,
      crossDatabase: sourceOf.get(r.fromLabel) !== sourceOf.get(r.toLabel),
    })),
  };
}

/** Text inside a quoted Mermaid label: its own quotes and markup characters as entities. */
function mermaidText(text: string): string {
  return text
    .replaceAll("&", "#amp;")
    .replaceAll('"', "#quot;")
    .replaceAll("<", "#lt;")
    .replaceAll(">", "#gt;");
}

/**
 * A Mermaid flowchart: a box per label (its source table, key, properties and excluded columns),
 * an arrow per relationship type with its join; dotted where it crosses databases.
 */
export function mermaid(model: GraphModel): string {
  const ids = new Map(model.labels.map((l, i) => [l.label, `L${i}`]));
  const lines = ["flowchart LR"];
  for (const l of model.labels) {
    const rows = [
      `<b>:${mermaidText(l.label)}</b>`,
      mermaidText(`${l.source}.${l.schema}.${l.table}`),
      ...l.properties.map(
        (p) => `${l.key.includes(p.name) ? "key " : ""}${mermaidText(p.name)}: ${mermaidText(p.type)}`,
      ),
      ...l.excluded.map((e) => `<s>${mermaidText(e.column)}</s> excluded`),
    ];
    lines.push(`  ${ids.get(l.label) as string}["${rows.join("<br/>")}"]`);
  }
  for (const r of model.relationships) {
    const from = ids.get(r.from) ?? r.from;
    const to = ids.get(r.to) ?? r.to;
    const text = [
      `<b>${mermaidText(r.type)}</b>${r.crossDatabase ? " (across databases)" : ""}`,
      mermaidText(r.join),
      ...(r.junction !== undefined ? [`through :${mermaidText(r.junction)}`] : []),
    ].join("<br/>");
    lines.push(r.crossDatabase ? `  ${from} -. "${text}" .-> ${to}` : `  ${from} -- "${text}" --> ${to}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The model as arrows.app's JSON (File > Import): a node per label, laid out on a circle, its
 * properties with their types (the key's marked, excluded columns too); a relationship per type
 * with its join. Positions are only a starting layout.
 */
export function arrows(model: GraphModel): string {
  const radius = Math.max(250, model.labels.length * 60);
  const ids = new Map(model.labels.map((l, i) => [l.label, `n${i}`]));
  const nodes = model.labels.map((l, i) => {
    const angle = (2 * Math.PI * i) / Math.max(1, model.labels.length);
    const properties: Record<string, string> = {};
    for (const p of l.properties) properties[p.name] = l.key.includes(p.name) ? `${p.type} (key)` : p.type;
    for (const e of l.excluded) properties[e.column] = `excluded${e.reason !== null ? `: ${e.reason}` : ""}`;
    return {
      id: ids.get(l.label) as string,
      position: { x: Math.round(radius * Math.cos(angle)), y: Math.round(radius * Math.sin(angle)) },
      caption: `${l.source}.${l.schema}.${l.table}`,
      labels: [l.label],
      properties,
      style: {},
    };
  });
  const relationships = model.relationships.map((r, i) => ({
    id: `r${i}`,
    fromId: ids.get(r.from) as string,
    toId: ids.get(r.to) as string,
    type: r.type,
    properties: {
      join: r.join,
      ...(r.junction !== undefined ? { through: `:${r.junction}` } : {}),
      ...(r.crossDatabase ? { crosses: "databases" } : {}),
    },
    style: {},
  }));
  return `${JSON.stringify({ style: {}, nodes, relationships }, null, 2)}\n`;
}
