/**
 * c360's relationship statements: which side each one scans, how it is written, and how the
 * loader reads it back.
 *
 * A relationship statement scans one side (or the junction label), finds the other end(s) by a hash
 * join or an index seek, and MERGEs in bounded transactions. The loader reads one back
 * (parseRelationshipStatement) only if writing it again from what was read gives its code to the
 * letter, so an edited statement is never mistaken for what it resembles; that is what lets the
 * bulk import compute its joins, and a first load CREATE instead of MERGE (firstLoadForm).
 */
import type { ExportPlan, RelationshipPlan, TablePlan } from "../metadata/plan.js";
import { codeOf, type Statement } from "./lexer.js";
import { quoteName } from "./literals.js";
import { runProperty } from "./provenance.js";

/** Rows per transaction for relationship statements: bounded, whatever the match count. */
export const relationshipTransactionRows = 10_000;

/**
 * Lookup sides up to this many nodes are matched by a hash join: one scan of the label builds a
 * table in Neo4j's heap (in the order of 100 MB per million nodes), and each scanned row then
 * costs a hash probe instead of an index seek, which is several times cheaper. Larger sides are
 * looked up through their index, one seek per row, in bounded memory.
 */
export const hashJoinMaxRows = 1_000_000;

/** How a relationship statement finds its nodes. */
export interface RelationshipShape {
  /**
   * The from side is the one scanned. The larger side is scanned, so that each lookup on the other
   * side finds at most a few nodes.
   */
  scanFrom: boolean;
  /** Which looked-up ends (`from`, `to`) are matched by a hash join rather than an index seek. */
  hashJoined: ReadonlySet<"from" | "to">;
}

export type RelationshipShapes = ReadonlyMap<RelationshipPlan, RelationshipShape>;

export function relationshipShapes(
  plan: ExportPlan,
  rowCounts: ReadonlyMap<TablePlan, number>,
): RelationshipShapes {
  const rows = (label: string) =>
    plan.tables.filter((t) => t.label === label).reduce((sum, t) => sum + (rowCounts.get(t) ?? 0), 0);
  return new Map(
    plan.relationships.map((r) => {
      const scanFrom = r.junction !== undefined || rows(r.fromLabel) >= rows(r.toLabel);
      // A junction statement hash-joins one end only, the smaller (each saves the same seeks, and
      // the smaller is cheaper to scan), and seeks the other: with both ends hash-joined, Neo4j's
      // planner may pick a cartesian product of the two ends instead, links x nodes comparisons.
      const smallerEnd: ["from" | "to", string] =
        rows(r.fromLabel) <= rows(r.toLabel) ? ["from", r.fromLabel] : ["to", r.toLabel];
      const lookedUp: ["from" | "to", string] =
        r.junction !== undefined ? smallerEnd : scanFrom ? ["to", r.toLabel] : ["from", r.fromLabel];
      const hashJoined = new Set(rows(lookedUp[1]) <= hashJoinMaxRows ? [lookedUp[0]] : []);
      return [r, { scanFrom, hashJoined }];
    }),
  );
}

/**
 * The (label, property) pairs relationship statements look nodes up by: never the scanned side,
 * because every index is also written for every node loaded, and the scanned side is the big one.
 * They are indexed whether the statement joins by hash or by index: lookups by these properties
 * are what the graph's queries do too.
 */
export function lookupProperties(plan: ExportPlan, shapes: RelationshipShapes): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const r of plan.relationships) {
    const scanFrom = shapes.get(r)?.scanFrom ?? true;
    for (const pair of r.direct ?? []) pairs.push(scanFrom ? [r.toLabel, pair.to] : [r.fromLabel, pair.from]);
    // A junction statement scans the junction label and looks up both ends.
    if (r.junction !== undefined) {
      for (const pair of r.junction.toFrom) pairs.push([r.fromLabel, pair.from]);
      for (const pair of r.junction.toTo) pairs.push([r.toLabel, pair.to]);
    }
  }
  return pairs;
}

