/**
 * Reading c360's scripts back: the literal reader accepts exactly what the encoder writes, and a
 * node statement is read back only in the exact form c360 writes it. Everything else is left to
 * Neo4j, as written (the differential test, test/script.differential.test.ts, runs both ways).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import neo4j from "neo4j-driver";
import { scriptFormatVersion, scriptKind } from "../src/script/format.js";
import { LiteralReader, NotCanonical, encodeValue, type ValueKind } from "../src/script/literals.js";
import {
  nodeBatchStatement,
  nodeDeleteStatement,
  nodeStampTail,
  parseNodeBatch,
  rowsStatement,
  sentNodeBatch,
} from "../src/script/node-batches.js";
import { ScriptFileError } from "../src/errors.js";
import { ifNotExistsName } from "../src/script/schema.js";
import { parameterizedRederive, rederiveStatements } from "../src/script/sync.js";
import { relationshipPlan } from "./helpers/relationships.js";
import { prng } from "./helpers/prng.js";
import { statementOf } from "./helpers/statements.js";

/** The value of one whole literal, or NotCanonical. */
function read(literal: string): unknown {
  const reader = new LiteralReader(literal);
  const value = reader.readValue();
  if (reader.position !== literal.length) throw new NotCanonical("trailing text");
  return value;
}

function isRefused(literal: string): boolean {
  try {
    read(literal);
    return false;
  } catch (error) {
    if (error instanceof NotCanonical) return true;
    throw error;
  }
}

describe("LiteralReader: what the encoder writes", () => {
  const cases: Array<[ValueKind, string]> = [
    ["integer", "0"],
    ["integer", "-9223372036854775808"],
    ["integer", "9223372036854775807"],
    ["float", "1.5"],
    ["float", "-0"],
    ["float", "1e300"],
    ["float", "1.5e-7"],
    ["float", "NaN"],
    ["float", "-Infinity"],
    ["boolean", "t"],
    ["string", "it's a \\ test\n\r\t\u0000\u2028😀"],
    ["date", "2024-02-29"],
    ["date", "0044-03-15 BC"],
    ["date", "12345-01-01"],
    ["date", "infinity"],
    ["datetime", "2025-06-01 12:30:00.5+05:30"],
    ["datetime", "-infinity"],
    ["localdatetime", "2025-06-01 12:30:00.123456"],
    ["localtime", "24:00:00"],
    ["time", "23:59:59.999999-03"],
    ["duration", "P1Y-2M3DT-4H5M-6.5S"],
    ["duration", "PT0S"],
    [{ list: "integer" }, "[1,null,3]"],
    [{ list: "string" }, '["a","b\'c"]'],
    [{ list: "date" }, '["2025-01-01","2025-01-02"]'],
    [{ list: "float" }, '["NaN","1.5"]'],
    [{ list: "integer" }, "[]"],
  ];

  it("reads every kind of value back, to the end of the literal", () => {
    for (const [kind, text] of cases) {
      const literal = encodeValue(kind, text);
      assert.doesNotThrow(() => read(literal), `${JSON.stringify(kind)} ${text} -> ${literal}`);
    }
    assert.equal(read(encodeValue("string", "it's a \\ test\n😀")), "it's a \\ test\n😀");
    assert.ok(neo4j.isInt(read("9223372036854775807")));
    assert.ok(Object.is(read("-0.0"), -0));
    assert.deepEqual(read("[toFloat('NaN'), 1.5]"), [NaN, 1.5]);
  });

  it("reads 2000 pseudo-random strings back as they were", () => {
    const random = prng(11);
    const alphabet = [
      "a",
      "'",
      "\\",
      "\n",
      "\r",
      "\u0000",
      "\u001f",
      "\u007f",
      "\u0085",
      "\u2028",
      "\u202e",
      "\ufeff",
      "é",
      "李",
      "😀",
      "\ud800",
      "`",
      ";",
      "//",
      " ",
    ];
    for (let n = 0; n < 2000; n++) {
      let text = "";
      const length = Math.floor(random() * 12);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      assert.equal(read(encodeValue("string", text)), text, JSON.stringify(text));
    }
  });
});

