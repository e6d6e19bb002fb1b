import type { RelationshipPlan } from "../metadata/plan.js";
import { relationshipStatement, type RelationshipShape } from "../cypher/statements.js";

/**
 * A first load of a relationship type can CREATE where the script says MERGE.
 *
 * MERGE on a relationship locks both ends and checks the pair for an existing relationship before
 * creating one; at a million play events that check was about 15% of the relationship phase. The
 * check can only find something if the type already exists. c360's direct relationship statements
 * (src/cypher/statements.ts) produce each (from, to) pair at most once, since every scanned node is
 * one row and a MATCH never returns a node twice. So while the graph holds no relationship of the
 * type, CREATE gives exactly the graph MERGE would.
 *
 * Only that exact generated shape is recognised. Junction statements are not (two junction rows may
 * name the same pair), nor is any edited statement: those run as written.
 */
const quotedName = "`(?:[^`]|``)+`";
const property = (variable: string) => `${variable}\\.${quotedName}`;
const allOf = (clause: string) => `${clause}(?: AND ${clause})*`;

const directRelationshipStatement = new RegExp(
  "^(?:[ \\t]*(?://[^\\n]*)?\\n)*" +
    // The scanned side: (from) or (to).
    `MATCH \\((from|to):(${quotedName})\\) USING SCAN \\1:\\2\\n` +
    `WHERE ${allOf(`${property("\\1")} IS NOT NULL`)}\\n` +
    "(?:" +
    // The other end, by hash join in the outer query...
    `MATCH \\((from|to):(${quotedName})\\) USING SCAN \\3:\\4\\n` +
    `WHERE ${allOf(`${property("\\3")} = ${property("\\1")}`)}\\n` +
    "CALL \\{\\n  WITH from, to\\n" +
    "|" +
    // ... or by an index seek inside.
    "CALL \\{\\n  WITH \\1\\n" +
    `  MATCH \\((from|to):${quotedName} \\{${quotedName}: ${property("\\1")}(?:, ${quotedName}: ${property("\\1")})*\\}\\)\\n` +
    ")" +
    `  MERGE \\(from\\)-\\[:(${quotedName})\\]->\\(to\\)\\n` +
    "\\} IN TRANSACTIONS OF \\d+ ROWS$",
);

export interface FirstLoadForm {
  /** The relationship type, quoted as in the script. */
  type: string;
  /** The statement with its MERGE replaced by CREATE. */
  createText: string;
}

/** The CREATE form of one of c360's direct relationship statements; undefined for anything else. */
export function firstLoadForm(text: string): FirstLoadForm | undefined {
  const match = directRelationshipStatement.exec(text);
  if (match === null) return undefined;
  const scanned = match[1];
  const other = match[3] ?? match[5];
  const type = match[6];
  if (other === scanned || type === undefined) return undefined;
  const merge = text.lastIndexOf("\n  MERGE (from)-[:") + 1;
  return { type, createText: `${text.slice(0, merge)}  CREATE${text.slice(merge + "  MERGE".length)}` };
}

/** Reads the count store: constant time, whatever the graph's size. */
export function relationshipCountQuery(type: string): string {
  return `MATCH ()-[r:${type}]->() RETURN count(r) AS n`;
}

/** How a generated relationship statement finds its ends: the plan and shape it was written from. */
export interface RelationshipStatementParts {
  relationship: Pick<RelationshipPlan, "type" | "fromLabel" | "toLabel" | "direct" | "junction">;
  shape: RelationshipShape;
}

const name = "`((?:[^`]|``)+)`";
const unquote = (quoted: string) => quoted.replaceAll("``", "`");

/** Items of one kind separated by `separator`, the whole text consumed; undefined otherwise. */
function listOf(text: string, item: string, separator: string): string[][] | undefined {
  const pattern = new RegExp(`(?:${item})(?:${separator}|$)`, "y");
  const items: string[][] = [];
  pattern.lastIndex = 0;
  while (pattern.lastIndex < text.length) {
    const match = pattern.exec(text);
    if (match === null) return undefined;
    items.push(match.slice(1));
  }
  return items.length > 0 ? items : undefined;
}

/**
 * The plan behind one of c360's relationship statements (direct or through a junction label), or
 * undefined for anything else. The parts are checked by writing the statement again from them with
 * src/cypher/statements.ts: only a statement exactly as c360 generates it is recognised, so an
 * edited one is never mistaken for what it resembles.
 */
