/**
 * The statements only a sync script holds (format 2, docs/script-format.md):
 * - delete statements, listing the keys of the c360 nodes whose rows are gone;
 * - stamp statements, which mark the far end of a junction's relationships before the junction
 *   node that supported them changes or goes;
 * - re-derive statements, which make a relationship type right around every node a run wrote.
 *
 * A sync writes nodes with the node statements of a full script (node-batches.ts), stamped with
 * its run. A relationship of a mapped type exists exactly when its ends' properties join, so once
 * the nodes are right, the relationships that can be wrong are those of the nodes written since
 * the last completed load: each re-derive statement visits those, deletes the c360 relationships
 * whose join no longer holds, and MERGEs the ones that do. Every statement is idempotent, so a
 * resumed or repeated sync converges.
 */
import type { RelationshipPlan, TablePlan } from "../metadata/plan.js";
import type { Key, KeyKind } from "../sync/keys.js";
import { encodeValue, quoteName } from "./literals.js";
import { nodeDeleteStatement, nodeStampTail, rowsStatement } from "./node-batches.js";
import { runProperty } from "./provenance.js";
import type { Statement } from "./lexer.js";
import {
  parseRelationshipStatement,
  relationshipTransactionRows,
  relationshipWrite,
} from "./relationships.js";

/** Keys per delete or stamp statement: each is one bounded transaction. */
export const keysPerStatement = 1000;

/** `{`id`: 5}`: a key as a map literal, in the key columns' order. */
function keyLiteral(table: TablePlan, kinds: readonly KeyKind[], key: Key): string {
  const entries = table.keyColumns.map(
    (column, i) => `${quoteName(column)}: ${encodeValue(kinds[i] as KeyKind, key[i] as string)}`,
  );
  return `{${entries.join(", ")}}`;
}

/**
 * Deletes the c360 nodes with these keys, and their relationships: a node statement's shape with a
 * DETACH DELETE tail (src/script/node-batches.ts), so the loader sends it parameterized.
 */
export function deleteStatement(table: TablePlan, kinds: readonly KeyKind[], keys: readonly Key[]): string {
  return nodeDeleteStatement(
    table.label,
    table.keyColumns,
    keys.map((key) => keyLiteral(table, kinds, key)),
  );
}

/**
 * Before junction nodes change or go: stamps the from-ends their relationships start at, so the
 * re-derive statements visit them although their own rows did not change. A node statement's
 * shape with a stamp tail (src/script/node-batches.ts), so the loader sends it parameterized.
 */
export function stampStatement(
  relationship: RelationshipPlan,
  junction: TablePlan,
  kinds: readonly KeyKind[],
  keys: readonly Key[],
  run: number,
): string {
  const pairs = (relationship.junction?.toFrom ?? []).map((p) => [p.from, p.junction] as const);
  const stamped = { label: relationship.fromLabel, pairs, run };
  return (
    `// the :${relationship.fromLabel} nodes whose :${relationship.type} relationships these :${junction.label} nodes supported\n` +
    rowsStatement(
      keys.map((key) => keyLiteral(junction, kinds, key)),
      nodeStampTail(junction.label, junction.keyColumns, stamped),
    )
  );
}

/** The nodes a re-derive statement visits: those of `label` written after run `since`. */
function written(variable: string, label: string, since: number): string {
  return `MATCH (${variable}:${quoteName(label)})\nWHERE ${variable}.${quoteName(runProperty)} > ${since}`;
}

/**
 * Narrows a visit to the written nodes without a c360 relationship of the type yet: right for an
 * end whose side of the join is its key. Such a node, updated, kept its key, so its side of every
 * join is as it was: its relationships change only where the other end's rows changed, and those
 * ends are visited. A new node has none yet, and is visited. So is one whose earlier visit was cut
 * short, as each node's relationships are made in one transaction. Without it, a renamed plan or
 * title re-checks every relationship it has, some 5 µs each on a warm engine (7 titles with 8,075
 * plays: 38 ms, narrowed 5 ms): seconds a night for a hub with a million.
 */
function withoutRelationshipYet(relationship: RelationshipPlan, self: "from" | "to"): string {
  const type = quoteName(relationship.type);
  const edge = self === "from" ? `(from)-[r:${type}]->()` : `()-[r:${type}]->(to)`;
  return `AND NOT EXISTS { ${edge} WHERE r.${quoteName(runProperty)} IS NOT NULL }`;
}

