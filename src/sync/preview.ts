/**
 * `c360 plan`: what a sync would do, against the live graph, without doing it.
 *
 * The comparison is the sync's own (src/sync/compare.ts). Relationship counts cannot be known
 * without deriving them, so the sync's statements run, exactly as a run would write them, in one
 * transaction that is always rolled back: its counters are what the run's will be, and nothing
 * is committed. Nothing is written to the control database either.
 */
import { defaultTimeouts } from "../config.js";
import { lastCompletedRun } from "../control/run-log.js";
import { markRetired } from "../control/ownership.js";
import neo4j, { type Driver, type Transaction } from "neo4j-driver";
import { RefusedError, TargetError, messageOf } from "../errors.js";
import {
  closeConnections,
  countTables,
  defaultBatchSize,
  openSnapshots,
  planExport,
} from "../generate/generate.js";
import type { ExportPlan, PlannedSource, TablePlan } from "../metadata/plan.js";
import { withDriver } from "../neo4j/driver.js";
import { connect, controlDbUnreachable, controlErrors, type PgClient } from "../postgres/connection.js";
import type { LabelChanges } from "../script/format.js";
import { parseNodeBatch, sentNodeBatch } from "../script/node-batches.js";
import type { Change } from "./diff.js";
import {
  anyNodeChanges,
  changesOf,
  compareTables,
  guardDeletes,
  nothingToDo,
  type CompareOptions,
  type TableSync,
} from "./compare.js";
import { holdsNothingOfC360, labelsStampedAfter, readGraphState } from "./graph.js";
import type { Key } from "./keys.js";
import { withSpoolDirectory } from "./spool.js";
import { relationshipGuard } from "./guard.js";
import { writeChanges, type StatementSink } from "./write.js";

export interface TypePreview {
  created: number;
  deleted: number;
}

export interface SyncPreview {
  /** "sync", or "full" when the graph holds nothing of c360's (a run then loads in full). */
  kind: "full" | "sync";
  plan: ExportPlan;
  changes: Map<TablePlan, LabelChanges>;
  /** Source rows per table: what a full load would create. */
  rowCounts: Map<TablePlan, number>;
  samples: Map<TablePlan, Record<Change["kind"], Key[]>>;
  /** Per relationship type, what re-deriving would create and delete. */
  relationships: Map<string, TypePreview>;
  /** Per label, the relationships deleted with its deleted nodes. */
  detached: Map<string, number>;
  /** Whether a run would change the graph. */
  changed: boolean;
  /**
   * Labels with nodes stamped by a load no completed run accounts for (a sync stopped part way,
   * or a copy of a script loaded by hand): a run re-checks the relationships around them.
   */
  recheck: string[];
  /** Why a run would be refused (the delete guard), if it would. */
  refusal?: RefusedError;
}

/** Runs each statement in the one transaction, counting what it changes per label and type. */
class PreviewSink implements StatementSink {
  readonly relationships = new Map<string, TypePreview>();
  readonly detached = new Map<string, number>();

  constructor(private readonly tx: Transaction) {}

  write(): Promise<void> {
    return Promise.resolve();
  }

  async statement(text: string, target?: string): Promise<void> {
    // Sent as the loader sends them: node statements parameterized, so Neo4j plans one query per
    // label rather than parsing a thousand literal rows per statement (a minute, at 1M rows).
    const batch = parseNodeBatch({ text, codeStart: 0 });
    const sent = batch === undefined ? undefined : sentNodeBatch(batch);
    const run = sent === undefined ? this.tx.run(text) : this.tx.run(sent.text, sent.parameters);
    const summary = await run.summary();
    const updates = summary.counters.updates();
    if (target?.startsWith("[:") === true) {
      const type = target.slice(2, -1);
      const counts = this.relationships.get(type) ?? { created: 0, deleted: 0 };
      counts.created += updates.relationshipsCreated;
      counts.deleted += updates.relationshipsDeleted;
      this.relationships.set(type, counts);
    } else if (target !== undefined && updates.relationshipsDeleted > 0) {
      const label = target.slice(1);
      this.detached.set(label, (this.detached.get(label) ?? 0) + updates.relationshipsDeleted);
    }
  }
}

