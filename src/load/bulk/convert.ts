/**
 * A generated script as `neo4j-admin database import` input: one CSV file per label (and per set of
 * columns), one per imported relationship type, plus the statements that must still run online.
 *
 * The script stays the reviewed artifact: every node row comes from decoding its node statements
 * (src/script/node-batches.ts), and relationships are computed from its relationship statements,
 * recognised only in the exact form c360 writes (src/script/relationships.ts). The rules that keep the imported
 * graph the one an online load builds:
 * - Schema statements run online after the import (constraints then index the imported nodes, and
 *   a uniqueness constraint fails on a key that MERGE would have merged).
 * - A direct relationship statement is imported when its join can be computed here: both sides'
 *   key values are strings, numbers or booleans, and the looked-up side has at most
 *   `bulkJoinMaxRows` nodes (its keys are held in memory). It produces each (from, to) pair once,
 *   as the statement does.
 * - Junction statements, statements whose type another statement also creates, and everything
 *   from the first statement c360 does not recognise on, run online, in script order. Generated
 *   relationship statements read only nodes, so they commute with each other; an edited one
 *   might not, so nothing after it is moved before it.
 */
import { once } from "node:events";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { privateFileMode } from "../../script/writer.js";
import { open } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { RefusedError, ScriptFileError } from "../../errors.js";
import { collectGarbage, collectorOnGrowth } from "../../memory.js";
import { readStatements, relationshipSectionBytes, sectionOf, type Section } from "../../script/format.js";
import { codeOf, splitStatements, type Statement } from "../../script/lexer.js";
import {
  parseNodeBatch,
  type ColumnKind,
  type ParamValue,
  type RowTable,
} from "../../script/node-batches.js";
import { runProperty } from "../../script/provenance.js";
import { parseRelationshipStatement, type RelationshipStatementParts } from "../../script/relationships.js";
import { isSchemaStatement } from "../../script/schema.js";
import { compositeKey, csvValue, headerNameProblem, keyPart, type CsvType } from "./csv.js";

/** Garbage allowed to pile up before a full collection (src/memory.ts): RSS stays flat. */
const garbageAllowanceBytes = 32 * 1024 * 1024;

/** Looked-up sides up to this many nodes are joined in c360's memory; larger ones by Neo4j. */
export const bulkJoinMaxRows = 500_000;

export interface ImportFiles {
  /** `--nodes=` and `--relationships=` arguments for the importer. */
  nodeGroups: Array<{ label: string; files: string[] }>;
  relationshipGroups: Array<{ type: string; files: string[] }>;
  /** Some string holds a line break: the importer must be told. */
  multilineFields: boolean;
}

export interface ConvertedScript extends ImportFiles {
  /** Schema statements, run online once the import is done. */
  schema: Statement[];
  /** Relationship statements (and anything after an unrecognised one) run online after the schema. */
  online: Statement[];
  /** Why each of them runs online, for the log. */
  onlineReasons: string[];
  nodesPerLabel: Map<string, number>;
  relationshipsPerType: Map<string, number>;
  propertiesSet: number;
  statements: number;
}

/**
 * One node file of a label, with its own header: the label's columns when it was opened, each of
 * one type. A row goes to the file whose types it fits, so a column whose values differ in type
 * from row to row (Neo4j keeps a type per node, not per label) gets a file per type.
 */
interface Segment {
  columns: number;
  types: Array<CsvType | undefined>;
  file: string;
  out: WriteStream;
  /** Lines of the current statement, written when it is done. */
  pending: string;
}

interface LabelFiles {
  label: string;
  columns: Map<string, number>;
  names: string[];
  segments: Segment[];
  rows: number;
}

/** Whether a row with these types (undefined: NULL) fits the segment. */
function fits(segment: Segment, types: ReadonlyArray<CsvType | undefined>, columns: number): boolean {
  if (segment.columns !== columns) return false;
  for (let i = 0; i < types.length; i++) {
    const type = types[i];
    const known = segment.types[i];
    if (type !== undefined && known !== undefined && known !== type) return false;
  }
  return true;
}

