/**
 * The relationship half of the delete guard (the label half is guardDeletes, src/sync/compare.ts).
 *
 * Which of c360's relationships a sync deletes is only settled once its nodes are written, and
 * the guard must refuse before anything is. So as the sync's node statements are written (to the
 * script, or into a plan's rehearsal), each label's rows are also put to the graph as it is now,
 * in a read-only count per relationship type:
 * - a deleted node costs its c360 relationships (DETACH DELETE);
 * - a written node costs those whose join fails with its new values against the other end as it
 *   is now;
 * - a deleted or changed junction node costs the relationships only it supported.
 * Counting against the other end as it is errs toward refusing: when both ends change in one night
 * a relationship may be counted that the re-derive keeps.
 */
import type { Driver } from "neo4j-driver";
import { RefusedError, TargetError, messageOf } from "../errors.js";
import type { ExportPlan, RelationshipPlan } from "../metadata/plan.js";
import { quoteName } from "../script/literals.js";
import { nodeBatchQuery, parseNodeBatch, RowTable, type NodeBatch } from "../script/node-batches.js";
import { hashProperty, runProperty } from "../script/provenance.js";
import type { CompareOptions } from "./compare.js";
import type { GraphState } from "./graph.js";
import type { StatementSink } from "./write.js";

/** Rows per count: a label's statements are pooled up to this many. */
const rowsPerCount = 10_000;
/** Counts in flight while the script is written: Neo4j counts while PostgreSQL is read. */
const countsInFlight = 2;

type Pairs = ReadonlyArray<readonly [string, string]>;

function equalities(a: string, b: string, pairs: Pairs): string {
  return pairs.map(([x, y]) => `${a}.${quoteName(x)} = ${b}.${quoteName(y)}`).join(" AND ");
}

function keyMatch(label: string, keyColumns: readonly string[]): string {
  const key = keyColumns.map((c) => `${quoteName(c)}: row.${quoteName(c)}`).join(", ");
  return `(n:${quoteName(label)} {${key}})`;
}

const stamped = `rel.${quoteName(runProperty)} IS NOT NULL`;

/** The c360 relationships of `relationship` at a written node whose join fails with its new row. */
function writtenNodeCounts(relationship: RelationshipPlan, batch: NodeBatch): string[] {
  const { fromLabel, toLabel, junction, direct } = relationship;
  const node = keyMatch(batch.label, batch.keyColumns);
  const side = (asFrom: boolean) => {
    const other = asFrom ? toLabel : fromLabel;
    const edge = asFrom
      ? `${node}-[rel:${quoteName(relationship.type)}]->(other)`
      : `(other)-[rel:${quoteName(relationship.type)}]->${node}`;
    let holds: string;
    if (junction === undefined) {
      const pairs = (direct ?? []).map((p): readonly [string, string] =>
        asFrom ? [p.to, p.from] : [p.from, p.to],
      );
      holds = equalities("other", "row", pairs);
    } else {
      const fromEnd: Pairs = junction.toFrom.map((p) => [p.junction, p.from]);
      const toEnd: Pairs = junction.toTo.map((p) => [p.junction, p.to]);
      const [own, far] = asFrom ? [fromEnd, toEnd] : [toEnd, fromEnd];
      holds = `EXISTS { MATCH (link:${quoteName(junction.label)}) WHERE ${equalities("link", "row", own)} AND ${equalities("link", "other", far)} }`;
    }
    return `MATCH ${edge}\nWHERE ${stamped} AND NOT coalesce(other:${quoteName(other)} AND ${holds}, false)\nRETURN count(rel) AS n`;
  };
  return [
    ...(fromLabel === batch.label ? [side(true)] : []),
    ...(toLabel === batch.label ? [side(false)] : []),
  ];
}

/** The relationships a junction node supports that no other junction node does. */
function supportedBy(relationship: RelationshipPlan, batch: NodeBatch, changed: string): string {
  const junction = relationship.junction as NonNullable<RelationshipPlan["junction"]>;
  const fromPairs = junction.toFrom.map((p) => [p.from, p.junction] as const);
  const toPairs = junction.toTo.map((p) => [p.to, p.junction] as const);
  const lookup = (pairs: Pairs) =>
    `{${pairs.map(([x, y]) => `${quoteName(x)}: n.${quoteName(y)}`).join(", ")}}`;
  const label = quoteName(junction.label);
  return (
    `MATCH ${keyMatch(batch.label, batch.keyColumns)}\nWHERE n.${quoteName(hashProperty)} IS NOT NULL AND ${changed}\n` +
    `MATCH (from:${quoteName(relationship.fromLabel)} ${lookup(fromPairs)})-[rel:${quoteName(relationship.type)}]->(to:${quoteName(relationship.toLabel)} ${lookup(toPairs)})\n` +
    `WHERE ${stamped} AND NOT EXISTS { MATCH (o:${label}) WHERE o <> n AND ${equalities(
      "o",
      "from",
      fromPairs.map(([x, y]) => [y, x]),
    )} AND ${equalities(
      "o",
      "to",
      toPairs.map(([x, y]) => [y, x]),
    )} }\n` +
    `RETURN count(DISTINCT rel) AS n`
  );
}

