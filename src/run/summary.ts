/**
 * What a run reports on stdout: the script, what changed per label and type, and the graph's
 * totals after it. Text for a person; the values are the RunResult's.
 */
import { describeRetired } from "../control/ownership.js";
import { formatTable } from "../query/queries.js";
import type { RunResult } from "./pipeline.js";

/** What `run` prints on stdout: the script, then what changed, per label and per type. */
export function runSummary(result: RunResult): string {
  const lines: string[] = [];
  if (result.script !== undefined) lines.push(result.script.path);
  const loaded = result.loaded;
  if (result.kind === "full" && loaded !== undefined) {
    const c = loaded.counters;
    lines.push(
      `loaded ${loaded.statementsTotal} statements: ${c.nodesCreated} nodes and ${c.relationshipsCreated} relationships created`,
    );
    return lines.join("\n") + "\n" + totalsTable(result);
  }
  if (result.script === undefined) lines.push("sync: the graph already equals the sources; nothing to load");
  const unchanged: string[] = [];
  for (const [table, c] of result.changes ?? []) {
    if (c.created + c.updated + c.deleted === 0) {
      unchanged.push(`:${table.label}`);
      continue;
    }
    lines.push(`:${table.label}: ${c.created} created, ${c.updated} updated, ${c.deleted} deleted`);
    // Every node holding one is updated: its hash was taken over other columns.
    const retired = describeRetired(table);
    if (retired !== undefined) lines.push(`    stopped writing, removed from the nodes updated: ${retired}`);
  }
  for (const [type, c] of loaded?.relationshipsByType ?? []) {
    if (c.created + c.deleted === 0) unchanged.push(`:${type}`);
    else lines.push(`:${type}: ${c.created} created, ${c.deleted} deleted`);
  }
  if (unchanged.length > 0) lines.push(`unchanged: ${unchanged.join(", ")}`);
  return lines.join("\n") + "\n" + totalsTable(result);
}

/**
 * Per label and type: the source table, the rows read (a sync: written), and what the graph now
 * holds; then the time. Empty when the graph's counts could not be read.
 */
export function totalsTable(result: Pick<RunResult, "kind" | "totals" | "elapsedMs">): string {
  const totals = result.totals;
  if (totals === undefined) return "";
  const rows: string[][] = [
    ...totals.labels.map((l) => [`:${l.label}`, l.table, String(l.rows), String(l.nodes), ""]),
    ...totals.types.map((t) => [`[:${t.type}]`, "", "", "", `${t.relationships} (${t.created} created)`]),
  ];
  const rowsRead = result.kind === "sync" ? "rows written" : "rows read";
  const table = formatTable({ columns: ["label / type", "from", rowsRead, "nodes", "relationships"], rows });
  const took = result.elapsedMs !== undefined ? `took ${(result.elapsedMs / 1000).toFixed(1)} s\n` : "";
  return `\n${table.slice(0, table.lastIndexOf("\n"))}\n${took}`;
}