interface KeyIndex {
  label: string;
  properties: string[];
  keys: Map<string, number | number[]>;
  rows: number;
  /** Why the joins through it run online; undefined while they can be imported. */
  online?: string;
}

/** Why a join runs online, or undefined while it can be imported. */
function onlineReason(join: DirectJoin): string | undefined {
  return join.online ?? join.lookup.online;
}

interface DirectJoin {
  statement: Statement;
  parts: RelationshipStatementParts;
  type: string;
  scanLabel: string;
  scanProperties: string[];
  lookupLabel: string;
  lookupProperties: string[];
  scanIsFrom: boolean;
  /** Why it runs online after all; undefined while it can still be imported. */
  online?: string;
  /** The looked-up side's keys, shared by the joins that look up the same label and properties. */
  lookup: KeyIndex;
  scanFile: string;
  scanOut?: WriteStream;
}

function refuse(statement: Statement, why: string): never {
  throw new RefusedError(
    `statement ${statement.index} (line ${statement.line}) cannot be bulk-imported: ${why}`,
    {
      hint: "Load this script online (without --bulk); a bulk load takes scripts as `c360 generate` writes them.",
    },
  );
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, "drain");
}

async function close(out: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    out.once("error", reject);
    out.end(() => resolve());
  });
}

/**
 * The relationship section's statements, read before the node rows so that the rows' join keys can
 * be kept as they pass. The section starts at c360's relationships marker line; the main pass checks
 * that it finds the same statements there.
 */
