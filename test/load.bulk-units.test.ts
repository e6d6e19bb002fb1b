import assert from "node:assert/strict";
import { describe, it } from "node:test";
import neo4j from "neo4j-driver";
import {
  parseRelationshipStatement,
  relationshipStatement,
  type RelationshipShape,
} from "../src/script/relationships.js";
import { statementOf } from "./helpers/statements.js";
import {
  arrayDelimiter,
  compositeKey,
  csvValue,
  headerNameProblem,
  keyPart,
  quoteField,
} from "../src/load/bulk/csv.js";
import { relationshipPlan } from "./helpers/relationships.js";

describe("import fields", () => {
  it("quotes text, doubling quotes; commas, line breaks and backslashes stay as they are", () => {
    assert.equal(quoteField(""), '""');
    assert.equal(quoteField('a,"b"\nc\\'), '"a,""b""\nc\\"');
  });

  it("types each value as the importer needs it", () => {
    assert.deepEqual(csvValue(42, "int"), { type: "long", field: "42" });
    assert.deepEqual(csvValue(neo4j.int("-9223372036854775808"), "plain"), {
      type: "long",
      field: "-9223372036854775808",
    });
    assert.deepEqual(csvValue(1.5, "plain"), { type: "double", field: "1.5" });
    assert.deepEqual(csvValue(NaN, "plain"), { type: "double", field: "NaN" });
    assert.deepEqual(csvValue(-Infinity, "plain"), { type: "double", field: "-Infinity" });
    assert.deepEqual(csvValue(-0, "plain"), { type: "double", field: "-0.0" });
    assert.deepEqual(csvValue(1e21, "plain"), { type: "double", field: "1e+21" });
    assert.deepEqual(csvValue(false, "plain"), { type: "boolean", field: "false" });
    assert.deepEqual(csvValue("it's", "plain"), { type: "string", field: '"it\'s"' });
    assert.deepEqual(csvValue("2025-01-02T03:04:05+05:30", "call:datetime"), {
      type: "datetime",
      field: '"2025-01-02T03:04:05+05:30"',
    });
    assert.deepEqual(csvValue("P1D", "call:duration"), { type: "duration", field: '"P1D"' });
  });

  it("joins list elements with the array delimiter, and refuses lists it could not give back", () => {
    assert.deepEqual(csvValue(["a,b", 'c"', ""], "plain"), {
      type: "string[]",
      field: `"a,b${arrayDelimiter}c""${arrayDelimiter}"`,
    });
    assert.deepEqual(csvValue([neo4j.int(1), neo4j.int(2)], "plain"), {
      type: "long[]",
      field: `"1${arrayDelimiter}2"`,
    });
    assert.equal(csvValue([], "plain"), undefined, "an empty field reads as no value");
    assert.equal(csvValue([""], "plain"), undefined, "as does a list of one empty string");
    assert.equal(csvValue(["a", 1.5], "plain"), undefined, "mixed elements");
    assert.equal(csvValue([`a${arrayDelimiter}b`], "plain"), undefined, "an element holding the delimiter");
    assert.equal(csvValue([new neo4j.types.Date(2025, 1, 1)], "plain"), undefined, "temporal elements");
    assert.equal(csvValue("x", "call:toFloat"), undefined);
  });

  it("refuses property names an import header cannot carry", () => {
    assert.equal(headerNameProblem("plain name; with.dots"), undefined);
    assert.match(headerNameProblem("a:b") ?? "", /colon/);
    assert.match(headerNameProblem("a,b") ?? "", /comma/);
    assert.match(headerNameProblem(" a") ?? "", /white space/);
  });
});

