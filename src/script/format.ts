/**
 * The script format: a c360 script's header, its format version and its section markers, and
 * the one way to read a script's statements (readStatements), which refuses a format this c360
 * does not know. docs/script-format.md describes the whole format; the statement shapes are in
 * node-batches.ts, relationships.ts and schema.ts beside this file, the literal grammar in
 * literals.ts, and Cypher's lexical rules in lexer.ts. Nothing outside src/script/ knows them.
 */
import { createReadStream } from "node:fs";
import type { ExportPlan, TablePlan } from "../metadata/plan.js";
import { ScriptFileError } from "../errors.js";
import { leadingCommentsOf, splitStatements, type SplitterOptions, type Statement } from "./lexer.js";
import { commentText } from "./literals.js";

/**
 * The version of the format this c360 writes, and the newest it reads. Bump it when a script
 * written now would be read wrongly by an older c360: a new statement kind, a new section, a
 * changed shape or literal. Adding header comment lines that nobody reads needs no bump.
 */
export const scriptFormatVersion = 3;

/**
 * The oldest format this c360 reads. Format 2 differs from 3 only in its node statements' end
 * (`SET n = row`), which the reader still takes: such a script does what its text says.
 */
export const oldestReadFormat = 2;

// NEVER CHANGE THESE! Scripts on disk carry them, and every later c360 reads them.
/** A c360 script's first line: `// c360 <tool version>: Customer 360 graph script`. */
const titleLine = /^\/\/ c360 (\S+): Customer 360 graph script$/;
/** The format line, in the header: `// c360 script format: 1`. */
const formatLinePrefix = "// c360 script format: ";
/** The kind line, in the header of format 2 on: `// c360 script kind: full` or `sync`. */
const kindLinePrefix = "// c360 script kind: ";
/** In a sync script's header: the graph state it was computed against, as JSON (src/sync/graph.ts). */
const graphStateLinePrefix = "// c360 graph state: ";
/** A section starts at a comment line `// ---- <section> ...`, before the section's first statement. */
const sectionMarkerLine = /^[ \t]*\/\/ ---- (schema|nodes|relationships)\b/;

/** The parts of a script c360 writes; a hand-written script is one "statements" section. */
export type Section = "schema" | "nodes" | "relationships" | "statements";

export interface ScriptHeader {
  toolVersion: string;
  runId: number;
  generatedAt: Date;
  rowCounts: ReadonlyMap<TablePlan, number>;
  /** For a sync script: what it changes, and against which graph. */
  sync?: SyncHeader;
}

/** What one label's nodes go through in a sync. */
export interface LabelChanges {
  created: number;
  updated: number;
  deleted: number;
  /** c360's nodes of the label in the graph the sync was computed against. */
  graphNodes: number;
}

export interface SyncHeader {
  /** The graph state, as src/sync/graph.ts writes it (one line of JSON). */
  graphState: string;
  /** The run of the last completed load: relationships are re-derived around nodes written since. */
  since: number;
  changes: ReadonlyMap<TablePlan, LabelChanges>;
}

/** The header comment of a generated script: what it holds, for its reviewer. */
export function headerComment(plan: ExportPlan, header: ScriptHeader): string {
  const sync = header.sync;
  const lines = [
    `// c360 ${header.toolVersion}: Customer 360 graph script`,
    `${formatLinePrefix}${scriptFormatVersion}`,
    `${kindLinePrefix}${sync === undefined ? "full" : "sync"}`,
    ...(sync === undefined ? [] : [`${graphStateLinePrefix}${sync.graphState}`]),
    `// run id: ${header.runId}`,
    `// generated at: ${header.generatedAt.toISOString()}`,
    sync === undefined
      ? "// order: schema (constraints, indexes), nodes (MERGE on their keys), relationships (MERGE), so a replay changes nothing."
      : "// a sync: per label, nodes created or updated (MERGE on their keys), then deleted; then relationships re-derived around the nodes written.",
    "//",
  ];
  for (const table of plan.tables) {
    const excluded =
      table.excluded.length === 0
        ? "none"
        : table.excluded
            .map((e) => `${commentText(e.column)} (${commentText(e.reason ?? "no reason given")})`)
            .join(", ");
    lines.push(
      `// table ${commentText(table.source.sourceName)}.${commentText(table.schema)}.${commentText(table.table)} -> :${table.label}` +
        ` rows: ${header.rowCounts.get(table) ?? 0}; key: ${table.keyColumns.map(commentText).join(", ")};` +
        ` excluded: ${excluded}`,
    );
    const retired = table.retired ?? [];
    if (retired.length > 0)
      lines.push(
        `//   no longer written, so removed from the nodes this script writes: ` +
          retired.map((r) => `${commentText(r.property)} (${r.reason})`).join(", "),
      );
    const changes = sync?.changes.get(table);
    if (changes !== undefined)
      lines.push(
        `//   sync :${table.label}: ${changes.created} created, ${changes.updated} updated, ${changes.deleted} deleted` +
          ` (of ${changes.graphNodes} c360 nodes in the graph)`,
      );
  }
  for (const relationship of plan.relationships) {
    lines.push(
      `// relationship ${relationship.type}: (:${relationship.fromLabel})-[:${relationship.type}]->(:${relationship.toLabel})` +
        (relationship.junction !== undefined ? ` through :${relationship.junction.label}` : "") +
        ` (relationship_mappings row ${relationship.relationshipId}, order ${relationship.executionOrder})`,
    );
    if (sync !== undefined)
      lines.push(
        `//   sync :${relationship.type}: re-derived around the nodes written after run ${sync.since}`,
      );
  }
  return lines.join("\n") + "\n\n";
}