describe("LiteralReader: what Neo4j reads otherwise, or refuses", () => {
  it("refuses numbers not written as c360 writes them", () => {
    // 010: legacy octal, which Neo4j 5 refuses; 1.0E400 overflows to an error in Neo4j, not to Infinity.
    for (const literal of [
      "010",
      "00",
      "-0",
      "1.0E400",
      "-1.0E400",
      "1.50",
      "1e5",
      "1.0e5",
      "1E+5",
      "0x1F",
      "9223372036854775808",
      "-9223372036854775809",
      ".5",
      "5.",
      "+1",
    ])
      assert.ok(isRefused(literal), literal);
    for (const literal of ["0", "-1", "10", "1.0", "1.5E-7", "1E21", "-0.0"])
      assert.ok(!isRefused(literal), literal);
  });

  it("refuses dates and times that are not on the calendar or the clock", () => {
    for (const literal of [
      "date('2025-13-01')",
      "date('2025-00-10')",
      "date('2025-02-29')",
      "date('2025-04-31')",
      "date('1900-02-29')",
      "date('+2025-01-01')",
      "date('02025-01-01')",
      "date('-0000-01-01')",
      "date('2025-1-01')",
      "localtime('24:00:00')",
      "localtime('12:60:00')",
      "localtime('12:00:60')",
      "localtime('12:00:00.50')",
      "localtime('12:00:00.')",
      "time('12:00:00+19:00')",
      "time('12:00:00+05:60')",
      "time('12:00:00Z')",
      "datetime('2025-01-01T00:00:00')",
      "datetime('2025-01-01 00:00:00Z')",
      "localdatetime('2025-02-30T00:00:00')",
      "duration('P')",
      "duration('PT')",
      "duration('P01D')",
      "duration('PT1.50S')",
      "duration('1D')",
      "date('2025-01-01', 'x')",
      "Date('2025-01-01')",
      "point('x')",
      "toFloat('nan')",
      "toFloat('1.5')",
    ])
      assert.ok(isRefused(literal), literal);
    for (const literal of [
      "date('2024-02-29')",
      "date('2000-02-29')",
      "date('-0001-12-31')",
      "date('+999999999-12-31')",
      "time('00:00:00-18:00')",
      "datetime('2025-01-01T00:00:00Z')",
      "localtime('23:59:59.999999999')",
    ])
      assert.ok(!isRefused(literal), literal);
  });

  it("refuses escapes and raw characters that c360 does not write", () => {
    for (const literal of [
      "'a\\\"b'",
      "'\\u00e9'",
      "'\\u00E9'",
      "'\\u000A'",
      "'\\u000a'",
      "'\\x41'",
      "'\\U0041'",
      "'tab\there'",
      "'line\nbreak'",
      "'cr\rhere'",
      "'\u202e'",
      "'😀'",
      '"double"',
      "'unterminated",
    ])
      assert.ok(isRefused(literal), JSON.stringify(literal));
    assert.ok(!isRefused("'\\u202E\\uD83D\\uDE00\\u0000'"));
  });

  it("refuses lists Neo4j cannot store, or not spaced as c360 spaces them", () => {
    for (const literal of [
      "[1, 'a']",
      "[1, 1.5]",
      "[[1]]",
      "[1,2]",
      "[1 , 2]",
      "[ 1]",
      "[1, ]",
      "[true, date('2025-01-01')]",
    ])
      assert.ok(isRefused(literal), literal);
    assert.ok(!isRefused("[1, 2]"));
    assert.ok(!isRefused("[date('2025-01-01'), date('2025-01-02')]"));
  });
});

