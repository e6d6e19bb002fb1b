import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Record as Neo4jRecord } from "neo4j-driver";
import { initControlDb } from "../src/control/migrate.js";
import { generate } from "../src/generate/generate.js";
import { silentLogger } from "../src/logger.js";
import { emptyDir } from "./helpers/cli.js";
import { cleanGraph, testDriver } from "./helpers/neo4j.js";
import {
  createDatabase,
  dropDatabases,
  query,
  registerTable,
  testServer,
  uniqueName,
} from "./helpers/postgres.js";
import { graphSnapshot, runScript } from "./helpers/universe.js";
import { parseNodeBatch } from "../src/script/node-batches.js";
import { statementOf } from "./helpers/statements.js";
import { typeMatrixSchema } from "./helpers/type-matrix.js";
import { readFileSync } from "node:fs";

const driver = testDriver();
const control = uniqueName("types_control");
const source = uniqueName("types_source");

let row: (id: number) => Neo4jRecord;
let scriptPath: string;

before(async () => {
  await createDatabase(source);
  await query(source, typeMatrixSchema);
  const controlDb = testServer(control);
  await initControlDb(controlDb, silentLogger());
  await registerTable(control, "typed_db", source, "typed", "Typed");
  await cleanGraph(driver);
  const result = await generate({ controlDb, outputDir: emptyDir(), logger: silentLogger() });
  scriptPath = result.script.path;
  await runScript(driver, scriptPath);
  const { records } = await driver.executeQuery(
    "MATCH (n:Typed) RETURN n.id AS id, n AS n, [k IN keys(n) | [k, valueType(n[k])]] AS types ORDER BY n.id",
  );
  row = (id) => records.find((r) => r.get("id") === BigInt(id)) as Neo4jRecord;
});

after(async () => {
  await driver.close();
  await dropDatabases([control, source]);
});

/** The column properties' types: c360's own properties (c360_hash, c360_run) are tested apart. */
function typesOf(id: number): Record<string, string> {
  return Object.fromEntries(
    (row(id).get("types") as Array<[string, string]>).filter(([key]) => !key.startsWith("c360_")),
  );
}

function props(id: number): Record<string, unknown> {
  return (row(id).get("n") as { properties: Record<string, unknown> }).properties;
}

async function check(id: number, expression: string): Promise<unknown> {
  const { records } = await driver.executeQuery(`MATCH (n:Typed {id: $id}) RETURN ${expression} AS v`, {
    id: BigInt(id),
  });
  return records[0]?.get("v");
}