/**
 * Whether an end's side of the type's join is only its key columns. Not for a junction's from-end:
 * its relationships follow the junction's nodes, and stamps make it visited when those change.
 */
function joinsOnKey(relationship: RelationshipPlan, self: "from" | "to", keyOf: KeyColumnsOf): boolean {
  const key = keyOf(self === "from" ? relationship.fromLabel : relationship.toLabel);
  if (key === undefined) return false;
  const own =
    relationship.junction !== undefined
      ? self === "to"
        ? relationship.junction.toTo.map((p) => p.to)
        : undefined
      : (relationship.direct ?? []).map((p) => (self === "from" ? p.from : p.to));
  return own !== undefined && own.length > 0 && own.every((column) => key.includes(column));
}

/** A label's key columns, if c360 maps it. */
export type KeyColumnsOf = (label: string) => readonly string[] | undefined;

/** `a.x = b.y AND ...` for pairs of (a's property, b's property). */
function equalities(a: string, b: string, pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([x, y]) => `${a}.${quoteName(x)} = ${b}.${quoteName(y)}`).join(" AND ");
}

/** `{x: b.y, ...}`: a pattern's properties taken from another node. */
function lookup(b: string, pairs: ReadonlyArray<readonly [string, string]>): string {
  return `{${pairs.map(([x, y]) => `${quoteName(x)}: ${b}.${quoteName(y)}`).join(", ")}}`;
}

/**
 * The body that makes one node's relationships of a type right: delete the c360 ones whose join
 * no longer holds (a NULL join holds nothing), then MERGE the ones it finds.
 */
function rederiveBody(relationship: RelationshipPlan, from: boolean, run: number): string[] {
  const type = quoteName(relationship.type);
  const fromLabel = quoteName(relationship.fromLabel);
  const toLabel = quoteName(relationship.toLabel);
  const stamped = `r.${quoteName(runProperty)} IS NOT NULL`;
  const [self, other, otherLabel] = from ? ["from", "to", toLabel] : ["to", "from", fromLabel];
  const edge = "(from)-[r:" + type + "]->(to)";
  let holds: string;
  let finds: string[];
  if (relationship.junction !== undefined) {
    const { label, toFrom, toTo } = relationship.junction;
    const linkFrom = toFrom.map((p) => [p.junction, p.from] as const);
    const linkTo = toTo.map((p) => [p.junction, p.to] as const);
    holds =
      `${other}:${otherLabel} AND EXISTS { MATCH (link:${quoteName(label)}) ` +
      `WHERE ${equalities("link", "from", linkFrom)} AND ${equalities("link", "to", linkTo)} }`;
    const [near, far] = from ? [linkFrom, linkTo] : [linkTo, linkFrom];
    finds = [
      `MATCH (link:${quoteName(label)} ${lookup(self, near)})`,
      `MATCH (${other}:${otherLabel} ${lookup(
        "link",
        far.map(([j, o]) => [o, j] as const),
      )})`,
    ];
  } else {
    const pairs = (relationship.direct ?? []).map((p) => [p.to, p.from] as const);
    holds = `${other}:${otherLabel} AND ${equalities("to", "from", pairs)}`;
    const own = from ? pairs : pairs.map(([t, f]) => [f, t] as const);
    finds = [`MATCH (${other}:${otherLabel} ${lookup(self, own)})`];
  }
  return [
    `CALL {`,
    `  WITH ${self}`,
    `  OPTIONAL MATCH ${edge}`,
    `  WHERE ${stamped} AND NOT coalesce(${holds}, false)`,
    `  DELETE r`,
    `}`,
    `CALL {`,
    `  WITH ${self}`,
    ...finds.map((line) => `  ${line}`),
    `  ${relationshipWrite(relationship.type, run, "MERGE")}`,
    `}`,
  ];
}

/** A re-derive statement, and the label whose written nodes it visits. */
export interface RederiveStatement {
  visits: string;
  text: string;
}

/**
 * The re-derive statements of one relationship type: from its from-ends, from its to-ends, and,
 * through a junction, from the from-ends of the junction nodes written, each visiting the nodes
 * written after `since` (the last completed load's run) in bounded transactions (or, with
 * `inTransactions` false, in the caller's).
 */