describe("parseNodeBatch: only c360's node statements", () => {
  const rows = ["{`k`: 1, `a`: 'x'}", "{`k`: 2, `b`: date('2025-01-01')}"];
  const canonical = nodeBatchStatement("W", ["k"], ["a", "b"], rows);
  const owned = "SET n += row {.`a`, .`b`}";

  it("reads the statement c360 writes, after any comments", () => {
    assert.equal(parseNodeBatch(statementOf(canonical))?.rows, 2);
    const commented = parseNodeBatch(statementOf(`// ---- nodes :W from db.w ----\r\n/* c */ ${canonical}`));
    assert.equal(commented?.rows, 2);
    assert.equal(commented?.label, "W");
    assert.deepEqual(commented?.keyColumns, ["k"]);
    const odd = parseNodeBatch(
      statementOf(
        nodeBatchStatement("A`b", ["k`1", "k 2"], ["p`q", "c360_hash"], ["{`k``1`: 1, `k 2`: 'x'}"]),
      ),
    );
    assert.equal(odd?.label, "A`b");
    assert.deepEqual(odd?.keyColumns, ["k`1", "k 2"]);
    assert.deepEqual(odd?.owned, ["p`q", "c360_hash"]);
  });

  it("reads a format 2 statement, which replaces every property, as it is written", () => {
    const replacing = canonical.replace(owned, "SET n = row");
    const batch = parseNodeBatch(statementOf(replacing));
    assert.equal(batch?.kind, "merge");
    assert.equal(batch?.owned, undefined);
    assert.ok(batch?.tail.endsWith("\nSET n = row"));
  });

  it("leaves everything else to run as written", () => {
    const edits = [
      // Code hidden behind a comment that a lone CR ends.
      `// x\rCREATE (:Pwned)\n${canonical}`,
      canonical.replaceAll("\n", "\r\n"),
      canonical.replace(",\n", ", \n"),
      canonical.replace("`k`: 1", "`k`:1"),
      canonical.replace("`k`: 1", "`k`: 01"),
      canonical.replace("'x'", "'x' "),
      canonical.replace(owned, "SET n += row"),
      canonical.replace(owned, "SET n = row {.`a`, .`b`}"),
      canonical.replace(owned, `${owned}\nRETURN n`),
      canonical.replace(owned, "SET n += row {.`a`, .`a`, .`b`}"),
      canonical.replace(owned, "SET n += row {.`a`, .`b`, .`k`}"),
      canonical.replace(owned, "SET n += row {.`a`,.`b`}"),
      canonical.replace(owned, "SET n += row {.a, .`b`}"),
      canonical.replace(owned, "SET n += row {}"),
      // A row's property that the statement does not set: as written, it never reaches the node.
      canonical.replace(owned, "SET n += row {.`a`}"),
      canonical.replace("MERGE (n:`W` {`k`: row.`k`})", "MERGE (n:`W` {`k`: row.`a`})"),
      canonical.replace("MERGE (n:`W`", "MERGE (n:W"),
      canonical.replace("UNWIND [\n", "UNWIND [\n\n"),
      canonical.replace("{`k`: 2, ", "{"),
      canonical.replace("`a`: 'x'", "`a`: 'x', `a`: 'y'"),
      canonical.replace("date('2025-01-01')", "date('2025-13-01')"),
      canonical.replace("'x'", "'x' + 'y'"),
      canonical.replace("'x'", "null"),
      `${canonical} // trailing`,
      nodeBatchStatement("W", ["k"], ["a"], []),
    ];
    for (const edited of edits)
      assert.equal(parseNodeBatch(statementOf(edited)), undefined, JSON.stringify(edited));
  });
});

