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
