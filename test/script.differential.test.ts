/**
 * The differential test of the script format: every script in the corpus either gives the same
 * graph through `c360 load` (its fast paths: parameterized node batches, first-load CREATE) as
 * through sending each statement's text, verbatim, to Neo4j, or is refused before anything runs.
 *
 * The corpus: a generated script (the sample universe plus the type matrix), and variants of it
 * edited by hand and by a seeded random generator: comments ended by LF, CR or CRLF, statements
 * hidden behind them, odd literals, `;` inside strings and names, `IN TRANSACTIONS` in a string.
 * The verbatim side splits the script with an independent reader of Cypher's lexical rules
 * (test/helpers/oracle-split.ts), so a splitting mistake in c360 shows up as a different graph.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { C360Error, ExitCode } from "../src/errors.js";
import { generate } from "../src/generate/generate.js";
import { loadScript } from "../src/load/load.js";
import { silentLogger } from "../src/logger.js";
import { emptyDir } from "./helpers/cli.js";
import { cleanGraph, testDriver, testNeo4j } from "./helpers/neo4j.js";
import { oracleSplit } from "./helpers/oracle-split.js";
import { createDatabase, query, registerTable } from "./helpers/postgres.js";
import { prng } from "./helpers/prng.js";
import { typeMatrixSchema } from "./helpers/type-matrix.js";
import { createSampleUniverse, graphSnapshot, type TestUniverse } from "./helpers/universe.js";

const driver = testDriver();
let universe: TestUniverse;
let dir: string;
/** The generated script, and a shorter one (a few node statements per label) for the variants. */
let generated: string;
let reduced: string;
let files = 0;

before(async () => {
  universe = await createSampleUniverse("differential");
  const typed = universe.source("typed_db" as never);
  await createDatabase(typed);
  await query(typed, typeMatrixSchema);
  await registerTable(universe.controlDb.database, "typed_db", typed, "typed", "Typed");
  dir = emptyDir();
  const result = await generate({
    controlDb: universe.controlDb,
    outputDir: dir,
    batchSize: 20,
    logger: silentLogger(),
  });
  generated = readFileSync(result.script.path, "utf8");
  reduced = reduce(generated);
});

after(async () => {
  await cleanGraph(driver);
  await driver.close();
  await universe.drop();
});

/** The schema and relationship statements, and the first two statements of each node section. */
function reduce(script: string): string {
  const kept: string[] = [];
  let inSection = 0;
  for (const { text } of oracleSplit(script)) {
    if (/\/\/ ---- nodes /.test(text)) inSection = 0;
    const isNodeStatement = text.includes("UNWIND [\n");
    if (!isNodeStatement || inSection++ < 2) kept.push(text);
  }
  return `${kept.join(";\n")};\n`;
}

type Outcome =
  | { kind: "refused"; error: C360Error }
  | { kind: "loaded"; snapshot: string; error?: C360Error; failedAt?: number };

/** `c360 load --clear` of the script, on a graph holding only a marker node. */
async function throughC360(script: string, name: string): Promise<Outcome> {
  const file = path.join(dir, `${String(files++).padStart(3, "0")}-${name.replace(/\W+/g, "-")}.cypher`);
  writeFileSync(file, script);
  await cleanGraph(driver);
  await driver.executeQuery("CREATE (:DifferentialMarker)");
  let error: C360Error | undefined;
  try {
    await loadScript({
      controlDb: universe.controlDb,
      neo4j: testNeo4j(),
      file,
      clear: true,
      logger: silentLogger(),
    });
  } catch (caught) {
    if (!(caught instanceof C360Error)) throw caught;
    assert.notEqual(caught.exitCode, ExitCode.internal, `${name}: ${caught.message}`);
    error = caught;
  }
  const snapshot = await graphSnapshot(driver);
  if (error !== undefined && (error.exitCode === ExitCode.badScript || error.exitCode === ExitCode.refused)) {
    assert.equal(snapshot, '[["DifferentialMarker"],{}]', `${name}: refused, yet the graph changed`);
    return { kind: "refused", error };
  }
  const failedAt = /statements? (\d+)/.exec(error?.message ?? "")?.[1];
  return { kind: "loaded", snapshot, error, failedAt: failedAt === undefined ? undefined : Number(failedAt) };
}

