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
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { once } from "node:events";
import path from "node:path";
import { createInterface } from "node:readline";
import { privateFileMode } from "../script/writer.js";
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

/**
 * A count query's tail; the end of the relationship the batch's nodes are at; and the pattern of
 * the relationships it can count at each node, whose degree bounds it (none for a junction's).
 */
interface CountQuery {
  tail: string;
  end?: "from" | "to";
  degree?: "out" | "in" | "both";
}

/** The c360 relationships of `relationship` at a written node whose join fails with its new row. */
function writtenNodeCounts(relationship: RelationshipPlan, batch: NodeBatch): CountQuery[] {
  const { fromLabel, toLabel, junction, direct } = relationship;
  const node = keyMatch(batch.label, batch.keyColumns);
  const side = (asFrom: boolean): CountQuery => {
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
    return {
      tail: `MATCH ${edge}\nWHERE ${stamped} AND NOT coalesce(other:${quoteName(other)} AND ${holds}, false)\nRETURN count(rel) AS n`,
      end: asFrom ? "from" : "to",
      degree: asFrom ? "out" : "in",
    };
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
function countQueries(relationship: RelationshipPlan, batch: NodeBatch): CountQuery[] {
  const { junction } = relationship;
  if (junction?.label === batch.label) {
    if (batch.kind === "delete") return [{ tail: supportedBy(relationship, batch, "true") }];
    const columns = [...junction.toFrom, ...junction.toTo].map((p) => p.junction);
    const same = columns.map((c) => `n.${quoteName(c)} = row.${quoteName(c)}`).join(" AND ");
    return [{ tail: supportedBy(relationship, batch, `NOT coalesce(${same}, false)`) }];
  }
  if (batch.kind === "delete") {
    const detach = (end: "from" | "to"): CountQuery => ({
      tail:
        `MATCH ${keyMatch(batch.label, batch.keyColumns)}\nWHERE n.${quoteName(hashProperty)} IS NOT NULL\n` +
        `MATCH (n)-[rel:${quoteName(relationship.type)}]-()\nWHERE ${stamped}\nRETURN count(rel) AS n`,
      end,
      degree: "both",
    });
    if (relationship.fromLabel === batch.label) return [detach("from")];
    return relationship.toLabel === batch.label ? [detach("to")] : [];
  }
  return writtenNodeCounts(relationship, batch);
}

/**
 * Whether a node at this end of a direct relationship has at most one of its relationships: the
 * other end is joined on all of its label's key columns. There, a batch costs at most a
 * relationship per row, and needs no count while that stays under the limit.
 */
function atMostOne(relationship: RelationshipPlan, end: "from" | "to", plan: ExportPlan): boolean {
  const otherLabel = end === "from" ? relationship.toLabel : relationship.fromLabel;
  const other = plan.tables.find((table) => table.label === otherLabel);
  if (other === undefined || relationship.direct === undefined) return false;
  const joined = new Set(relationship.direct.map((p) => (end === "from" ? p.to : p.from)));
  return other.keyColumns.every((column) => joined.has(column));
}

/** Whether a junction node supports at most one relationship: it names both ends by their keys. */
function supportsAtMostOne(relationship: RelationshipPlan, plan: ExportPlan): boolean {
  const { junction } = relationship;
  if (junction === undefined) return false;
  const keyed = (label: string, columns: readonly string[]) =>
    plan.tables.find((table) => table.label === label)?.keyColumns.every((c) => columns.includes(c)) === true;
  return (
    keyed(
      relationship.fromLabel,
      junction.toFrom.map((p) => p.from),
    ) &&
    keyed(
      relationship.toLabel,
      junction.toTo.map((p) => p.to),
    )
  );
}

/**
 * How the first pass bounds a count instead of running it: by the batch's rows (each costs at
 * most one relationship), by the degree of its nodes in the query's direction (all the
 * relationships of the type they have), or not at all (then it is counted).
 */
function boundOf(
  relationship: RelationshipPlan,
  query: CountQuery,
  plan: ExportPlan,
): "rows" | NonNullable<CountQuery["degree"]> | undefined {
  if (query.end !== undefined && atMostOne(relationship, query.end, plan)) return "rows";
  if (query.degree !== undefined) return query.degree;
  return supportsAtMostOne(relationship, plan) ? "rows" : undefined;
}

/** A type whose count is bounded by the degree of the batch's nodes, in this direction. */
interface DegreeBound {
  type: string;
  degree: NonNullable<CountQuery["degree"]>;
}

/** The relationships of each bound's type the batch's nodes have, in one query. */
function degreeQuery(batch: NodeBatch, bounds: readonly DegreeBound[]): string {
  const terms = bounds.map(({ type, degree }) => {
    const name = quoteName(type);
    const pattern =
      degree === "out" ? `(n)-[:${name}]->()` : degree === "in" ? `(n)<-[:${name}]-()` : `(n)-[:${name}]-()`;
    return `sum(COUNT { ${pattern} })`;
  });
  return `MATCH ${keyMatch(batch.label, batch.keyColumns)}\nRETURN [${terms.join(", ")}] AS n`;
}

/**
 * A StatementSink in front of another: passes every statement on, and bounds what the sync's node
 * statements would cost each relationship type. A bound is cheap: a batch's rows where a node has
 * at most one relationship of a type, else its nodes' degrees, all types in one query per batch
 * (a few query shapes, which a fresh engine plans quickly, where exact counts were one complex
 * shape per type and end). The statements are set aside on disk, and counted exactly, per type,
 * only if the bound alone would refuse. check() then applies the guard.
 */
export class RelationshipDeleteGuard implements StatementSink {
  /** Per type, the c360 relationships counted so far. */
  private readonly counted = new Map<string, number>();
  /** Per type, the upper bound tallied instead of a count (rows, or degrees). */
  private readonly bounded = new Map<string, number>();
  private pending: { tail: string; batch: NodeBatch } | undefined;
  private readonly inFlight: Array<Promise<void>> = [];
  private failure: Error | undefined;
  private setAside: SetAside | undefined;
  /** While statements set aside are counted: the types they are counted for. */
  private recounting: ReadonlySet<string> | undefined;

  constructor(
    private readonly inner: StatementSink,
    private readonly driver: Driver,
    private readonly database: string,
    private readonly plan: ExportPlan,
    /** Where statements are set aside: the sync's spool directory. */
    private readonly directory: string,
  ) {}

  write(text: string): Promise<void> {
    return this.inner.write(text);
  }

  async statement(text: string, target?: string): Promise<void> {
    await this.observe(text);
    await this.inner.statement(text, target);
  }

  /** Pools a node statement's rows, and sets it aside if it has rows only tallied. */
  private async observe(text: string): Promise<void> {
    const into =
      this.pending !== undefined && text.endsWith(this.pending.tail) ? this.pending.batch.table : undefined;
    if (into === undefined) await this.flush();
    const batch = parseNodeBatch({ text, codeStart: 0 }, into ?? new RowTable());
    // A stamp deletes nothing: it makes the sync look at relationships the counts already cover.
    if (batch === undefined || batch.kind === "stamp") return;
    this.pending ??= { tail: batch.tail, batch };
    if (this.recounting === undefined && this.boundsAny(batch))
      await (this.setAside ??= new SetAside(this.directory)).add(text);
    if (batch.table.rows.length >= rowsPerCount) await this.flush();
  }

  private boundsAny(batch: NodeBatch): boolean {
    return this.plan.relationships.some((r) =>
      countQueries(r, batch).some((q) => boundOf(r, q, this.plan) !== undefined),
    );
  }

  /**
   * Bounds or counts the pooled rows (without waiting, unless too many queries are in flight). In
   * the first pass whatever can be bounded is; in a recount only the bounded counts of
   * `recounting` are made, exactly.
   */
  private async flush(): Promise<void> {
    const recounting = this.recounting;
    const pending = this.pending;
    this.pending = undefined;
    if (pending !== undefined) {
      const { batch } = pending;
      const degrees: DegreeBound[] = [];
      for (const relationship of this.plan.relationships)
        for (const query of countQueries(relationship, batch)) {
          const bound = boundOf(relationship, query, this.plan);
          const { type } = relationship;
          const count = () => this.count(type, nodeBatchQuery(query.tail, batch.table), batch.table);
          if (recounting !== undefined) {
            if (bound !== undefined && recounting.has(type)) this.launch(count);
          } else if (bound === "rows") add(this.bounded, type, batch.table.rows.length);
          else if (bound !== undefined) degrees.push({ type, degree: bound });
          else this.launch(count);
        }
      if (degrees.length > 0)
        this.launch(() =>
          this.countDegrees(degrees, nodeBatchQuery(degreeQuery(batch, degrees), batch.table), batch.table),
        );
    }
    while (this.inFlight.length > countsInFlight) await this.inFlight.shift();
    if (this.failure !== undefined) throw this.failure;
  }

  /** Starts a query; not awaited here: a failure is kept, and thrown at the next flush or at the end. */
  private launch(query: () => Promise<void>): void {
    this.inFlight.push(
      query().catch((error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      }),
    );
  }

  private async count(type: string, query: string, table: RowTable): Promise<void> {
    const result = await this.read(query, table, `counting the :${type} relationships a sync would delete`);
    add(this.counted, type, Number(result[0] ?? 0));
  }

  private async countDegrees(bounds: readonly DegreeBound[], query: string, table: RowTable): Promise<void> {
    const result = await this.read(query, table, "counting the relationships of the nodes a sync writes");
    const degrees = (result[0] ?? []) as unknown[];
    bounds.forEach(({ type }, i) => add(this.bounded, type, Number(degrees[i] ?? 0)));
  }

  /** The first column of a read query's records. */
  private async read(query: string, table: RowTable, what: string): Promise<unknown[]> {
    try {
      const result = await this.driver.executeQuery(
        query,
        { rows: table.rows },
        { database: this.database, routing: "READ" },
      );
      return result.records.map((record) => record.get("n") as unknown);
    } catch (error) {
      throw new TargetError(`${what} failed: ${messageOf(error)}`, { cause: error });
    }
  }

  private async drain(): Promise<void> {
    await this.flush();
    while (this.inFlight.length > 0) await this.inFlight.shift();
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * Waits for the counts and applies the guard: the types whose bound would refuse are counted
   * from the statements set aside. Returns the refusal, if any.
   */
  async check(state: GraphState, maxPercent: number): Promise<RefusedError | undefined> {
    try {
      await this.drain();
      const limit = (type: string) => ((state.types[type] ?? 0) * maxPercent) / 100;
      const over = (type: string) =>
        (this.counted.get(type) ?? 0) + (this.bounded.get(type) ?? 0) > limit(type);
      const recounting = new Set([...this.bounded.keys()].filter(over));
      if (recounting.size > 0 && this.setAside !== undefined) {
        for (const type of recounting) this.bounded.delete(type);
        this.recounting = recounting;
        for await (const text of this.setAside.statements()) await this.observe(text);
        await this.drain();
      }
      return refusal(this.estimates(), state.types, maxPercent);
    } finally {
      await this.setAside?.remove();
    }
  }

  /** Waits for the counts, then throws the refusal, if any. */
  async enforce(state: GraphState, maxPercent: number): Promise<void> {
    const refused = await this.check(state, maxPercent);
    if (refused !== undefined) throw refused;
  }

  private estimates(): Map<string, number> {
    const total = new Map(this.counted);
    for (const [type, n] of this.bounded) add(total, type, n);
    return total;
  }
}

function add(counts: Map<string, number>, type: string, n: number): void {
  counts.set(type, (counts.get(type) ?? 0) + n);
}

/** Refuses if a type would lose more than `maxPercent` of its relationships (`totals`, per type). */
function refusal(
  deletes: ReadonlyMap<string, number>,
  totals: Readonly<Record<string, number>>,
  maxPercent: number,
): RefusedError | undefined {
  const problems: string[] = [];
  for (const [type, deleted] of deletes) {
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

/** Node statements kept on disk until the guard knows whether it must count them. */
class SetAside {
  private readonly file: string;
  private readonly out: WriteStream;

  constructor(directory: string) {
    this.file = path.join(directory, "guard.statements");
    this.out = createWriteStream(this.file, { encoding: "utf8", mode: privateFileMode });
  }

  async add(text: string): Promise<void> {
    if (!this.out.write(`${JSON.stringify(text)}\n`)) await once(this.out, "drain");
  }

  async *statements(): AsyncGenerator<string> {
    this.out.end();
    await once(this.out, "close");
    for await (const line of createInterface({ input: createReadStream(this.file), crlfDelay: Infinity }))
      yield JSON.parse(line) as string;
  }

  async remove(): Promise<void> {
    if (!this.out.closed) {
      this.out.end();
      await once(this.out, "close");
    }
    await rm(this.file, { force: true });
  }
}

/** The guard in front of `sink`, or none when the run allows deletes (then nothing is counted). */
export function relationshipGuard(
  sink: StatementSink,
  driver: Driver,
  plan: ExportPlan,
  options: CompareOptions,
  directory: string,
): RelationshipDeleteGuard | undefined {
  if (options.allowDeletes === true || options.maxDeletePercent >= 100) return undefined;
  return new RelationshipDeleteGuard(sink, driver, options.neo4j.database, plan, directory);
}