describe("parseNodeBatch: a sync's delete and stamp statements", () => {
  const keys = ["{`t`: 'T-1', `g`: 3}", "{`t`: 'T-2', `g`: 4}"];
  const stamped = { label: "Ticket", pairs: [["ticket_id", "t"] as const], run: 42 };
  const stamp = `// the :Ticket nodes these links supported\n${rowsStatement(keys, nodeStampTail("Link", ["t", "g"], stamped))}`;

  it("reads each back as its kind, rows of keys", () => {
    const deletes = parseNodeBatch(statementOf(nodeDeleteStatement("Link", ["t", "g"], keys)));
    assert.equal(deletes?.kind, "delete");
    assert.equal(deletes?.rows, 2);
    const stamps = parseNodeBatch(statementOf(stamp));
    assert.equal(stamps?.kind, "stamp");
    assert.equal(stamps?.label, "Link");
    assert.deepEqual(stamps?.keyColumns, ["t", "g"]);
    assert.equal(stamps?.rows, 2);
    assert.equal(
      parseNodeBatch(statementOf(nodeBatchStatement("W", ["k"], ["c360_run"], ["{`k`: 1}"])))?.kind,
      "merge",
    );
    const twoPairs = { label: "A`b", pairs: [["x", "t"] as const, ["y y", "g"] as const], run: 7 };
    assert.equal(
      parseNodeBatch(statementOf(rowsStatement(keys, nodeStampTail("Link", ["t", "g"], twoPairs))))?.kind,
      "stamp",
    );
  });

  it("sends a stamp's run number as a parameter: the same text every night", () => {
    const sent = (run: number) => {
      const night = { ...stamped, run };
      const batch = parseNodeBatch(
        statementOf(rowsStatement(keys, nodeStampTail("Link", ["t", "g"], night))),
      );
      assert.ok(batch !== undefined);
      return sentNodeBatch(batch);
    };
    const tonight = sent(42);
    assert.ok(tonight.text.endsWith("\nSET from.`c360_run` = $run"), tonight.text);
    assert.equal(String(tonight.parameters.run), "42");
    assert.equal(sent(123456789012345).text, tonight.text);
    assert.equal(String(sent(123456789012345).parameters.run), "123456789012345");
    const merge = parseNodeBatch(statementOf(nodeBatchStatement("W", ["k"], ["n"], ["{`k`: 1, `n`: 42}"])));
    assert.ok(merge !== undefined);
    assert.deepEqual(Object.keys(sentNodeBatch(merge).parameters), ["rows"]);
  });

  it("leaves an edited stamp to run as written", () => {
    const edits = [
      stamp.replace("SET from.`c360_run` = 42", "SET from.`c360_run` = 42, from.x = 1"),
      stamp.replace("= 42", "= 042"),
      stamp.replace("= 42", "= -42"),
      stamp.replace("`ticket_id`: n.`t`", "`ticket_id`: row.`t`"),
      stamp.replace("MATCH (from:", "MERGE (from:"),
      stamp.replace("SET from.", "SET n."),
      `${stamp}\nDETACH DELETE from`,
    ];
    for (const edited of edits)
      assert.equal(parseNodeBatch(statementOf(edited)), undefined, JSON.stringify(edited));
  });
});

