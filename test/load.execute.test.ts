/**
 * executeStatements against the real Neo4j: node batches commit concurrently, out of order, yet
 * the checkpoint it reports never passes a statement that is not in the graph, and everything
 * after the node section waits for every node.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Driver } from "neo4j-driver";
import { executeStatements, StatementError, StopRequested, type SectionTiming } from "../src/load/execute.js";
import { sectionOf } from "../src/script/format.js";
import type { Statement } from "../src/script/lexer.js";
import { parseNodeBatch } from "../src/script/node-batches.js";
import { statementOf } from "./helpers/statements.js";
import { cleanGraph, testDriver } from "./helpers/neo4j.js";

const rowsPerStatement = 5;
const nodeStatements = 40;

/** A script in generate's shape: schema, 40 node statements of 5 rows, one relationship. */
function script(bad?: number): Statement[] {
  const texts = [
    "// ---- schema ----\nCREATE CONSTRAINT `exec_w_key` IF NOT EXISTS FOR (n:`W`) REQUIRE (n.`k`) IS UNIQUE",
  ];
  for (let s = 0; s < nodeStatements; s++) {
    const rows = Array.from({ length: rowsPerStatement }, (_, j) => {
      const k = s * rowsPerStatement + j;
      // A map is not a property value: Neo4j refuses the whole transaction.
      return s === bad && j === 2 ? `{k: ${k}, bad: {x: 1}}` : `{k: ${k}, s: 'statement ${s}'}`;
    });
    texts.push(
      `${s === 0 ? "// ---- nodes :W from test.w ----\n" : ""}UNWIND [\n${rows.join(",\n")}\n] AS row\nMERGE (n:\`W\` {\`k\`: row.\`k\`})\nSET n = row`,
    );
  }
  texts.push(
    `// ---- relationships ----\nMATCH (a:W {k: 0}), (b:W {k: ${nodeStatements * rowsPerStatement - 1}}) MERGE (a)-[:LAST]->(b)`,
  );
  return texts.map((text, i) => ({ ...statementOf(text), index: i + 1, line: i + 1 }));
}

/** Which node statements (1-based script indexes) have all their nodes in the graph. */
async function statementsInGraph(driver: Driver): Promise<Set<number>> {
  const result = await driver.executeQuery("MATCH (n:W) RETURN n.k AS k");
  const perStatement = new Map<number, number>();
  for (const record of result.records) {
    const statement = Math.floor(Number(record.get("k")) / rowsPerStatement) + 2;
    perStatement.set(statement, (perStatement.get(statement) ?? 0) + 1);
  }
  return new Set([...perStatement].filter(([, n]) => n === rowsPerStatement).map(([s]) => s));
}