describe("type fidelity: every documented PostgreSQL type arrives as its documented Cypher type", () => {
  it("maps each column to the documented type", () => {
    assert.deepEqual(typesOf(1), {
      id: "INTEGER NOT NULL",
      c_smallint: "INTEGER NOT NULL",
      c_int: "INTEGER NOT NULL",
      c_bigint: "INTEGER NOT NULL",
      c_numeric: "FLOAT NOT NULL",
      c_real: "FLOAT NOT NULL",
      c_double: "FLOAT NOT NULL",
      c_bool: "BOOLEAN NOT NULL",
      c_text: "STRING NOT NULL",
      c_varchar: "STRING NOT NULL",
      c_char: "STRING NOT NULL",
      c_enum: "STRING NOT NULL",
      c_uuid: "STRING NOT NULL",
      c_inet: "STRING NOT NULL",
      c_cidr: "STRING NOT NULL",
      c_macaddr: "STRING NOT NULL",
      c_date: "DATE NOT NULL",
      c_timestamptz: "ZONED DATETIME NOT NULL",
      c_timestamp: "LOCAL DATETIME NOT NULL",
      c_time: "LOCAL TIME NOT NULL",
      c_timetz: "ZONED TIME NOT NULL",
      c_interval: "DURATION NOT NULL",
      c_json: "STRING NOT NULL",
      c_jsonb: "STRING NOT NULL",
      c_bytea: "STRING NOT NULL",
      c_int_array: "LIST<INTEGER NOT NULL> NOT NULL",
      c_text_array: "LIST<STRING NOT NULL> NOT NULL",
      c_nested: "STRING NOT NULL",
      c_date_array: "LIST<DATE NOT NULL> NOT NULL",
      c_domain: "INTEGER NOT NULL",
    });
  });

  it("keeps integers exact beyond 2^53, to the limits of int64", () => {
    assert.equal(props(1).c_bigint, 9007199254740993n);
    assert.equal(props(2).c_bigint, -9223372036854775808n);
    assert.deepEqual(props(1).c_int_array, [1n, 9223372036854775807n]);
    assert.equal(props(1).c_smallint, -32768n);
  });

  it("writes numeric and floating values, NaN and infinities as valid floats", async () => {
    assert.equal(props(1).c_numeric, 12345.6789);
    assert.equal(props(4).c_numeric, 0.00001);
    assert.equal(props(1).c_real, 1.5);
    assert.equal(props(1).c_double, 0.1);
    assert.equal(await check(2, "n.c_double <> n.c_double"), true, "NaN is not equal to itself");
    assert.equal(await check(2, "n.c_numeric <> n.c_numeric"), true, "numeric NaN too");
    assert.equal(props(2).c_real, Infinity);
    assert.equal(props(4).c_real, -Infinity);
    assert.ok(Object.is(props(4).c_double, -0));
  });

  it("keeps strings, enums and network types as text, byte-exact", () => {
    assert.equal(props(1).c_text, "multi\nline; // 'quoted'");
    assert.equal(props(2).c_text, "");
    assert.equal(props(1).c_char, "ab   ", "char(n) keeps its padding");
    assert.equal(props(1).c_enum, "it's complicated");
    assert.equal(props(1).c_uuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    assert.equal(props(1).c_inet, "192.168.0.1");
    assert.equal(props(2).c_cidr, "2001:db8::/32");
    assert.equal(props(1).c_macaddr, "08:00:2b:01:02:03");
  });

  it("writes dates, times and timestamps as Neo4j temporal values", async () => {
    assert.equal(await check(1, "n.c_date = date('2025-01-02')"), true);
    assert.equal(await check(1, "n.c_timestamptz = datetime('2025-01-01T21:34:05.123456Z')"), true);
    assert.equal(await check(1, "n.c_timestamptz.hour"), 21n);
    assert.equal(await check(1, "n.c_timestamp = localdatetime('2025-01-02T03:04:05.5')"), true);
    assert.equal(await check(1, "n.c_time = localtime('13:14:15.25')"), true);
    assert.equal(await check(1, "n.c_timetz = time('13:14:15+05:30')"), true);
    assert.equal(await check(1, "n.c_interval = duration('P1Y2M3DT4H5M6.5S')"), true);
    assert.equal(await check(2, "n.c_interval = duration('P-1DT-0.000001S')"), true);
    assert.equal(await check(4, "n.c_date = date('-0043-03-15')"), true, "44 BC is astronomical year -43");
    assert.equal(await check(4, "n.c_timestamptz = datetime('-0043-03-15T12:00:00Z')"), true);
    assert.equal(await check(4, "n.c_timetz = time('23:59:59.999999+14:00')"), true);
    assert.equal(
      await check(1, "duration.inDays(n.c_timestamptz, datetime('2025-02-01T21:34:05.123456Z')).days"),
      31n,
    );
  });

  it("maps PostgreSQL's infinities to the extremes Neo4j can hold, keeping their order", async () => {
    assert.equal(await check(2, "n.c_date = date('+999999999-12-31')"), true);
    assert.equal(await check(2, "n.c_timestamptz = datetime('-999999999-01-01T00:00:00Z')"), true);
    assert.equal(
      await check(2, "n.c_timestamp = localdatetime('+999999999-12-31T23:59:59.999999999')"),
      true,
    );
    assert.equal(
      await check(2, "n.c_time = localtime('23:59:59.999999999')"),
      true,
      "24:00:00 is the end of the day",
    );
    assert.equal(await check(2, "n.c_date > date('9999-12-31')"), true);
    assert.equal(await check(1, "n.c_date_array[1] > date('9999-12-31')"), true);
  });

  it("keeps JSON as its text and bytea as base64", () => {
    assert.equal(props(1).c_json, '{"a": [1, "x"]}');
    assert.equal(props(1).c_jsonb, '{"b": null}');
    assert.equal(props(4).c_jsonb, '"just a string"');
    assert.equal(props(4).c_json, "null", "a JSON null is a JSON text, not an absent property");
    assert.equal(props(1).c_bytea, Buffer.from([1, 2, 255]).toString("base64"));
    assert.equal(props(2).c_bytea, "");
    assert.equal(props(4).c_bytea, "AA==");
  });

  it("writes arrays as lists without their NULL elements; a nested array as its JSON text", () => {
    assert.deepEqual(props(1).c_text_array, ['a"b', "c,d"]);
    assert.deepEqual(props(4).c_text_array, ["🎬"]);
    assert.deepEqual(props(2).c_int_array, []);
    assert.equal(props(1).c_nested, '[["1","2"],["3","4"]]');
    assert.deepEqual(props(4).c_nested, [5n]);
  });

  it("leaves NULL columns out: the property is absent", () => {
    assert.deepEqual(Object.keys(props(3)).sort(), ["c360_hash", "c360_run", "id"]);
  });

  it("stamps every node with its row's hash and the run that wrote it, as integers", () => {
    for (const id of [1, 2, 3]) {
      const types = Object.fromEntries(row(id).get("types") as Array<[string, string]>);
      assert.equal(types.c360_hash, "INTEGER NOT NULL");
      assert.equal(types.c360_run, "INTEGER NOT NULL");
    }
    assert.notEqual(props(1).c360_hash, props(2).c360_hash, "different rows, different hashes");
  });

  it("loads the same graph through parameterized batches as by running the literal script", async () => {
    const parameterized = await graphSnapshot(driver);
    const counters = await runScript(driver, scriptPath); // idempotent replay
    assert.equal(counters.nodesCreated, 0);
    await cleanGraph(driver);
    await runScript(driver, scriptPath, true);
    assert.equal(await graphSnapshot(driver), parameterized);
    const batch = parseNodeBatch(
      statementOf(
        readFileSync(scriptPath, "utf8")
          .split(";\n")
          .find((s) => s.includes("UNWIND [")) ?? "",
      ),
    );
    assert.equal(batch?.rows, 4, "the node statement (with its header comment) is recognised");
  });
});