/** The count queries of one type for a batch of a label's rows (none if the type cannot lose any). */
function countQueries(relationship: RelationshipPlan, batch: NodeBatch): string[] {
  const { junction } = relationship;
  if (junction?.label === batch.label) {
    if (batch.deletes) return [supportedBy(relationship, batch, "true")];
    const columns = [...junction.toFrom, ...junction.toTo].map((p) => p.junction);
    const same = columns.map((c) => `n.${quoteName(c)} = row.${quoteName(c)}`).join(" AND ");
    return [supportedBy(relationship, batch, `NOT coalesce(${same}, false)`)];
  }
  if (batch.deletes) {
    if (relationship.fromLabel !== batch.label && relationship.toLabel !== batch.label) return [];
    return [
      `MATCH ${keyMatch(batch.label, batch.keyColumns)}\nWHERE n.${quoteName(hashProperty)} IS NOT NULL\n` +
        `MATCH (n)-[rel:${quoteName(relationship.type)}]-()\nWHERE ${stamped}\nRETURN count(rel) AS n`,
    ];
  }
  return writtenNodeCounts(relationship, batch);
}

/**
 * A StatementSink in front of another: passes every statement on, and counts what the sync's node
 * statements would cost each relationship type. `refuse()` then applies the guard.
 */
export class RelationshipDeleteGuard implements StatementSink {
  /** Per type, the c360 relationships the sync would delete (an upper estimate). */
  readonly deletes = new Map<string, number>();
  private pending: { tail: string; batch: NodeBatch } | undefined;
  private readonly inFlight: Array<Promise<void>> = [];
  private failure: Error | undefined;

  constructor(
    private readonly inner: StatementSink,
    private readonly driver: Driver,
    private readonly database: string,
    private readonly plan: ExportPlan,
  ) {}

  write(text: string): Promise<void> {
    return this.inner.write(text);
  }

  async statement(text: string, target?: string): Promise<void> {
    const into =
      this.pending !== undefined && text.endsWith(this.pending.tail) ? this.pending.batch.table : undefined;
    if (into === undefined) await this.flush();
    const batch = parseNodeBatch({ text, codeStart: 0 }, into ?? new RowTable());
    if (batch !== undefined) {
      this.pending ??= { tail: batch.tail, batch };
      if (batch.table.rows.length >= rowsPerCount) await this.flush();
    }
    await this.inner.statement(text, target);
  }

  /** Counts the pooled rows (without waiting for the count, unless too many are in flight). */
  private async flush(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    if (pending !== undefined)
      for (const relationship of this.plan.relationships)
        for (const tail of countQueries(relationship, pending.batch)) {
          const query = nodeBatchQuery(tail, pending.batch.table);
          // Not awaited here: a failure is kept, and thrown at the next flush or at finish().
          const count = this.count(relationship.type, query, pending.batch.table).catch((error: unknown) => {
            this.failure ??= error instanceof Error ? error : new Error(String(error));
          });
          this.inFlight.push(count);
        }
    while (this.inFlight.length > countsInFlight) await this.inFlight.shift();
    if (this.failure !== undefined) throw this.failure;
  }

  private async count(type: string, query: string, table: RowTable): Promise<void> {
    try {
      const result = await this.driver.executeQuery(
        query,
        { rows: table.rows },
        { database: this.database, routing: "READ" },
      );
      const n = Number(result.records[0]?.get("n") ?? 0);
      this.deletes.set(type, (this.deletes.get(type) ?? 0) + n);
    } catch (error) {
      throw new TargetError(
        `counting the :${type} relationships a sync would delete failed: ${messageOf(error)}`,
        { cause: error },
      );
    }
  }

  /** Waits for every count. */
  async finish(): Promise<void> {
    await this.flush();
    while (this.inFlight.length > 0) await this.inFlight.shift();
    if (this.failure !== undefined) throw this.failure;
  }

  /** Waits for the counts, then throws refusal(), if any. */
  async enforce(state: GraphState, maxPercent: number): Promise<void> {
    await this.finish();
    const refused = this.refusal(state.types, maxPercent);
    if (refused !== undefined) throw refused;
  }

  /** Refuses if a type would lose more than `maxPercent` of its relationships (`totals`, per type). */
  refusal(totals: Readonly<Record<string, number>>, maxPercent: number): RefusedError | undefined {
    const problems: string[] = [];
    for (const [type, deleted] of this.deletes) {
      const total = totals[type] ?? 0;
      if (deleted === 0 || total === 0) continue;
      const percent = (100 * Math.min(deleted, total)) / total;
      if (percent > maxPercent)
        problems.push(
          `[:${type}]: about ${Math.min(deleted, total)} of its ${total} relationships would be deleted (${percent.toFixed(1)}%)`,
        );
    }
    if (problems.length === 0) return undefined;
    return new RefusedError(
      `refusing to delete more than C360_MAX_DELETE_PERCENT=${maxPercent}% of a relationship type:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
      {
        hint: "If the sources really changed that much (a foreign key column emptied, say), run once with --allow-deletes (or raise C360_MAX_DELETE_PERCENT). Nothing was written to the graph.",
      },
    );
  }
}

/** The guard in front of `sink`, or none when the run allows deletes (then nothing is counted). */
export function relationshipGuard(
  sink: StatementSink,
  driver: Driver,
  plan: ExportPlan,
  options: CompareOptions,
): RelationshipDeleteGuard | undefined {
  if (options.allowDeletes === true || options.maxDeletePercent >= 100) return undefined;
  return new RelationshipDeleteGuard(sink, driver, options.neo4j.database, plan);
}