describe("parameterizedRederive: a sync's re-derive statements, planned once", () => {
  const direct = relationshipPlan("HAS_CARD", "Acct`x", "Card", {
    direct: [{ from: "id", to: "account_id" }],
  });
  const junction = relationshipPlan("TAGGED", "Ticket", "Tag", {
    junction: {
      label: "Link",
      toFrom: [{ from: "ticket_id", junction: "t" }],
      toTo: [{ to: "tag_id", junction: "g" }],
    },
  });
  const keys: Record<string, string[]> = {
    "Acct`x": ["id"],
    Card: ["card_id"],
    Ticket: ["ticket_id"],
    Tag: ["tag_id"],
  };
  const keyOf = (label: string) => keys[label];
  const statements = [
    ...rederiveStatements(direct, 7, 12, keyOf),
    ...rederiveStatements(junction, 0, 123456789012345, keyOf),
  ].map((s) => s.text);
  /** The sent text with its parameters written back as the numbers they stand for. */
  const substituted = (text: string, since: number, run: number) =>
    text.replace("$since", String(since)).replace("$run", String(run));

  it("replaces exactly the two run numbers, and nothing else", () => {
    assert.equal(statements.length, 5);
    for (const text of statements) {
      const statement = statementOf(text);
      const sent = parameterizedRederive(statement);
      assert.ok(sent !== undefined, text);
      assert.equal(sent.text.split("$since").length, 2, sent.text);
      assert.equal(sent.text.split("$run").length, 2, sent.text);
      assert.equal(substituted(sent.text, sent.since, sent.run), text.slice(statement.codeStart));
      // The comment, which names the runs, is not sent: the text is the same every night.
      assert.ok(!sent.text.includes("//"));
    }
    const first = parameterizedRederive(statementOf(statements[0] as string));
    assert.deepEqual([first?.since, first?.run], [7, 12]);
    const last = parameterizedRederive(statementOf(statements[4] as string));
    assert.deepEqual([last?.since, last?.run], [0, 123456789012345]);
    const nextNight = parameterizedRederive(
      statementOf(rederiveStatements(direct, 12, 13, keyOf)[0]?.text ?? ""),
    );
    assert.equal(nextNight?.text, first?.text);
  });

  it("visits a node whose side of the join is its key only while it has no c360 relationship of the type", () => {
    const narrowed = (text: string) => text.includes("\nAND NOT EXISTS {");
    // HAS_CARD joins the account's key to the card's account_id: updated accounts keep their
    // cards; an updated card may have moved. A junction's from-end follows its links (stamps).
    assert.deepEqual(statements.map(narrowed), [true, false, false, true, false]);
    assert.ok(
      (statements[0] as string).includes(
        "WHERE from.`c360_run` > 7\nAND NOT EXISTS { (from)-[r:`HAS_CARD`]->() WHERE r.`c360_run` IS NOT NULL }\n",
      ),
    );
    assert.ok((statements[3] as string).includes("AND NOT EXISTS { ()-[r:`TAGGED`]->(to) WHERE"));
    assert.ok((statements[0] as string).includes("that have no c360 :HAS_CARD relationship yet\n"));
    // A composite key holding the join column narrows too; an unmapped label or a wider join does not.
    const wider = (key: string[]) =>
      rederiveStatements(direct, 7, 12, (label) => (label === "Acct`x" ? key : undefined)).map((s) =>
        narrowed(s.text),
      );
    assert.deepEqual(wider(["region", "id"]), [true, false]);
    assert.deepEqual(wider(["region"]), [false, false]);
    // A type's name goes in quoted, whatever it holds (`$&` means something to String.replace).
    const odd = relationshipPlan("HAS $& `CARD`", "Acct`x", "Card", {
      direct: [{ from: "id", to: "account_id" }],
    });
    assert.ok(rederiveStatements(odd, 7, 12, keyOf)[0]?.text.includes("(from)-[r:`HAS $& ``CARD```]->()"));
  });

  it("leaves other and edited statements to run as written", () => {
    const text = statements[0] as string;
    const edits = [
      text.replace("// re-derive", "// derive"),
      text.replace("> 7\n", "> 7 OR true\n"),
      text.replace("> 7", "> 07"),
      text.replace("> 7", "> -7"),
      text.replace("> 7", ">= 7"),
      text.replace("= 12", "= 12 + 1"),
      text.replace("= 12", "= $other"),
      text.replace(
        "ON CREATE SET r.`c360_run` = 12",
        "ON CREATE SET r.`c360_run` = 12\n  MERGE (from)-[r:`HAS_CARD`]->(to) ON CREATE SET r.`c360_run` = 12",
      ),
      text.replace("MATCH (from:`Acct``x`)\n", "MATCH (from:`Acct``x`)\nWITH from\n"),
    ];
    for (const edited of edits) {
      if (edited === text) assert.fail(`the edit did not apply: ${edited}`);
      assert.equal(parameterizedRederive(statementOf(edited)), undefined, edited);
    }
    // An edit elsewhere still runs as it reads: only the two numbers become parameters.
    const elsewhere = text.replace("DELETE r", "DELETE r\n    SET to.seen = 12");
    const sent = parameterizedRederive(statementOf(elsewhere));
    assert.equal(substituted(sent?.text ?? "", 7, 12), elsewhere.slice(elsewhere.indexOf("MATCH")));
    assert.ok(sent?.text.includes("SET to.seen = 12"));
    const full = "MATCH (n:`A`) WHERE n.`c360_run` > 3\nRETURN n";
    assert.equal(parameterizedRederive(statementOf(full)), undefined);
  });
});