describe("join keys", () => {
  it("are equal where Cypher's = is true, and only there", () => {
    assert.equal(keyPart(1, "int"), keyPart(1.0, "plain"), "1 = 1.0");
    assert.equal(keyPart(neo4j.int(7), "plain"), keyPart(7, "int"));
    assert.equal(keyPart(0, "int"), keyPart(-0, "plain"));
    assert.notEqual(keyPart("1", "plain"), keyPart(1, "int"), "'1' <> 1");
    assert.notEqual(keyPart(true, "plain"), keyPart("true", "plain"));
    assert.notEqual(keyPart(1.5, "plain"), keyPart(1, "int"));
  });

  it("match nothing for NULL and NaN, and are undefined for values c360 leaves to Neo4j", () => {
    assert.equal(keyPart(null, "plain"), null);
    assert.equal(keyPart(undefined, "int"), null);
    assert.equal(keyPart(NaN, "plain"), null);
    assert.equal(keyPart("2025-01-01", "call:date"), undefined);
    assert.equal(keyPart(["a"], "plain"), undefined);
  });

  it("compose without ambiguity", () => {
    assert.notEqual(compositeKey(["sa", "sbc"]), compositeKey(["sab", "sc"]));
    assert.equal(compositeKey(["sx"]), "sx");
  });
});

describe("recognising c360's relationship statements", () => {
  const tagged: Parameters<typeof relationshipPlan> = [
    "TAGGED",
    "Ticket",
    "Tag",
    {
      junction: {
        label: "Link",
        toFrom: [{ junction: "ticket_id", from: "ticket_id" }],
        toTo: [{ junction: "tag_id", to: "tag_id" }],
      },
    },
  ];
  const shapes: Array<[string, Parameters<typeof relationshipPlan>, RelationshipShape]> = [
    [
      "direct, to side hash-joined",
      ["OWNS", "Owner", "Pet", { direct: [{ from: "owner_id", to: "owner_ref" }] }],
      { scanFrom: false, hashJoined: new Set(["from"]) },
    ],
    [
      "direct, scanned from, index seek",
      ["OWNS", "Owner", "Pet", { direct: [{ from: "a", to: "b" }] }],
      { scanFrom: true, hashJoined: new Set() },
    ],
    [
      "composite keys and odd names",
      [
        "IS `ODD`",
        "Own er",
        "P`et",
        {
          direct: [
            { from: "k 1", to: "r`1" },
            { from: "k, 2", to: "r AND 2" },
          ],
        },
      ],
      { scanFrom: true, hashJoined: new Set(["to"]) },
    ],
    ["junction, both ends hash-joined", tagged, { scanFrom: true, hashJoined: new Set(["from", "to"]) }],
    ["junction, one end by index", tagged, { scanFrom: true, hashJoined: new Set(["from"]) }],
  ];

  for (const [name, args, shape] of shapes) {
    it(`gives back the plan and shape it was written from: ${name}`, () => {
      const plan = relationshipPlan(...args);
      const parts = parseRelationshipStatement(statementOf(relationshipStatement(plan, shape, 1)));
      assert.ok(parts !== undefined);
      assert.deepEqual(parts.shape, shape);
      assert.equal(parts.relationship.type, plan.type);
      assert.equal(parts.relationship.fromLabel, plan.fromLabel);
      assert.equal(parts.relationship.toLabel, plan.toLabel);
      assert.deepEqual(parts.relationship.direct, plan.direct);
      assert.deepEqual(parts.relationship.junction, plan.junction);
    });
  }

  it("does not recognise an edited statement", () => {
    const text = relationshipStatement(
      relationshipPlan(...(shapes[0] as (typeof shapes)[0])[1]),
      {
        scanFrom: false,
        hashJoined: new Set(["from"]),
      },
      1,
    );
    assert.ok(parseRelationshipStatement(statementOf(text)) !== undefined);
    for (const edited of [
      text.replace("IS NOT NULL", "IS NOT NULL AND to.`x` > 1"),
      text.replace("MERGE", "CREATE"),
      text.replace("10000 ROWS", "10 ROWS"),
      `${text}\nRETURN 1`,
      text.replace("WITH from, to", "WITH from, to, 1 AS x"),
      "MATCH (n) DETACH DELETE n",
    ]) {
      assert.equal(parseRelationshipStatement(statementOf(edited)), undefined, edited);
    }
  });
});