/** The marker line that opens a section, with a newline before and after it. */
export function sectionMarker(section: Exclude<Section, "statements">, table?: TablePlan): string {
  const what =
    table === undefined
      ? ""
      : ` :${table.label} from ${commentText(table.source.sourceName)}.${commentText(table.schema)}.${commentText(table.table)}`;
  return `\n// ---- ${section}${what} ----\n`;
}

/** The bytes that start the relationship section's marker line, to find it without parsing. */
export const relationshipSectionBytes = Buffer.from("\n// ---- relationships");

/** The comment lines before a statement's code, split where Cypher ends a line comment. */
function commentLines(statement: Pick<Statement, "text" | "codeStart">): string[] {
  return leadingCommentsOf(statement).split(/\r\n|\r|\n/);
}

/**
 * The section a statement opens, from the marker comments before its code; undefined when it
 * opens none (it continues the current one).
 */
export function sectionOf(statement: Pick<Statement, "text" | "codeStart">): Section | undefined {
  if (statement.codeStart === 0) return undefined;
  let section: Section | undefined;
  for (const line of commentLines(statement)) {
    const match = sectionMarkerLine.exec(line);
    if (match !== null) section = match[1] as Section;
  }
  return section;
}

/** What a script's header says about it. */
export interface ScriptKind {
  /** Written by c360 (its title line leads the file), or by hand. */
  writtenBy: "c360" | "hand";
  /** The script format: 1 for c360 scripts written before the format line existed. */
  format: number;
  /** A full script, or a sync computed against a graph state; a hand-written script is "full". */
  kind: "full" | "sync";
  /** A sync script's graph state line, as written (src/sync/graph.ts reads it). */
  graphState?: string;
}

/**
 * Reads the header in the first statement's leading comments. A script of another format than
 * this c360 reads is refused: reading it by today's rules could run something else than it says.
 */
export function scriptKind(first: Pick<Statement, "text" | "codeStart">, name: string): ScriptKind {
  const lines = commentLines(first);
  if (!titleLine.test(lines[0] ?? ""))
    return { writtenBy: "hand", format: scriptFormatVersion, kind: "full" };
  const formatLine = lines.find((line) => line.startsWith(formatLinePrefix));
  const text = formatLine === undefined ? "1" : formatLine.slice(formatLinePrefix.length);
  const format = /^[1-9]\d{0,5}$/.test(text) ? Number(text) : NaN;
  if (format >= oldestReadFormat && format <= scriptFormatVersion) return kindOf(lines, name, format);
  const said = JSON.stringify(text);
  throw new ScriptFileError(
    Number.isNaN(format)
      ? `${name}: its header names script format ${said}, which is not a format c360 writes`
      : format > scriptFormatVersion
        ? `${name} is in script format ${format}, newer than this c360 reads (format ${scriptFormatVersion})`
        : `${name} is in script format ${format}, which this c360 no longer reads (it reads formats ${oldestReadFormat} to ${scriptFormatVersion})`,
    {
      hint: Number.isNaN(format)
        ? `Restore the header line "${formatLinePrefix}${scriptFormatVersion}", or regenerate the script with \`c360 generate\`.`
        : format > scriptFormatVersion
          ? "Load it with the c360 that wrote it (see its first line), upgrade c360, or regenerate the script with this c360."
          : "Regenerate the script with this c360: `c360 generate` (its scripts stamp what c360 wrote, which a sync needs).",
    },
  );
}

/** The kind line of a header (format 2 on), and a sync script's graph state. */
function kindOf(lines: readonly string[], name: string, format: number): ScriptKind {
  const kindLine = lines.find((line) => line.startsWith(kindLinePrefix));
  const kind = kindLine?.slice(kindLinePrefix.length);
  const stateLine = lines.find((line) => line.startsWith(graphStateLinePrefix));
  if (kind === "full") return { writtenBy: "c360", format, kind };
  if (kind === "sync" && stateLine !== undefined)
    return {
      writtenBy: "c360",
      format,
      kind,
      graphState: stateLine.slice(graphStateLinePrefix.length),
    };
  throw new ScriptFileError(
    `${name}: its header ${kind === undefined ? "has no kind line" : kind === "sync" ? "has no graph state line" : `names script kind ${JSON.stringify(kind)}`}`,
    {
      hint: `Restore the header lines c360 wrote ("${kindLinePrefix}full" or "sync", and a sync's "${graphStateLinePrefix}..."), or regenerate the script.`,
    },
  );
}

export interface ReadOptions extends SplitterOptions {
  /** The script's name in messages. */
  name?: string;
  /** Told what the header says, before the first statement is yielded. */
  onKind?: (kind: ScriptKind) => void;
}

/**
 * A script's statements, by Cypher's lexical rules (src/script/lexer.ts), after its header is
 * checked: every reader of a script (scan, load, bulk import) reads it through here.
 */
export async function* readStatements(
  chunks: AsyncIterable<string | Buffer>,
  options: ReadOptions = {},
): AsyncGenerator<Statement> {
  let first = true;
  for await (const statement of splitStatements(chunks, options)) {
    if (first) {
      first = false;
      const kind = scriptKind(statement, options.name ?? "the script");
      options.onKind?.(kind);
    }
    yield statement;
  }
}

/** What a script file's header says, read from its first statement only. */
export async function readScriptKind(file: string, options: SplitterOptions = {}): Promise<ScriptKind> {
  let found: ScriptKind | undefined;
  const stream = createReadStream(file);
  try {
    for await (const statement of readStatements(stream as AsyncIterable<Buffer>, {
      ...options,
      name: file,
      onKind: (kind) => (found = kind),
    })) {
      void statement;
      break;
    }
  } finally {
    stream.destroy();
  }
  return found ?? { writtenBy: "hand", format: scriptFormatVersion, kind: "full" };
}