/** Pairs of (property on the looked-up node, property on the node it is looked up from). */
type LookupPairs = ReadonlyArray<readonly [string, string]>;

interface Lookup {
  variable: "from" | "to";
  label: string;
  pairs: LookupPairs;
  hashJoined: boolean;
}

/** One index seek per row: `MATCH (to:L {k: from.k})`. */
function indexLookup({ variable, label, pairs }: Lookup, source: string): string {
  const properties = pairs
    .map(([own, other]) => `${quoteName(own)}: ${source}.${quoteName(other)}`)
    .join(", ");
  return `MATCH (${variable}:${quoteName(label)} {${properties}})`;
}

/**
 * A hash join: the hint makes the planner scan the label once and join on the equality, where it
 * would otherwise seek the index for every row.
 */
function hashLookup({ variable, label, pairs }: Lookup, source: string): string {
  const equal = pairs.map(([own, other]) => `${variable}.${quoteName(own)} = ${source}.${quoteName(other)}`);
  return `MATCH (${variable}:${quoteName(label)}) USING SCAN ${variable}:${quoteName(label)}
WHERE ${equal.join(" AND ")}`;
}

function notNull(variable: string, properties: readonly string[]): string {
  return properties.map((p) => `${variable}.${quoteName(p)} IS NOT NULL`).join(" AND ");
}

/**
 * A relationship statement: scan one side (or the junction label), find the other end(s) by a
 * hash join or through an index, and MERGE in bounded transactions. The scan and the hash joins
 * read in the outer query; index seeks and the MERGE run in the inner transactions.
 */
export function relationshipStatement(
  relationship: RelationshipPlan,
  shape: RelationshipShape,
  run: number,
): string {
  return (
    `// ${relationship.type} (relationship_mappings row ${relationship.relationshipId})\n` +
    relationshipCode({ relationship, shape, run }, "MERGE")
  );
}

/**
 * The write at the heart of a relationship statement. A relationship carries the run that created
 * it (src/script/provenance.ts): MERGE stamps only the ones it creates, so a replay writes nothing.
 */
export function relationshipWrite(type: string, run: number, verb: "MERGE" | "CREATE"): string {
  const stamp = `${quoteName(runProperty)}`;
  return verb === "MERGE"
    ? `MERGE (from)-[r:${quoteName(type)}]->(to) ON CREATE SET r.${stamp} = ${run}`
    : `CREATE (from)-[:${quoteName(type)} {${stamp}: ${run}}]->(to)`;
}

/** A relationship statement's code; `CREATE` is its first-load form (see firstLoadForm). */
function relationshipCode(
  { relationship, shape, run }: RelationshipStatementParts,
  verb: "MERGE" | "CREATE",
): string {
  let scan: { variable: string; label: string; properties: string[] };
  let lookups: Lookup[];
  const lookupOf = (variable: "from" | "to", label: string, pairs: LookupPairs): Lookup => ({
    variable,
    label,
    pairs,
    hashJoined: shape.hashJoined.has(variable),
  });
  if (relationship.junction !== undefined) {
    const { label, toFrom, toTo } = relationship.junction;
    scan = {
      variable: "link",
      label,
      properties: [...toFrom.map((p) => p.junction), ...toTo.map((p) => p.junction)],
    };
    lookups = [
      lookupOf(
        "from",
        relationship.fromLabel,
        toFrom.map((p) => [p.from, p.junction] as const),
      ),
      lookupOf(
        "to",
        relationship.toLabel,
        toTo.map((p) => [p.to, p.junction] as const),
      ),
    ];
  } else {
    const pairs = relationship.direct ?? [];
    const scanFrom = shape.scanFrom;
    scan = {
      variable: scanFrom ? "from" : "to",
      label: scanFrom ? relationship.fromLabel : relationship.toLabel,
      properties: pairs.map((p) => (scanFrom ? p.from : p.to)),
    };
    lookups = [
      scanFrom
        ? lookupOf(
            "to",
            relationship.toLabel,
            pairs.map((p) => [p.to, p.from] as const),
          )
        : lookupOf(
            "from",
            relationship.fromLabel,
            pairs.map((p) => [p.from, p.to] as const),
          ),
    ];
  }
  const outer = [
    // Both sides hinted: hinting only the looked-up one lets the planner start there and seek the
    // scanned side's index instead (which it prefers on small graphs, with a uniqueness constraint).
    `MATCH (${scan.variable}:${quoteName(scan.label)}) USING SCAN ${scan.variable}:${quoteName(scan.label)}\n` +
      `WHERE ${notNull(scan.variable, scan.properties)}`,
    ...lookups.filter((l) => l.hashJoined).map((l) => hashLookup(l, scan.variable)),
  ];
  const seeks = lookups.filter((l) => !l.hashJoined);
  // The inner query needs the ends already found, and the scanned node if it still seeks from it.
  const found = new Set([scan.variable, ...lookups.filter((l) => l.hashJoined).map((l) => l.variable)]);
  const imported = ["link", "from", "to"].filter((v) => found.has(v) && (v !== "link" || seeks.length > 0));
  const inner = [
    ...seeks.map((l) => indexLookup(l, scan.variable)),
    relationshipWrite(relationship.type, run, verb),
  ];
  return (
    outer.join("\n") +
    `\nCALL {\n  WITH ${imported.join(", ")}\n` +
    inner.map((line) => `  ${line}\n`).join("") +
    `} IN TRANSACTIONS OF ${relationshipTransactionRows} ROWS`
  );
}