async function relationshipStatements(file: string): Promise<Statement[]> {
  const handle = await open(file, "r");
  const marker = relationshipSectionBytes;
  let offset = -1;
  try {
    const size = (await handle.stat()).size;
    const chunk = Buffer.alloc(4 * 1024 * 1024);
    let position = 0;
    let carry = Buffer.alloc(0);
    while (position < size && offset < 0) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      const window = Buffer.concat([carry, chunk.subarray(0, bytesRead)]);
      const found = window.indexOf(marker);
      if (found >= 0) offset = position - carry.length + found + 1;
      carry = window.subarray(Math.max(0, window.length - marker.length));
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
  if (offset < 0) return [];
  const found: Statement[] = [];
  for await (const statement of splitStatements(
    createReadStream(file, { start: offset }) as AsyncIterable<Buffer>,
  ))
    found.push(statement);
  return found;
}

/** Plans the joins of the recognised direct statements; the rest is online. */
function planRelationships(statements: Statement[]): {
  joins: DirectJoin[];
  online: Array<{ statement: Statement; why: () => string }>;
} {
  const parsed = statements.map((statement) => ({
    statement,
    parts: parseRelationshipStatement(statement),
  }));
  const typeCounts = new Map<string, number>();
  for (const { parts } of parsed)
    if (parts !== undefined)
      typeCounts.set(parts.relationship.type, (typeCounts.get(parts.relationship.type) ?? 0) + 1);
  const firstUnknown = parsed.findIndex(({ parts }) => parts === undefined);
  const joins: DirectJoin[] = [];
  const online: Array<{ statement: Statement; why: () => string }> = [];
  parsed.forEach(({ statement, parts }, i) => {
    const unknown = parsed[firstUnknown]?.statement;
    const why =
      parts === undefined
        ? "not in the form c360 writes"
        : unknown !== undefined && i > firstUnknown
          ? () => `after statement ${unknown.index}, which is not in the form c360 writes`
          : parts.relationship.direct === undefined
            ? "a junction statement"
            : (typeCounts.get(parts.relationship.type) ?? 0) > 1
              ? `another statement also creates :${parts.relationship.type}`
              : undefined;
    const direct = parts?.relationship.direct;
    if (why !== undefined || parts === undefined || direct === undefined) {
      online.push({ statement, why: typeof why === "function" ? why : () => why ?? "" });
      return;
    }
    const scanIsFrom = parts.shape.scanFrom;
    joins.push({
      statement,
      parts,
      type: parts.relationship.type,
      scanIsFrom,
      scanLabel: scanIsFrom ? parts.relationship.fromLabel : parts.relationship.toLabel,
      scanProperties: direct.map((p) => (scanIsFrom ? p.from : p.to)),
      lookupLabel: scanIsFrom ? parts.relationship.toLabel : parts.relationship.fromLabel,
      lookupProperties: direct.map((p) => (scanIsFrom ? p.to : p.from)),
      lookup: { label: "", properties: [], keys: new Map(), rows: 0 },
      scanFile: "",
    });
  });
  return { joins, online };
}

/** The join key of row `row` of `table` on `properties`: a string, null (joins nothing) or undefined. */
function rowKey(
  table: RowTable,
  row: readonly unknown[],
  columns: readonly number[],
): string | null | undefined {
  if (columns.length === 1) {
    const column = columns[0] as number;
    return column < 0 ? null : keyPart(row[column] as never, table.kindOf(column));
  }
  const parts: string[] = [];
  for (const column of columns) {
    if (column < 0) return null;
    const part = keyPart(row[column] as never, table.kindOf(column));
    if (part === null || part === undefined) return part;
    parts.push(part);
  }
  return compositeKey(parts);
}

export interface ConvertOptions {
  /** Checked between statements: a stop request ends the conversion. */
  shouldStop?: () => boolean;
}

export class ConversionStopped extends Error {}

/**
 * Converts `file` into import files under `dir`. `bytes` is the script's content as it is read (the
 * caller hashes it). Refuses, before any file is used, a script that is not c360's generated shape.
 */
export async function convertScript(
  file: string,
  bytes: AsyncIterable<Buffer>,
  dir: string,
  options: ConvertOptions = {},
): Promise<ConvertedScript> {
  // Whatever ran before (generate, in `c360 run`) leaves garbage: start from what is live.
  collectGarbage();
  const relationshipSection = await relationshipStatements(file);
  const conversion = new Conversion(dir, planRelationships(relationshipSection));
  try {
    let section: Section = "statements";
    let relationshipIndex = 0;
    for await (const statement of readStatements(bytes, { name: file })) {
      conversion.statements = statement.index;
      if (options.shouldStop?.() === true) throw new ConversionStopped();
      section = sectionOf(statement) ?? section;
      if (section === "statements")
        refuse(statement, "it comes before the script's `// ---- schema` section");
      if (section === "schema") conversion.addSchemaStatement(statement);
      else if (section === "nodes") await conversion.addNodeStatement(statement);
      else {
        const expected = relationshipSection[relationshipIndex++];
        if (expected === undefined || expected.text !== statement.text)
          refuse(statement, "the relationship section could not be told apart from the data before it");
        // Read from the section's start, it was numbered from there: now its place in the script is known.
        expected.index = statement.index;
        expected.line = statement.line;
      }
    }
    if (relationshipIndex !== relationshipSection.length)
      throw new ScriptFileError(`${file}: its relationship section did not read the same twice`, {
        hint: "Whatever writes the file must finish before c360 loads it.",
      });
    return await conversion.finish();
  } finally {
    conversion.destroy();
  }
}

/** A row's fields, and how a label's columns map onto them. */
interface RowLayout {
  /** Each table column's place among the label's columns. */
  toLabelColumn: number[];
  kinds: Array<ColumnKind | undefined>;
  fields: string[];
  types: Array<CsvType | undefined>;
}

/** The import files being written, the key indexes being filled, and what they add up to. */
class Conversion {
  statements = 0;
  private readonly labels = new Map<string, LabelFiles>();
  private readonly schema: Statement[] = [];
  private readonly indexes = new Map<string, KeyIndex>();
  private readonly opened: WriteStream[] = [];
  private readonly collectOnGrowth = collectorOnGrowth(garbageAllowanceBytes);
  private nextId = 0;
  private propertiesSet = 0;
  private multilineFields = false;
  private fileCount = 0;

  constructor(
    private readonly dir: string,
    private readonly relationships: ReturnType<typeof planRelationships>,
  ) {
    for (const join of relationships.joins) {
      join.scanFile = this.newFile("keys");
      join.scanOut = this.openStream(join.scanFile);
    }
    // Joins that look up the same label by the same properties share one index of its keys.
    for (const join of relationships.joins) {
      const id = JSON.stringify([join.lookupLabel, join.lookupProperties]);
      const index = this.indexes.get(id) ?? {
        label: join.lookupLabel,
        properties: join.lookupProperties,
        keys: new Map(),
        rows: 0,
      };
      this.indexes.set(id, index);
      join.lookup = index;
    }
  }

  addSchemaStatement(statement: Statement): void {
    if (!isSchemaStatement(codeOf(statement)))
      refuse(statement, "the schema section holds only CREATE CONSTRAINT, CREATE INDEX and db.awaitIndexes");
    this.schema.push(statement);
  }

  /** A node statement's rows: into its label's files, and into the joins' key files and indexes. */
  async addNodeStatement(statement: Statement): Promise<void> {
    const batch = parseNodeBatch(statement);
    if (batch === undefined) refuse(statement, "it is not a node statement in the form c360 writes");
    // A bulk import builds a new graph: there is nothing in it to delete.
    if (batch.kind !== "merge")
      refuse(statement, `it ${batch.kind}s nodes, which a bulk import into a new store cannot do`);
    const { label, keyColumns: keyNames, table } = batch;
    const files = this.labelFiles(label);
    const layout = this.layoutOf(statement, files, table);
    const keyColumns = keyNames.map((key) => table.keys.indexOf(key));
    const scanning = this.relationships.joins
      .filter((j) => j.scanLabel === label && onlineReason(j) === undefined)
      .map((join) => ({ join, columns: join.scanProperties.map((p) => table.keys.indexOf(p)), lines: "" }));
    const lookingUp = [...this.indexes.values()]
      .filter((i) => i.label === label && i.online === undefined)
      .map((index) => ({ index, columns: index.properties.map((p) => table.keys.indexOf(p)) }));
    let segment: Segment | undefined;
    for (const row of table.rows) {
      const id = this.nextId++;
      this.fillFields(statement, label, table, row, id, layout);
      for (const column of keyColumns) {
        const value = column < 0 ? undefined : row[column];
        if (value === null || value === undefined)
          refuse(
            statement,
            `a row of :${label} has no value for its key ${keyNames.join(", ")} (MERGE refuses it too)`,
          );
      }
      segment = this.segmentFor(files, layout.types, segment);
      segment.pending += layout.fields.join(",") + "\n";
      for (const scan of scanning) scan.lines += scanLine(scan.join, table, row, scan.columns, id, label);
      for (const { index, columns } of lookingUp) addKey(index, table, row, columns, id, label);
    }
    files.rows += table.rows.length;
    this.collectOnGrowth();
    for (const open of files.segments) {
      if (open.pending === "") continue;
      await write(open.out, open.pending);
      open.pending = "";
    }
    for (const { join, lines } of scanning)
      if (lines !== "" && join.scanOut !== undefined) await write(join.scanOut, lines);
  }

  /** Headers, relationship files and totals, once every row is read. */
  async finish(): Promise<ConvertedScript> {
    const nodeGroups = await this.writeHeaders();
    collectGarbage();
    const { relationshipGroups, relationshipsPerType } = await this.writeRelationships();
    for (const index of this.indexes.values()) index.keys.clear();
    const onlineJoins = this.relationships.joins.flatMap((j) => {
      const why = onlineReason(j);
      return why === undefined ? [] : [{ statement: j.statement, why: () => why }];
    });
    const onlineStatements = [...this.relationships.online, ...onlineJoins].sort(
      (a, b) => a.statement.index - b.statement.index,
    );
    return {
      nodeGroups,
      relationshipGroups,
      multilineFields: this.multilineFields,
      schema: this.schema,
      online: onlineStatements.map((o) => o.statement),
      onlineReasons: onlineStatements.map(
        (o) => `statement ${o.statement.index} (line ${o.statement.line}) runs online: ${o.why()}`,
      ),
      nodesPerLabel: new Map([...this.labels.values()].map((f) => [f.label, f.rows])),
      relationshipsPerType,
      propertiesSet: this.propertiesSet,
      statements: this.statements,
    };
  }

  /** Closes whatever is still open (after a failure). */
  destroy(): void {
    for (const out of this.opened) if (!out.closed) out.destroy();
  }

  private newFile(name: string): string {
    return path.join(this.dir, `${String(this.fileCount++).padStart(4, "0")}-${name}.csv`);
  }

  private openStream(target: string): WriteStream {
    const out = createWriteStream(target, { mode: privateFileMode });
    this.opened.push(out);
    return out;
  }

  private labelFiles(label: string): LabelFiles {
    const files = this.labels.get(label) ?? { label, columns: new Map(), names: [], segments: [], rows: 0 };
    this.labels.set(label, files);
    return files;
  }

  /** The label's columns in the order first seen; a new one starts a new file (and header). */
  private layoutOf(statement: Statement, files: LabelFiles, table: RowTable): RowLayout {
    const toLabelColumn = table.keys.map((key) => {
      const known = files.columns.get(key);
      if (known !== undefined) return known;
      const problem = headerNameProblem(key);
      if (problem !== undefined) refuse(statement, `the property name ${JSON.stringify(key)} ${problem}`);
      const index = files.names.length;
      files.columns.set(key, index);
      files.names.push(key);
      return index;
    });
    const columnCount = files.names.length;
    return {
      toLabelColumn,
      kinds: table.keys.map((_, i) => table.kindOf(i)),
      fields: new Array<string>(columnCount + 1),
      types: new Array<CsvType | undefined>(columnCount),
    };
  }

  /** One row as import fields (the first is its node id), and each field's type. */
  private fillFields(
    statement: Statement,
    label: string,
    table: RowTable,
    row: readonly ParamValue[],
    id: number,
    layout: RowLayout,
  ): void {
    const { fields, types } = layout;
    fields.fill("");
    types.fill(undefined);
    fields[0] = String(id);
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      if (value === null || value === undefined) continue;
      const column = layout.toLabelColumn[i] as number;
      const converted = csvValue(value, layout.kinds[i]);
      if (converted === undefined)
        refuse(
          statement,
          `property ${JSON.stringify(table.keys[i])} of :${label} holds a value the importer cannot give back as it is (an empty list, a list of one empty string, a list of temporal values, or a list element holding the character U+001F)`,
        );
      types[column] = converted.type;
      if (!this.multilineFields && converted.field.startsWith('"') && /[\r\n]/.test(converted.field))
        this.multilineFields = true;
      fields[column + 1] = converted.field;
      this.propertiesSet++;
    }
  }

  /** The file a row of these types goes to: the current one if it fits, else one that does. */
  private segmentFor(
    files: LabelFiles,
    types: ReadonlyArray<CsvType | undefined>,
    current: Segment | undefined,
  ): Segment {
    const columnCount = files.names.length;
    let found = current !== undefined && fits(current, types, columnCount) ? current : undefined;
    found ??= files.segments.find((s) => fits(s, types, columnCount));
    if (found === undefined) {
      const target = this.newFile("nodes");
      found = { columns: columnCount, types: [], file: target, out: this.openStream(target), pending: "" };
      files.segments.push(found);
    }
    for (let i = 0; i < types.length; i++) if (types[i] !== undefined) found.types[i] = types[i];
    return found;
  }

  /** A header file per node file, now that every column's type is known. */
  private async writeHeaders(): Promise<ImportFiles["nodeGroups"]> {
    const nodeGroups: ImportFiles["nodeGroups"] = [];
    for (const files of this.labels.values()) {
      for (const segment of files.segments) {
        await close(segment.out);
        const header = path.join(this.dir, `${path.basename(segment.file, ".csv")}-header.csv`);
        // A column NULL in every row of the file can have any type.
        const names = files.names
          .slice(0, segment.columns)
          .map((name, column) => `${name}:${segment.types[column] ?? "string"}`);
        const headerOut = this.openStream(header);
        await write(headerOut, [":ID", ...names].join(",") + "\n");
        await close(headerOut);
        nodeGroups.push({ label: files.label, files: [header, segment.file] });
      }
    }
    return nodeGroups;
  }

  /** Relationships: each scanned node's key against the looked-up side's keys. */
  private async writeRelationships(): Promise<{
    relationshipGroups: ImportFiles["relationshipGroups"];
    relationshipsPerType: Map<string, number>;
  }> {
    const relationshipGroups: ImportFiles["relationshipGroups"] = [];
    const relationshipsPerType = new Map<string, number>();
    for (const join of this.relationships.joins) {
      if (join.scanOut !== undefined) await close(join.scanOut);
      if (onlineReason(join) !== undefined) continue;
      const target = this.newFile("relationships");
      const out = this.openStream(target);
      await write(out, `:START_ID,:END_ID,${runProperty}:long\n`);
      const run = `,${join.parts.run}\n`;
      let count = 0;
      let lines = "";
      for await (const line of createInterface({
        input: createReadStream(join.scanFile),
        crlfDelay: Infinity,
      })) {
        const tab = line.indexOf("\t");
        const id = line.slice(0, tab);
        const found = join.lookup.keys.get(JSON.parse(line.slice(tab + 1)) as string);
        if (found === undefined) continue;
        for (const other of typeof found === "number" ? [found] : found) {
          lines += join.scanIsFrom ? `${id},${other}${run}` : `${other},${id}${run}`;
          count++;
        }
        if (lines.length > 1 << 20) {
          await write(out, lines);
          lines = "";
          this.collectOnGrowth();
        }
      }
      await write(out, lines);
      await close(out);
      relationshipGroups.push({ type: join.type, files: [target] });
      relationshipsPerType.set(join.type, count);
    }
    return { relationshipGroups, relationshipsPerType };
  }
}

