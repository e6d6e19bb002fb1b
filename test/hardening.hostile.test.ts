import assert from "node:assert/strict";
import { createReadStream, readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { initControlDb } from "../src/control/migrate.js";
import { generate, type GenerateResult } from "../src/generate/generate.js";
import { splitStatements } from "../src/script/lexer.js";
import { silentLogger } from "../src/logger.js";
import { emptyDir } from "./helpers/cli.js";
import { cleanGraph, testDriver } from "./helpers/neo4j.js";
import {
  createDatabase,
  dropDatabases,
  query,
  testServer,
  registerTable,
  uniqueName,
} from "./helpers/postgres.js";
import { prng } from "./helpers/prng.js";
import { runScript } from "./helpers/universe.js";

/** Hand-picked: what has broken Cypher generators, loaders and clients before. */
const handPicked = [
  "x;\nMATCH (n) DETACH DELETE n;\n//",
  "'; MATCH (n) DETACH DELETE n; //",
  '"; MATCH (n) DETACH DELETE n; //',
  "`; MATCH (n) DETACH DELETE n; //",
  "}] AS row MATCH (n) DETACH DELETE n //",
  "'}] AS row MATCH (n) DETACH DELETE n //",
  "\\'; MATCH (n) DETACH DELETE n; //",
  "\\\\'; MATCH (n) DETACH DELETE n; //",
  "\\u0027; MATCH (n) DETACH DELETE n; //",
  "\\u0027",
  "\\U0001F600",
  "\\",
  "ends with a backslash\\",
  "\\\\",
  "''",
  "'",
  '"',
  "`",
  "``",
  "/*",
  "*/",
  "/* MATCH (n) DETACH DELETE n */",
  "// MATCH (n) DETACH DELETE n",
  "--",
  ";",
  ";;;",
  ":begin",
  ":commit",
  ":rollback",
  ":param rows => [1]",
  ":use system",
  ":exit",
  "CALL dbms.shutdown()",
  "$rows",
  "${rows}",
  "{{rows}}",
  "MATCH (n) DETACH DELETE n",
  "RETURN 1; CREATE (:Pwned)",
  "\r\n",
  "\r",
  "\n",
  "\t",
  "\u000b\u000c",
  "\u0001\u0002\u0003\u001f",
  "\u007f",
  "\u0080\u0085\u009f",
  "line\u2028separator",
  "paragraph\u2029separator",
  "\ufeffbyte order mark",
  "bidi \u202eevil\u202c text",
  "isolate \u2066x\u2069",
  "zero\u200bwidth\u200djoiner",
  "soft\u00adhyphen",
  "🎬🍿",
  "𝄞 musical",
  "👩‍👩‍👧‍👦 family",
  "e\u0301 combining",
  "李小龙",
  "مرحبا",
  "Ωmega",
  "\uffff\ufffe",
  "NaN",
  "Infinity",
  "null",
  "true",
  "0x41",
  "1e999",
  "-9223372036854775809",
  "date('2025-01-01')",
  "toFloat('NaN')",
  "duration('P1D')",
  "a".repeat(100_000),
  "'".repeat(5_000),
  "\\".repeat(5_001),
  "x;\n".repeat(2_000),
];

/** Generated: deterministic combinations of the dangerous pieces. */
function generated(count: number, avoid: ReadonlySet<string>): string[] {
  const pieces = [
    "'",
    '"',
    "`",
    "\\",
    ";",
    "\n",
    "\r",
    "//",
    "/*",
    "*/",
    "{",
    "}",
    "[",
    "]",
    ":",
    "$",
    "MATCH (n) DETACH DELETE n",
    "\u2028",
    "\u0000".replace("\u0000", "\u0001"),
    "🎬",
    "é",
    " ",
    "AS row",
    "\\u0027",
    "\t",
  ];
  const random = prng(360);
  const next = () => Math.floor(random() * 2147483648);
  // Short combinations repeat (a lone quote, say): each string counts once.
  const seen = new Set(avoid);
  const strings: string[] = [];
  while (strings.length < count) {
    let text = "";
    const length = 1 + (next() % 12);
    for (let i = 0; i < length; i++) text += pieces[next() % pieces.length];
    if (!seen.has(text)) strings.push(text);
    seen.add(text);
  }
  return strings;
}

const corpus = [...handPicked, ...generated(150, new Set(handPicked))];
const driver = testDriver();
const control = uniqueName("hostile_control");
const source = uniqueName("hostile_source");
let result: GenerateResult;

before(async () => {
  await createDatabase(source);
  await query(
    source,
    `CREATE TABLE hostile (id int PRIMARY KEY, s text NOT NULL,
       "first name" text, "it's" text, "semi;colon" text, "ünïcode" text, "a.b" text, "__proto__" text)`,
  );
  for (let i = 0; i < corpus.length; i++) {
    await query(
      source,
      `INSERT INTO hostile (id, s, "first name", "it's", "semi;colon", "ünïcode", "a.b", "__proto__") VALUES ($1, $2, $2, $2, $2, $2, $2, $2)`,
      [i, corpus[i]],
    );
  }
  await initControlDb(testServer(control), silentLogger());
  await registerTable(control, "hostile_db", source, "hostile", "Hostile");
  result = await generate({
    controlDb: testServer(control),
    outputDir: emptyDir(),
    logger: silentLogger(),
    batchSize: 50,
  });
});

after(async () => {
  await driver.close();
  await dropDatabases([control, source]);
});

async function assertRoundTrip(): Promise<void> {
  const { records } = await driver.executeQuery("MATCH (h:Hostile) RETURN h ORDER BY h.id");
  assert.equal(records.length, corpus.length);
  for (const record of records) {
    const props = (record.get("h") as { properties: Record<string, unknown> }).properties;
    const expected = corpus[Number(props.id)];
    for (const key of ["s", "first name", "it's", "semi;colon", "ünïcode", "a.b", "__proto__"]) {
      assert.equal(props[key], expected, `row ${String(props.id)}, property ${key}`);
    }
  }
  const canary = await driver.executeQuery("MATCH (c:Canary) RETURN count(c) AS n");
  assert.equal(canary.records[0]?.get("n"), 1n, "nothing deleted the canary");
  const others = await driver.executeQuery(
    "MATCH (n) WHERE NOT n:Hostile AND NOT n:Canary RETURN count(n) AS n",
  );
  assert.equal(others.records[0]?.get("n"), 0n, "nothing created anything else");
}

describe("hostile data reaches Neo4j byte-exact and never executes", () => {
  it("has the README's corpus: 225 hostile strings, none of them twice", () => {
    assert.equal(corpus.length, 225);
    const seen = new Set<string>();
    const twice = corpus.filter((text) => seen.has(text) || !seen.add(text));
    assert.deepEqual(twice, [], "strings that appear twice");
  });

  it("the script splits into exactly the statements c360 wrote", async () => {
    let count = 0;
    for await (const statement of splitStatements(createReadStream(result.script.path)))
      count = statement.index;

    assert.equal(count, result.script.statementCount);
    const text = readFileSync(result.script.path, "utf8");
    assert.doesNotMatch(
      text,
      /[\u2028\u2029\u202e\ufeff]/,
      "invisible and line-breaking characters are escaped",
    );
    assert.ok(
      [...text].every((c) => c.codePointAt(0)! <= 0xffff),
      "astral characters are escaped",
    );
  });

  it("round-trips every string through c360 load's parameterized path", async () => {
    await cleanGraph(driver);
    await driver.executeQuery("CREATE (:Canary)");
    await runScript(driver, result.script.path);
    await assertRoundTrip();
  });

  it("round-trips every string when the script runs literally, as cypher-shell would", async () => {
    await cleanGraph(driver);
    await driver.executeQuery("CREATE (:Canary)");
    await runScript(driver, result.script.path, true);
    await assertRoundTrip();
  });
});
