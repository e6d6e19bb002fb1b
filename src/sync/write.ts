/**
 * Writing a sync's changes, once every table is compared: per label, stamps for junctions, then
 * the created and updated rows (fetched by key, in the comparison's snapshot), then the deletes;
 * finally the relationships are re-derived around the nodes written. The same statements go to a
 * script file (generate, run) or into one transaction that is rolled back (plan).
 */
import { AbortedError } from "../errors.js";
import { hashSalt, readQuery, selectByKeysStatement } from "../extract/extract.js";
import { EmptyJoinKeyCount } from "../generate/generate.js";
import { qualifiedTable, type ExportPlan, type PlannedSource, type TablePlan } from "../metadata/plan.js";
import type { PgClient } from "../postgres/connection.js";
import { sectionMarker } from "../script/format.js";
import { RowEncoder } from "../script/rows.js";
import { deleteStatement, keysPerStatement, rederiveStatements, stampStatement } from "../script/sync.js";
import type { StopRequest } from "../signals.js";
import type { TableSync } from "./compare.js";
import { labelsStampedAfter, type GraphState } from "./graph.js";

/** Where a sync's statements go; `target` names the label (`:L`) or type (`[:T]`) a statement writes. */
export interface StatementSink {
  write(text: string): Promise<void>;
  statement(text: string, target?: string): Promise<void>;
}

export interface ChangeWriting {
  plan: ExportPlan;
  syncs: readonly TableSync[];
  sources: ReadonlyMap<PlannedSource, PgClient>;
  runId: number;
  since: number;
  /** The graph's state before the run: it tells which labels an unfinished earlier sync wrote. */
  state: GraphState;
  batchSize: number;
  /** Re-derive in bounded transactions (a script), or within the one transaction (a preview). */
  batched: boolean;
  stop?: StopRequest;
  /** Filled per table with the empty strings met in join columns of the rows written. */
  empties?: Map<TablePlan, EmptyJoinKeyCount>;
}

/** The created and updated rows of a table, fetched by key in batches, as node statements. */
async function writeUpserts(
  sync: TableSync,
  client: PgClient,
  sink: StatementSink,
  runId: number,
  batchSize: number,
  empties: EmptyJoinKeyCount,
): Promise<number> {
  const { table, spool } = sync;
  const encoder = new RowEncoder(table, runId);
  let rows = 0;
  for await (const batch of spool.batches(["create", "update"], batchSize)) {
    const values = table.keyColumns.map((_, i) => batch.map((key) => key[i]));
    const literals: string[] = [];
    for await (const chunk of readQuery(
      client,
      selectByKeysStatement(table),
      [hashSalt(table), ...values],
      batchSize,
    ))
      for (const row of chunk) literals.push(encoder.encode(row, empties));
    rows += literals.length;
    if (literals.length > 0) await sink.statement(encoder.statement(literals), `:${table.label}`);
  }
  return rows;
}

/** Stamps before a junction label's nodes change: one statement per batch and relationship. */
async function writeStamps(
  sync: TableSync,
  plan: ExportPlan,
  sink: StatementSink,
  runId: number,
): Promise<void> {
  const through = plan.relationships.filter((r) => r.junction?.label === sync.table.label);
  if (through.length === 0) return;
  for await (const batch of sync.spool.batches(["update", "delete"], keysPerStatement))
    for (const relationship of through)
      await sink.statement(
        stampStatement(relationship, sync.table, sync.kinds, batch, runId),
        `:${sync.table.label}`,
      );
}

async function writeDeletes(sync: TableSync, sink: StatementSink): Promise<void> {
  for await (const batch of sync.spool.batches(["delete"], keysPerStatement))
    await sink.statement(deleteStatement(sync.table, sync.kinds, batch), `:${sync.table.label}`);
}

/**
 * The labels with nodes stamped after `since` once this run's nodes are written: those it creates
 * or updates, the from-ends its junction changes stamp, and any an unfinished sync stamped. Only
 * around these can a relationship be wrong (a deleted node's go with it), so only these are visited.
 */
function labelsWritten(writing: ChangeWriting): Set<string> {
  const labels = new Set<string>();
  for (const { table, spool } of writing.syncs) {
    const { create, update, delete: deleted } = spool.counts;
    if (create + update > 0) labels.add(table.label);
    if (update + deleted > 0)
      for (const relationship of writing.plan.relationships)
        if (relationship.junction?.label === table.label) labels.add(relationship.fromLabel);
  }
  for (const label of labelsStampedAfter(writing.state, writing.since)) labels.add(label);
  return labels;
}

/** Every label's changes, then the relationships re-derived; returns the rows written per table. */
export async function writeChanges(
  sink: StatementSink,
  writing: ChangeWriting,
): Promise<Map<string, number>> {
  const { plan, runId } = writing;
  const rows = new Map<string, number>();
  for (const sync of writing.syncs) {
    await sink.write(sectionMarker("nodes", sync.table));
    await writeStamps(sync, plan, sink, runId);
    const client = writing.sources.get(sync.table.source) as PgClient;
    const empties = new EmptyJoinKeyCount();
    writing.empties?.set(sync.table, empties);
    const written = await writeUpserts(sync, client, sink, runId, writing.batchSize, empties);
    await writeDeletes(sync, sink);
    rows.set(`${sync.table.source.sourceName}.${qualifiedTable(sync.table)}`, written);
    if (writing.stop?.requested === true)
      throw new AbortedError(`sync stopped by a signal after ${sync.table.table}`, writing.stop.exitCode);
  }
  await sink.write(sectionMarker("relationships"));
  const visited = labelsWritten(writing);
  const keyOf = (label: string) => plan.tables.find((table) => table.label === label)?.keyColumns;
  for (const relationship of plan.relationships)
    for (const { visits, text } of rederiveStatements(
      relationship,
      writing.since,
      runId,
      keyOf,
      writing.batched,
    ))
      if (visited.has(visits)) await sink.statement(text, `[:${relationship.type}]`);
  return rows;
}