/** Each statement's text sent as it is, in auto-commit, up to the first one Neo4j rejects. */
async function verbatim(script: string): Promise<{ snapshot: string; failedAt?: number; line?: number }> {
  await cleanGraph(driver);
  const session = driver.session({ database: "neo4j" });
  try {
    for (const statement of oracleSplit(script)) {
      try {
        await session.run(statement.text).summary();
      } catch {
        return { snapshot: await graphSnapshot(driver), failedAt: statement.index, line: statement.line };
      }
    }
  } finally {
    await session.close();
  }
  return { snapshot: await graphSnapshot(driver) };
}

/** Loads both ways and compares; returns what c360 did, for the cases that say more. */
async function differential(name: string, script: string): Promise<Outcome> {
  const c360 = await throughC360(script, name);
  if (c360.kind === "refused") return c360;
  const reference = await verbatim(script);
  assert.equal(
    c360.snapshot,
    reference.snapshot,
    `${name}: c360 and Neo4j's own reading built different graphs`,
  );
  assert.equal(c360.failedAt, reference.failedAt, `${name}: ${c360.error?.message ?? "no error"}`);
  if (reference.failedAt !== undefined) {
    assert.ok(c360.error !== undefined);
    assert.ok(
      c360.error.exitCode === ExitCode.target || c360.error.exitCode === ExitCode.partialLoad,
      `${name}: exit ${c360.error.exitCode}`,
    );
    assert.match(
      c360.error.message,
      new RegExp(`statement ${reference.failedAt} \\(line ${reference.line}:`),
      name,
    );
  }
  return c360;
}

/** The statements of a script, to edit one by one and join again. */
function statements(script: string): string[] {
  return oracleSplit(script).map((s) => s.text);
}

function join(texts: readonly string[], separator = ";\n"): string {
  return texts.join(separator) + separator;
}

const nodeIndexes = (texts: readonly string[]) =>
  texts.flatMap((t, i) => (t.includes("UNWIND [\n") ? [i] : []));
const relationshipIndexes = (texts: readonly string[]) =>
  texts.flatMap((t, i) => (t.includes("USING SCAN") ? [i] : []));