/** The line a scanned row adds to its join's key file ("" if it has no key); moves the join online if it cannot be joined here. */
function scanLine(
  join: DirectJoin,
  table: RowTable,
  row: readonly ParamValue[],
  columns: readonly number[],
  id: number,
  label: string,
): string {
  if (join.online !== undefined) return "";
  const key = rowKey(table, row, columns);
  if (key === undefined) {
    join.online = `a value of ${join.scanProperties.join(", ")} on :${label} is not a string, number or boolean`;
    return "";
  }
  return key === null ? "" : `${id}\t${JSON.stringify(key)}\n`;
}

/** Adds a looked-up row's key to its index; moves the index online if it cannot hold it. */
function addKey(
  index: KeyIndex,
  table: RowTable,
  row: readonly ParamValue[],
  columns: readonly number[],
  id: number,
  label: string,
): void {
  if (index.online !== undefined) return;
  const key = rowKey(table, row, columns);
  if (key === undefined) {
    index.online = `a value of ${index.properties.join(", ")} on :${label} is not a string, number or boolean`;
    index.keys.clear();
    return;
  }
  if (++index.rows > bulkJoinMaxRows) {
    index.online = `:${label} has more than ${bulkJoinMaxRows} nodes to look up`;
    index.keys.clear();
    return;
  }
  if (key === null) return;
  const found = index.keys.get(key);
  if (found === undefined) index.keys.set(key, id);
  else if (typeof found === "number") index.keys.set(key, [found, id]);
  else found.push(id);
}