export function rederiveStatements(
  relationship: RelationshipPlan,
  since: number,
  run: number,
  keyOf: KeyColumnsOf,
  inTransactions = true,
): RederiveStatement[] {
  const title = (what: string, narrowed = false) =>
    `// re-derive :${relationship.type} (relationship_mappings row ${relationship.relationshipId}) around ${what} written after run ${since}` +
    (narrowed ? ` that have no c360 :${relationship.type} relationship yet\n` : "\n");
  // A preview (`c360 plan`) runs them inside its one transaction, which cannot hold inner ones.
  const batched = (lines: string[]) =>
    `CALL {\n${lines.map((line) => `  ${line}`).join("\n")}\n}` +
    (inTransactions ? ` IN TRANSACTIONS OF ${relationshipTransactionRows / 10} ROWS` : "");
  const { fromLabel, toLabel } = relationship;
  const end = (self: "from" | "to", label: string) => {
    const narrowed = joinsOnKey(relationship, self, keyOf);
    return {
      visits: label,
      text:
        title(`:${label} nodes`, narrowed) +
        `${written(self, label, since)}\n` +
        (narrowed ? `${withoutRelationshipYet(relationship, self)}\n` : "") +
        batched([`WITH ${self}`, ...rederiveBody(relationship, self === "from", run)]),
    };
  };
  const statements = [end("from", fromLabel), end("to", toLabel)];
  if (relationship.junction !== undefined) {
    const toFrom = relationship.junction.toFrom.map((p) => [p.from, p.junction] as const);
    statements.push({
      visits: relationship.junction.label,
      text:
        title(`the :${fromLabel} ends of :${relationship.junction.label} nodes`) +
        `${written("link", relationship.junction.label, since)}\n` +
        `MATCH (from:${quoteName(fromLabel)} ${lookup("link", toFrom)})\n` +
        `WITH DISTINCT from\n` +
        batched(["WITH from", ...rederiveBody(relationship, true, run)]),
    });
  }
  return statements;
}

const rederiveTitle = /^[ \t]*\/\/ re-derive :(\S+) \(relationship_mappings row \d+\)/m;

/** The relationship type a sync's re-derive statement or a full script's relationship statement writes. */
export function relationshipTypeOf(statement: Pick<Statement, "text" | "codeStart">): string | undefined {
  const title = rederiveTitle.exec(statement.text.slice(0, statement.codeStart));
  if (title !== null) return title[1];
  return parseRelationshipStatement(statement)?.relationship.type;
}

/** A re-derive statement as the loader sends it: its two run numbers as parameters. */
export interface ParameterizedRederive {
  text: string;
  since: number;
  run: number;
}

const visitedSince = new RegExp(`^(WHERE (?:from|to|link)\\.\`${runProperty}\` > )(0|[1-9]\\d{0,14})$`, "m");
const mergeStamp = new RegExp(
  `^( *MERGE \\(from\\)-\\[r:\`(?:[^\`]|\`\`)+\`\\]->\\(to\\) ON CREATE SET r\\.\`${runProperty}\` = )(0|[1-9]\\d{0,14})$`,
  "gm",
);

/**
 * A re-derive statement with `$since` and `$run` in place of its run numbers, so that Neo4j plans
 * it once rather than every night (each night's runs are new numbers); undefined for any other
 * statement. Only the two numbers c360 writes are replaced: the statement's second line of code
 * (`WHERE from.c360_run > 7`) and its one MERGE line. Substituting them back gives the statement
 * letter for letter, so an edited statement means what it says; one that already uses a parameter
 * is sent as written.
 */
export function parameterizedRederive(
  statement: Pick<Statement, "text" | "codeStart">,
): ParameterizedRederive | undefined {
  if (!rederiveTitle.test(statement.text.slice(0, statement.codeStart))) return undefined;
  const code = statement.text.slice(statement.codeStart);
  if (code.includes("$")) return undefined;
  const lines = code.split("\n");
  const visited = visitedSince.exec(lines[1] ?? "");
  const merges = [...code.matchAll(mergeStamp)];
  if (visited === null || merges.length !== 1) return undefined;
  const merge = merges[0] as RegExpMatchArray;
  const sinceText = visited[2] as string;
  const runText = merge[2] as string;
  const sinceAt = (lines[0] as string).length + 1 + (visited[1] as string).length;
  const runAt = (merge.index as number) + (merge[1] as string).length;
  const text =
    code.slice(0, sinceAt) +
    "$since" +
    code.slice(sinceAt + sinceText.length, runAt) +
    "$run" +
    code.slice(runAt + runText.length);
  return { text, since: Number(sinceText), run: Number(runText) };
}