describe("the differential test: c360's fast paths against Neo4j's own reading", () => {
  it("gives the same graph for the generated script (sample universe and type matrix)", async () => {
    const outcome = await differential("generated", generated);
    assert.equal(outcome.kind, "loaded");
    assert.equal((outcome as { error?: unknown }).error, undefined);
  });

  it("loads a format 2 script as its text says, to the same graph a format 3 one gives", async () => {
    const current = await differential("generated", generated);
    const older = generated
      .replace("// c360 script format: 3\n", "// c360 script format: 2\n")
      .replace(/\nSET n \+= row \{[^\n]*\};\n/g, "\nSET n = row;\n");
    assert.notEqual(older, generated);
    assert.doesNotMatch(older, /SET n \+= row/);
    const outcome = await differential("format 2", older);
    assert.equal(outcome.kind, "loaded");
    assert.equal((outcome as { snapshot: string }).snapshot, (current as { snapshot: string }).snapshot);
  });

  it("runs code after a comment that a lone CR ends, as Neo4j does", async () => {
    const texts = statements(reduced);
    const outcome = await differential("lone CR", `${join(texts)}CREATE (:A);\n// note\rCREATE (:Hidden);\n`);
    assert.equal(outcome.kind, "loaded");
    assert.match((outcome as { snapshot: string }).snapshot, /\[\["Hidden"\],\{\}\]/);
  });

  it("does not drop a CREATE hidden before a node statement", async () => {
    const texts = statements(reduced);
    const [first, second] = nodeIndexes(texts) as [number, number];
    // As Neo4j reads it, this is CREATE then UNWIND without a WITH: an error, not a node batch.
    const refused = [...texts];
    refused[first] = `// x\rCREATE (:Pwned)\n${refused[first]}`;
    const outcome = await differential("hidden CREATE", join(refused));
    assert.equal((outcome as { failedAt?: number }).failedAt, first + 1);
    // And with a WITH, a statement that creates the node and then the rows.
    texts[second] = `// x\rCREATE (:Pwned)\nWITH count(*) AS pwned\n${texts[second]}`;
    const created = await differential("hidden CREATE WITH", join(texts));
    assert.match((created as { snapshot: string }).snapshot, /\[\["Pwned"\],\{\}\]/);
  });

  it("does not take a statement with a hidden UNWIND for c360's relationship statement", async () => {
    const texts = statements(reduced);
    for (const at of relationshipIndexes(texts)) texts[at] = `// x\rUNWIND [1, 2] AS dup\n${texts[at]}`;
    const outcome = await differential("hidden UNWIND", join(texts));
    assert.equal(outcome.kind, "loaded");
    const duplicated = await driver.executeQuery(
      "MATCH (a)-[r]->(b) WITH a, b, type(r) AS t, count(*) AS n WHERE n > 1 RETURN count(*) AS pairs",
    );
    assert.equal(Number(duplicated.records[0]?.get("pairs")), 0);
  });

  for (const [name, from, to] of [
    ["a legacy octal integer", /`(\w+)`: (\d+)([,}])/, "`$1`: 0$2$3"],
    ["an overflowing float", /`(\w+)`: -?\d+\.\d+([,}])/, "`$1`: 1.0E400$2"],
    ["an impossible date", /date\('\d{4}-\d\d-\d\d'\)/, "date('2025-13-01')"],
  ] as const) {
    it(`leaves ${name} to Neo4j, which refuses it: exit 6 or 7, never 1`, async () => {
      const texts = statements(reduced);
      const at = nodeIndexes(texts).find((i) => from.test(texts[i] as string)) as number;
      assert.ok(at !== undefined, `the corpus has ${name} to edit`);
      texts[at] = (texts[at] as string).replace(from, to);
      const outcome = await differential(name, join(texts));
      assert.equal(outcome.kind, "loaded");
      assert.ok((outcome as { error?: C360Error }).error !== undefined, `${name} must fail the load`);
    });
  }

  it("does not take IN TRANSACTIONS in a string for an auto-commit statement, and finds it past a comment", async () => {
    const texts = statements(reduced);
    const script =
      join(texts) +
      "CREATE (:Note {text: 'CALL { CREATE () } IN TRANSACTIONS;'});\n" +
      "MATCH (n:Note) CALL { WITH n SET n.seen = true } IN /* batched */ TRANSACTIONS;\n";
    const outcome = await differential("IN TRANSACTIONS in a string", script);
    assert.equal((outcome as { error?: unknown }).error, undefined);
    assert.match((outcome as { snapshot: string }).snapshot, /"seen":true/);
  });

  it("refuses a script of a newer format before anything runs", async () => {
    const script = generated.replace("// c360 script format: 3\n", "// c360 script format: 4\n");
    assert.notEqual(script, generated);
    const outcome = await differential("newer format", script);
    assert.equal(outcome.kind, "refused");
    assert.equal((outcome as { error: C360Error }).error.exitCode, ExitCode.badScript);
    assert.match(
      (outcome as { error: C360Error }).error.message,
      /script format 4, newer than this c360 reads/,
    );
  });

  it("gives the same graph for 40 seeded random edits of the script", async () => {
    const random = prng(13);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const lineEnd = () => pick(["\n", "\r", "\r\n"]);
    const edits: Array<[string, (texts: string[]) => string | undefined]> = [
      ["CRLF everywhere", (t) => join(t).replaceAll("\n", "\r\n")],
      ["CR everywhere", (t) => join(t).replaceAll("\n", "\r")],
      [
        "a comment before a statement",
        (t) => {
          const at = Math.floor(random() * t.length);
          t[at] = `// note ${at}${lineEnd()}${t[at]}`;
          return join(t);
        },
      ],
      [
        "code behind a comment",
        (t) => {
          const at = Math.floor(random() * t.length);
          t[at] = `// note${pick(["\r", "\r", "\n"])}CREATE (:Behind {at: ${at}})${lineEnd()}${t[at]}`;
          return join(t);
        },
      ],
      [
        "a block comment with quotes and ;",
        (t) => {
          const at = Math.floor(random() * t.length);
          t[at] = `/* ; ' " \` ${lineEnd()} */ ${t[at]}`;
          return join(t);
        },
      ],
      [
        "; inside strings and names",
        (t) => {
          t.splice(Math.floor(random() * t.length), 0, "CREATE (:Odd {v: 'a;b', `k;//`: \"c;d\"})");
          return join(t);
        },
      ],
      [
        "separators of every kind",
        (t) => t.map((s) => s + pick([";\n", ";\r\n", ";\r", "; ", ";\n\n"])).join(""),
      ],
      [
        "a space in a row",
        (t) => {
          const at = pick(nodeIndexes(t));
          t[at] = (t[at] as string).replace("}, ", "} , ").replace(": ", " : ");
          return join(t);
        },
      ],
      [
        "a lower-case unicode escape",
        (t) => {
          const at = nodeIndexes(t).find((i) => /\\u[0-9A-F]{4}/.test(t[i] as string));
          if (at === undefined) return undefined;
          t[at] = (t[at] as string).replace(
            /\\u([0-9A-F]{4})/,
            (_m, hex: string) => `\\u${hex.toLowerCase()}`,
          );
          return join(t);
        },
      ],
      [
        "a double-quoted string",
        (t) => {
          const at = pick(nodeIndexes(t));
          t[at] = (t[at] as string).replace(/'([A-Za-z ]+)'/, '"$1"');
          return join(t);
        },
      ],
      [
        "a lower-case keyword",
        (t) => {
          const at = pick([...nodeIndexes(t), ...relationshipIndexes(t)]);
          t[at] = (t[at] as string).replace("MERGE", "merge");
          return join(t);
        },
      ],
      [
        "a relationship statement moved first",
        (t) => {
          const at = pick(relationshipIndexes(t));
          const [moved] = t.splice(at, 1);
          t.splice(pick(nodeIndexes(t)), 0, moved as string);
          return join(t);
        },
      ],
      [
        "a node statement split in two",
        (t) => {
          const at = pick(nodeIndexes(t));
          const text = t[at] as string;
          const rows = text
            .slice(text.indexOf("UNWIND [\n") + 9, text.lastIndexOf("\n] AS row\n"))
            .split(",\n");
          if (rows.length < 2) return undefined;
          const tail = text.slice(text.lastIndexOf("\n] AS row\n"));
          const half = Math.ceil(rows.length / 2);
          t.splice(
            at,
            1,
            `UNWIND [\n${rows.slice(0, half).join(",\n")}${tail}`,
            `UNWIND [\n${rows.slice(half).join(",\n")}${tail}`,
          );
          return join(t);
        },
      ],
    ];
    let ran = 0;
    for (let n = 0; n < 40; n++) {
      const [name, edit] = pick(edits);
      const script = edit(statements(reduced));
      if (script === undefined) continue;
      await differential(`random edit ${n}: ${name}`, script);
      ran++;
    }
    assert.ok(ran >= 30, `only ${ran} edits applied`);
  });
});