describe("executeStatements: concurrent node batches against the real Neo4j", () => {
  let driver: Driver;
  before(async () => {
    driver = testDriver();
    await cleanGraph(driver);
  });
  after(async () => {
    await cleanGraph(driver);
    await driver.close();
  });

  it("names a failing batch, checkpoints only what is committed, and a resume from the checkpoint completes the graph", async () => {
    const checkpoints: number[] = [];
    let failure: StatementError | undefined;
    try {
      await executeStatements(driver, script(24), {
        database: "neo4j",
        rowsPerTransaction: rowsPerStatement,
        writers: 3,
        onCommit: (index) => {
          checkpoints.push(index);
        },
      });
    } catch (error) {
      assert.ok(error instanceof StatementError, String(error));
      failure = error;
    }
    assert.ok(failure !== undefined, "the load must fail");
    assert.match(
      failure.message,
      /^statement 26 \(line 26: UNWIND \[\) failed \[Neo\.ClientError\.[A-Za-z.]+\]/,
    );
    assert.ok(
      failure.lastCompleteStatement < 26,
      `checkpoint ${failure.lastCompleteStatement} passed the failure`,
    );
    assert.deepEqual(
      checkpoints,
      [...checkpoints].sort((a, b) => a - b),
      "checkpoints only move forward",
    );
    assert.equal(checkpoints.at(-1) ?? 0, failure.lastCompleteStatement);
    const present = await statementsInGraph(driver);
    for (let s = 2; s <= failure.lastCompleteStatement; s++)
      assert.ok(present.has(s), `statement ${s} is before the checkpoint but not in the graph`);
    assert.ok(!present.has(26), "the failed batch left nothing behind");
    const rels = await driver.executeQuery("MATCH ()-[r:LAST]->() RETURN count(r) AS n");
    assert.equal(Number(rels.records[0]?.get("n")), 0, "nothing after the failure ran");

    const sections: SectionTiming[] = [];
    const counters = await executeStatements(driver, script(), {
      database: "neo4j",
      rowsPerTransaction: rowsPerStatement,
      writers: 3,
      startAfter: failure.lastCompleteStatement,
      onSection: (timing) => sections.push(timing),
    });
    assert.equal((await statementsInGraph(driver)).size, nodeStatements);
    const nodes = await driver.executeQuery("MATCH (n:W) RETURN count(n) AS n");
    assert.equal(Number(nodes.records[0]?.get("n")), nodeStatements * rowsPerStatement);
    // The relationship needs the last node: it ran only after every node batch committed.
    assert.equal(counters.relationshipsCreated, 1);
    assert.deepEqual(
      sections.map((s) => s.section),
      failure.lastCompleteStatement >= 1 ? ["nodes", "relationships"] : ["schema", "nodes", "relationships"],
    );
  });

  it("a stop request ends at a checkpoint that has everything before it", async () => {
    await cleanGraph(driver);
    let stop = false;
    let stopped: StopRequested | undefined;
    try {
      await executeStatements(driver, script(), {
        database: "neo4j",
        rowsPerTransaction: rowsPerStatement,
        writers: 2,
        onCommit: (index) => {
          if (index >= 10) stop = true;
        },
        shouldStop: () => stop,
      });
    } catch (error) {
      assert.ok(error instanceof StopRequested, String(error));
      stopped = error;
    }
    assert.ok(stopped !== undefined, "the load must stop");
    assert.ok(stopped.lastCompleteStatement >= 10 && stopped.lastCompleteStatement < 42);
    const present = await statementsInGraph(driver);
    for (let s = 2; s <= stopped.lastCompleteStatement; s++)
      assert.ok(present.has(s), `statement ${s} missing`);
  });

  it("sends columns that mix kinds of value as plain values: the same graph as the literal script", async () => {
    // Hand-edited rows: a column that turns from integers to a string and a huge integer, one from
    // datetime to date, one that is only sometimes present, and a key above 2^53.
    const rows = [
      "{`k`: 1, `a`: 7, `t`: datetime('2025-01-01T10:00:00+02:00'), `d`: duration('P1DT2H')}",
      "{`k`: 2, `a`: -12345678901234, `t`: datetime('2025-01-01T10:00:00Z')}",
      "{`k`: 3, `a`: 'seven', `t`: date('2025-01-02'), `d`: duration('PT0.5S')}",
      "{`k`: 9007199254740993, `a`: 9223372036854775807, `t`: localdatetime('2025-01-03T04:05:06.123456789'), `x`: true}",
    ];
    const statements: Statement[] = rows.map((row, i) => ({
      ...statementOf(`UNWIND [\n${row}\n] AS row\nMERGE (n:\`W\` {\`k\`: row.\`k\`})\nSET n = row`),
      index: i + 1,
      line: i + 1,
    }));
    const snapshot = async () => {
      const result = await driver.executeQuery(
        "MATCH (n:W) WITH n ORDER BY n.k RETURN collect([k IN keys(n) | [k, toString(n[k]), valueType(n[k])]]) AS s",
      );
      return JSON.stringify(result.records[0]?.get("s"));
    };
    await cleanGraph(driver);
    await executeStatements(driver, statements, { database: "neo4j", literal: true });
    const literal = await snapshot();
    assert.match(literal, /"a","seven","STRING NOT NULL"/);
    await cleanGraph(driver);
    const counters = await executeStatements(driver, statements, { database: "neo4j" });
    assert.equal(counters.statements, 4);
    assert.equal(await snapshot(), literal);
  });

  it("reports Neo4j's own error when an auto-commit IN TRANSACTIONS statement fails", async () => {
    await cleanGraph(driver);
    const statements: Statement[] = [
      { ...statementOf("CREATE (:W {k: 1})"), index: 1, line: 1 },
      {
        ...statementOf(
          "UNWIND [1, 0] AS x\nCALL { WITH x CREATE (:W {k: 10 / x}) } IN TRANSACTIONS OF 1 ROWS",
        ),
        index: 2,
        line: 3,
      },
    ];
    const failure = await executeStatements(driver, statements, { database: "neo4j" }).then(
      () => assert.fail("division by zero must fail the load"),
      (error: unknown) => error,
    );
    assert.ok(failure instanceof StatementError, String(failure));
    // Not a retryable error: reported at once, with Neo4j's code and message.
    assert.match(
      failure.message,
      /^statement 2 \(line 3: UNWIND \[1, 0\] AS x\) failed \[Neo\.ClientError\.Statement\.ArithmeticError\]: .*\/ by zero/,
    );
    assert.equal(failure.neo4jCode, "Neo.ClientError.Statement.ArithmeticError");
    assert.equal(failure.lastCompleteStatement, 1);
  });
});

describe("parseNodeBatch", () => {
  const statement = (...rows: string[]) =>
    statementOf(`UNWIND [\n${rows.join(",\n")}\n] AS row\nMERGE (n:\`W\` {\`k\`: row.\`k\`})\nSET n = row`);

  it("decodes rows whatever the order of their keys, each value under its own key", () => {
    const batch = parseNodeBatch(
      statement("{`k`: 1, `a`: 'x'}", "{`a`: 'y', `k`: 2}", "{`b`: true, `k`: 3}"),
    );
    assert.ok(batch !== undefined, "rows with keys in another order must still decode");
    assert.deepEqual(batch.table.keys, ["k", "a", "b"]);
    // k is an integer column: its values travel as numbers, under toInteger.
    assert.deepEqual(batch.table.rows, [
      [1, "x"],
      [2, "y"],
      [3, null, true],
    ]);
    assert.match(
      batch.table.rowProjection("r"),
      /^WITH \{`k`: toInteger\(r\[0\]\), `a`: r\[1\], `b`: r\[2\]\} AS row$/,
    );
  });

  it("leaves a row with a key written twice to run as written", () => {
    assert.equal(parseNodeBatch(statement("{`k`: 1, `a`: 'x', `a`: 'y'}")), undefined);
  });
});

describe("sectionOf", () => {
  it("reads generate's section markers from a statement's leading comments only", () => {
    assert.equal(sectionOf(statementOf("// ---- schema ----\nCREATE INDEX x FOR (n:A) ON (n.b)")), "schema");
    assert.equal(
      sectionOf(statementOf("\n// ---- nodes :A from db.a ----\nUNWIND [] AS row RETURN row")),
      "nodes",
    );
    assert.equal(
      sectionOf(statementOf("// header\n//\n// ---- relationships ----\nMATCH (n) RETURN n")),
      "relationships",
    );
    assert.equal(sectionOf(statementOf("MATCH (n) RETURN '// ---- schema ----'")), undefined);
    assert.equal(sectionOf(statementOf("RETURN 1\n// ---- schema ----")), undefined);
    assert.equal(sectionOf(statementOf("// ---- schemas ----\nRETURN 1")), undefined);
  });
});