describe("ifNotExistsName: schema statements the loader may skip", () => {
  it("names what a CREATE ... IF NOT EXISTS creates, and nothing else", () => {
    assert.equal(
      ifNotExistsName(
        "CREATE CONSTRAINT `c360_A``b_key` IF NOT EXISTS FOR (n:`A``b`) REQUIRE (n.`k`) IS UNIQUE",
      ),
      "c360_A`b_key",
    );
    assert.equal(ifNotExistsName("CREATE INDEX `i` IF NOT EXISTS FOR (n:`L`) ON (n.`p`)"), "i");
    for (const other of [
      "CREATE INDEX `i` FOR (n:`L`) ON (n.`p`)",
      "CREATE INDEX i IF NOT EXISTS FOR (n:`L`) ON (n.`p`)",
      "CREATE OR REPLACE INDEX `i` IF NOT EXISTS FOR (n:`L`) ON (n.`p`)",
      "DROP INDEX `i` IF EXISTS",
      "CALL db.awaitIndexes(600)",
    ])
      assert.equal(ifNotExistsName(other), undefined, other);
  });
});

describe("the script header", () => {
  const header = (line: string) =>
    statementOf(`// c360 0.1.0: Customer 360 graph script\n${line}\n// run id: 1\nRETURN 1`);

  it("reads the format and kind lines, and a sync script's graph state", () => {
    const full = header(`// c360 script format: ${scriptFormatVersion}\n// c360 script kind: full`);
    assert.deepEqual(scriptKind(full, "x"), { writtenBy: "c360", format: scriptFormatVersion, kind: "full" });
    const sync = header(
      `// c360 script format: ${scriptFormatVersion}\n// c360 script kind: sync\n// c360 graph state: {"labels":{},"types":{}}`,
    );
    assert.deepEqual(scriptKind(sync, "x"), {
      writtenBy: "c360",
      format: scriptFormatVersion,
      kind: "sync",
      graphState: '{"labels":{},"types":{}}',
    });
    assert.deepEqual(scriptKind(statementOf("// my own script\nRETURN 1"), "x").writtenBy, "hand");
    // Format 2, whose node statements replace every property, is still read, as what it says.
    const older = header("// c360 script format: 2\n// c360 script kind: full");
    assert.deepEqual(scriptKind(older, "x"), { writtenBy: "c360", format: 2, kind: "full" });
  });

  it("refuses a newer, older or unknown format, or a missing kind, saying what to do", () => {
    for (const [line, pattern] of [
      [
        "// c360 script format: 4",
        /x\.cypher is in script format 4, newer than this c360 reads \(format 3\)/,
      ],
      // A c360 script without the format line is format 1: it stamps nothing a sync can use.
      ["// run id: 2", /x\.cypher is in script format 1, which this c360 no longer reads/],
      [
        "// c360 script format: 1",
        /script format 1, which this c360 no longer reads \(it reads formats 2 to 3\)/,
      ],
      ["// c360 script format: 1.5", /names script format "1\.5"/],
      ["// c360 script format: ", /names script format ""/],
      ["// c360 script format: 2", /has no kind line/],
      ["// c360 script format: 2\n// c360 script kind: sync", /has no graph state line/],
      ["// c360 script format: 2\n// c360 script kind: partial", /names script kind "partial"/],
    ] as const) {
      assert.throws(
        () => scriptKind(header(line), "x.cypher"),
        (error: unknown) =>
          error instanceof ScriptFileError &&
          pattern.test(error.message) &&
          error.exitCode === 11 &&
          error.hint !== undefined,
        line,
      );
    }
  });
});