/**
 * A first load of a relationship type can CREATE where the script says MERGE.
 *
 * MERGE on a relationship locks both ends and checks the pair for an existing relationship before
 * creating one; at a million play events that check was about 15% of the relationship phase. The
 * check can only find something if the type already exists. c360's direct relationship statements
 * produce each (from, to) pair at most once, since every scanned node is one row and a MATCH never
 * returns a node twice. So while the graph holds no relationship of the type, CREATE gives exactly
 * the graph MERGE would.
 *
 * Only that exact generated shape is recognised. Junction statements are not (two junction rows may
 * name the same pair), nor is any edited statement: those run as written.
 */
export interface FirstLoadForm {
  /** The relationship type, quoted as in the script. */
  type: string;
  /** The statement's code with its MERGE replaced by CREATE. */
  createText: string;
}

/** The CREATE form of one of c360's direct relationship statements; undefined for anything else. */
export function firstLoadForm(statement: Pick<Statement, "text" | "codeStart">): FirstLoadForm | undefined {
  const parts = parseRelationshipStatement(statement);
  if (parts === undefined || parts.relationship.direct === undefined) return undefined;
  return {
    type: quoteName(parts.relationship.type),
    createText: relationshipCode(parts, "CREATE"),
  };
}

/** How a generated relationship statement finds its ends: the plan and shape it was written from. */
export interface RelationshipStatementParts {
  relationship: Pick<RelationshipPlan, "type" | "fromLabel" | "toLabel" | "direct" | "junction">;
  shape: RelationshipShape;
  /** The run its relationships are stamped with. */
  run: number;
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
 * relationshipCode: only a statement exactly as c360 generates it is recognised, so an
 * edited one is never mistaken for what it resembles.
 */
export function parseRelationshipStatement(
  statement: Pick<Statement, "text" | "codeStart">,
): RelationshipStatementParts | undefined {
  const code = codeOf(statement);
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
  const merge = new RegExp(
    `^  MERGE \\(from\\)-\\[r:${name}\\]->\\(to\\) ON CREATE SET r\\.\`${runProperty}\` = (0|[1-9]\\d{0,14})$`,
  ).exec(lines[at] ?? "");
  if (merge === null) return undefined;
  const type = unquote(merge[1] as string);
  const run = Number(merge[2]);
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
      run,
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
      run,
    };
  }
  // Written again from the parts, the statement must be exactly what was read.
  return relationshipCode(parts, "MERGE") === code ? parts : undefined;
}
