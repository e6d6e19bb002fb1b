/**
 * The first load of a relationship type CREATEs where the script MERGEs: recognised only for
 * c360's own direct statements, and only while the type is absent from the graph.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { int, type Driver } from "neo4j-driver";
import { codeOf } from "../src/script/lexer.js";
import {
  firstLoadForm,
  relationshipStatement,
  relationshipWrite,
  type RelationshipShape,
} from "../src/script/relationships.js";
import { executeStatements } from "../src/load/execute.js";
import { statementOf } from "./helpers/statements.js";
import { cleanGraph, testDriver } from "./helpers/neo4j.js";
import { relationshipPlan, runAutoCommit } from "./helpers/relationships.js";

const owners = 50;
const pets = 400;

const owns = relationshipPlan("OWNS", "Owner", "Pet", { direct: [{ from: "owner_id", to: "owner_ref" }] });
const oddType = relationshipPlan("IS `ODD`", "Owner", "Pet", {
  direct: [{ from: "owner_id", to: "owner_ref" }],
});
const junction = relationshipPlan("FED", "Owner", "Pet", {
  junction: {
    label: "Meal",
    toFrom: [{ junction: "owner_ref", from: "owner_id" }],
    toTo: [{ junction: "pet_ref", to: "pet_id" }],
  },
});

const shapes: Array<[string, RelationshipShape]> = [
  ["hash join, scanning to", { scanFrom: false, hashJoined: new Set(["from"]) }],
  ["index seek, scanning to", { scanFrom: false, hashJoined: new Set() }],
  ["hash join, scanning from", { scanFrom: true, hashJoined: new Set(["to"]) }],
  ["index seek, scanning from", { scanFrom: true, hashJoined: new Set() }],
];

describe("firstLoadForm", () => {
  for (const [name, shape] of shapes) {
    it(`recognises generate's direct statement (${name})`, () => {
      for (const plan of [owns, oddType]) {
        const text = relationshipStatement(plan, shape, 1);
        const form = firstLoadForm(statementOf(text));
        assert.ok(form !== undefined, text);
        assert.equal(form.type, plan === owns ? "`OWNS`" : "`IS ``ODD```");
        assert.equal(
          form.createText,
          codeOf(statementOf(text)).replace(
            relationshipWrite(plan.type, 1, "MERGE"),
            relationshipWrite(plan.type, 1, "CREATE"),
          ),
        );
      }
    });
  }

  it("leaves junction statements and edited statements as written", () => {
    const text = relationshipStatement(owns, shapes[0]?.[1] as RelationshipShape, 1);
    const edits = [
      relationshipStatement(junction, { scanFrom: true, hashJoined: new Set(["from", "to"]) }, 1),
      relationshipStatement(junction, { scanFrom: true, hashJoined: new Set() }, 1),
      // Another MATCH would repeat pairs.
      text.replace("CALL {", "MATCH (x:`Pet`)\nCALL {"),
      text.replace("SET r.`c360_run` = 1", "SET r.`c360_run` = 1\n  SET to.seen = true"),
      text.replace("MERGE (from)-[r:`OWNS`]->(to)", "MERGE (to)-[r:`OWNS`]->(from)"),
      text.replace("SET r.`c360_run` = 1", "SET r.`c360_run` = 01"),
      text
        .replace("MATCH (from:`Owner`)", "MATCH (to:`Owner`)")
        .replace("USING SCAN from:", "USING SCAN to:"),
      text.replace("WHERE from.`owner_id` = to.`owner_ref`", "WHERE from.`owner_id` <> to.`owner_ref`"),
      `${text}\nRETURN 1`,
    ];
    for (const edited of edits) assert.equal(firstLoadForm(statementOf(edited)), undefined, edited);
  });
});

describe("executeStatements: relationship types loaded for the first time", () => {
  let driver: Driver;

  const statement = (text: string) => [statementOf(text)];
  const pairsMoreThanOnce = async (type: string) => {
    const result = await driver.executeQuery(
      `MATCH (o:Owner)-[r:${type}]->(p:Pet) WITH o, p, count(r) AS n WHERE n > 1 RETURN count(*) AS pairs`,
    );
    return Number(result.records[0]?.get("pairs"));
  };

  before(async () => {
    driver = testDriver();
    await cleanGraph(driver);
    await driver.executeQuery("UNWIND range(0, $owners - 1) AS i CREATE (:Owner {owner_id: i})", {
      owners: int(owners),
    });
    await driver.executeQuery(
      "UNWIND range(0, $pets - 1) AS i CREATE (:Pet {pet_id: i, owner_ref: i % $owners})",
      { pets: int(pets), owners: int(owners) },
    );
  });

  after(async () => {
    await cleanGraph(driver);
    await driver.close();
  });

  for (const [name, shape] of shapes) {
    it(`creates each pair once, and a replay or a partly loaded type MERGEs (${name})`, async () => {
      await driver.executeQuery("MATCH ()-[r:OWNS]->() DELETE r");
      const text = relationshipStatement(owns, shape, 1);
      const first = await executeStatements(driver, statement(text), { database: "neo4j" });
      assert.equal(first.relationshipsCreated, pets);
      assert.equal(await pairsMoreThanOnce("OWNS"), 0);

      const replay = await executeStatements(driver, statement(text), { database: "neo4j" });
      assert.equal(replay.relationshipsCreated, 0);

      // A load that stopped part way: some pairs exist, so the statement must MERGE.
      await driver.executeQuery("MATCH (:Owner)-[r:OWNS]->(p:Pet) WHERE p.pet_id >= 100 DELETE r");
      const resumed = await executeStatements(driver, statement(text), { database: "neo4j" });
      assert.equal(resumed.relationshipsCreated, pets - 100);
      assert.equal(await pairsMoreThanOnce("OWNS"), 0);
    });
  }

  it("would duplicate pairs if it CREATEd over an existing type (what the check prevents)", async () => {
    const text = relationshipStatement(owns, shapes[0]?.[1] as RelationshipShape, 1);
    const form = firstLoadForm(statementOf(text));
    assert.ok(form !== undefined);
    await runAutoCommit(driver, form.createText);
    assert.equal(await pairsMoreThanOnce("OWNS"), pets);
  });
});