/** The sync's statements in one transaction, rolled back whatever happens. */
async function rehearse(
  driver: Driver,
  options: PreviewOptions,
  writing: Omit<Parameters<typeof writeChanges>[1], "batched" | "runId">,
  directory: string,
): Promise<{ sink: PreviewSink; refusal?: RefusedError }> {
  const session = driver.session({
    database: options.neo4j.database,
    defaultAccessMode: neo4j.session.WRITE,
  });
  const tx = session.beginTransaction();
  try {
    const sink = new PreviewSink(tx);
    // Its counts read the graph outside the rehearsal's transaction: as a run's would, before any write.
    const guard = relationshipGuard(sink, driver, writing.plan, options, directory);
    // A stamp no load has used: the rehearsal's writes are told apart from the graph's.
    const runId = Number.MAX_SAFE_INTEGER;
    await writeChanges(guard ?? sink, { ...writing, runId, batched: false });
    return { sink, refusal: await guard?.check(writing.state, options.maxDeletePercent) };
  } catch (error) {
    if (error instanceof TargetError) throw error;
    throw new TargetError(`previewing the sync in Neo4j failed: ${messageOf(error)}`, { cause: error });
  } finally {
    await tx.rollback().catch(() => undefined);
    await session.close().catch(() => undefined);
  }
}

function preview(
  kind: SyncPreview["kind"],
  plan: ExportPlan,
  rowCounts: Map<TablePlan, number>,
  syncs: readonly TableSync[],
): SyncPreview {
  return {
    kind,
    plan,
    rowCounts,
    changes: changesOf(syncs),
    samples: new Map(syncs.map((s) => [s.table, s.spool.samples])),
    relationships: new Map(),
    detached: new Map(),
    changed: false,
    recheck: [],
  };
}

/** Whether the rehearsal found anything to change: a node, or a relationship of any type. */
function rehearsalChanges(syncs: readonly TableSync[], sink: PreviewSink): boolean {
  return anyNodeChanges(syncs) || [...sink.relationships.values()].some((c) => c.created + c.deleted > 0);
}

/** A preview writes no script: it needs everything a sync does but an output directory. */
export type PreviewOptions = CompareOptions;

export async function previewSync(options: PreviewOptions): Promise<SyncPreview> {
  const control = controlErrors(
    await connect(options.controlDb, controlDbUnreachable, {
      applicationName: "c360 plan",
      timeouts: options.timeouts,
    }),
  );
  const sources = new Map<PlannedSource, PgClient>();
  try {
    const plan = await planExport(control, options);
    await markRetired(control, plan, options.logger);
    return await withDriver(options.neo4j, options.timeouts ?? defaultTimeouts, async (driver) => {
      const state = await readGraphState(driver, options.neo4j.database, plan);
      await openSnapshots(plan, control, sources, options.timeouts, false);
      const rowCounts = await countTables(plan, sources);
      if (holdsNothingOfC360(state)) {
        const full = preview("full", plan, rowCounts, []);
        return { ...full, changed: [...rowCounts.values()].some((n) => n > 0) };
      }
      const since = await lastCompletedRun(control);
      return withSpoolDirectory(async (directory) => {
        const syncs = await compareTables(plan, sources, driver, directory, options, rowCounts);
        const result = preview("sync", plan, rowCounts, syncs);
        result.recheck = labelsStampedAfter(state, since);
        try {
          guardDeletes(syncs, options);
        } catch (error) {
          if (!(error instanceof RefusedError)) throw error;
          result.refusal = error;
        }
        if (nothingToDo(syncs, state, since)) return result;
        const batchSize = options.batchSize ?? defaultBatchSize;
        const writing = { plan, syncs, sources, since, state, batchSize };
        const rehearsal = await rehearse(driver, options, writing, directory);
        const { sink } = rehearsal;
        // A run refused for its labels never gets as far as counting relationships.
        result.refusal ??= rehearsal.refusal;
        // Nodes no completed run accounts for make a run re-check their relationships, which
        // may find them right: then the graph would not change.
        const changed = rehearsalChanges(syncs, sink);
        return { ...result, relationships: sink.relationships, detached: sink.detached, changed };
      });
    });
  } finally {
    await closeConnections(control, sources);
  }
}