export function parseRelationshipStatement(text: string): RelationshipStatementParts | undefined {
  const code = text.replace(/^(?:[ \t]*(?:\/\/[^\n]*)?\n)*/, "");
  const lines = code.split("\n");
  const scan = new RegExp(`^MATCH \\((from|to|link):${name}\\) USING SCAN \\1:\`\\2\`$`).exec(lines[0] ?? "");
  if (scan === null) return undefined;
  const scanVariable = scan[1] as "from" | "to" | "link";
  const scanLabel = unquote(scan[2] as string);
  const notNull = listOf(
    (lines[1] ?? "").replace(/^WHERE /, ""),
    `${scanVariable}\\.${name} IS NOT NULL`,
    " AND ",
  );
  if (notNull === undefined || !(lines[1] ?? "").startsWith("WHERE ")) return undefined;
  // Each looked-up end: pairs of (its own property, the scanned node's property).
  const ends = new Map<
    "from" | "to",
    { label: string; pairs: Array<[string, string]>; hashJoined: boolean }
  >();
  let at = 2;
  for (;;) {
    const hash = new RegExp(`^MATCH \\((from|to):${name}\\) USING SCAN \\1:\`\\2\`$`).exec(lines[at] ?? "");
    if (hash === null) break;
    const variable = hash[1] as "from" | "to";
    const where = lines[at + 1] ?? "";
    const pairs = where.startsWith("WHERE ")
      ? listOf(where.slice(6), `${variable}\\.${name} = ${scanVariable}\\.${name}`, " AND ")
      : undefined;
    if (pairs === undefined || ends.has(variable)) return undefined;
    ends.set(variable, {
      label: unquote(hash[2] as string),
      pairs: pairs.map(([own, other]) => [unquote(own as string), unquote(other as string)]),
      hashJoined: true,
    });
    at += 2;
  }
  if (lines[at] !== "CALL {") return undefined;
  at += 2; // the WITH line is written from the parts, and compared below
  for (;;) {
    const seek = new RegExp(`^  MATCH \\((from|to):${name} \\{(.*)\\}\\)$`).exec(lines[at] ?? "");
    if (seek === null) break;
    const variable = seek[1] as "from" | "to";
    const pairs = listOf(seek[3] as string, `${name}: ${scanVariable}\\.${name}`, ", ");
    if (pairs === undefined || ends.has(variable)) return undefined;
    ends.set(variable, {
      label: unquote(seek[2] as string),
      pairs: pairs.map(([own, other]) => [unquote(own as string), unquote(other as string)]),
      hashJoined: false,
    });
    at++;
  }
  const merge = new RegExp(`^  MERGE \\(from\\)-\\[:${name}\\]->\\(to\\)$`).exec(lines[at] ?? "");
  if (merge === null) return undefined;
  const type = unquote(merge[1] as string);
  const hashJoined = new Set([...ends].filter(([, end]) => end.hashJoined).map(([variable]) => variable));
  let parts: RelationshipStatementParts;
  if (scanVariable === "link") {
    const from = ends.get("from");
    const to = ends.get("to");
    if (from === undefined || to === undefined) return undefined;
    parts = {
      relationship: {
        type,
        fromLabel: from.label,
        toLabel: to.label,
        junction: {
          label: scanLabel,
          toFrom: from.pairs.map(([own, junction]) => ({ from: own, junction })),
          toTo: to.pairs.map(([own, junction]) => ({ to: own, junction })),
        },
      },
      shape: { scanFrom: true, hashJoined },
    };
  } else {
    const otherVariable = scanVariable === "from" ? "to" : "from";
    const other = ends.get(otherVariable);
    if (other === undefined || ends.size !== 1) return undefined;
    const scanFrom = scanVariable === "from";
    parts = {
      relationship: {
        type,
        fromLabel: scanFrom ? scanLabel : other.label,
        toLabel: scanFrom ? other.label : scanLabel,
        direct: other.pairs.map(([own, scanned]) =>
          scanFrom ? { from: scanned, to: own } : { from: own, to: scanned },
        ),
      },
      shape: { scanFrom, hashJoined },
    };
  }
  // Written again from the parts, the statement must be exactly what was read.
  const rewritten = relationshipStatement(
    {
      ...parts.relationship,
      relationshipId: 0,
      executionOrder: 0,
      description: null,
      sourceName: "",
    },
    parts.shape,
  );
  return rewritten.slice(rewritten.indexOf("\n") + 1) === code ? parts : undefined;
}
