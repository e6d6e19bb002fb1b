/**
 * How relationship statements find their ends. Planner choices depend on label sizes, so the plans
 * are checked on a graph large enough for a plan to matter (the sample universe is too small:
 * there, a cartesian product of a few nodes is as good as any join).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { int } from "neo4j-driver";
import {
  hashJoinMaxRows,
  relationshipShapes,
  relationshipStatement,
  type RelationshipShape,
} from "../src/script/relationships.js";
import type { ExportPlan, RelationshipPlan, TablePlan } from "../src/metadata/plan.js";
import { cleanGraph, testDriver } from "./helpers/neo4j.js";
import { relationshipPlan, runAutoCommit } from "./helpers/relationships.js";

const driver = testDriver();

const events = 30_000;
const accounts = 3_000;
const media = 300;

// Accounts watch events (the event carries the account's key), events play media, and a
// junction label links accounts to the media they like.
const watched = relationshipPlan("WATCHED", "Acct", "Event", {
  direct: [{ from: "acct_id", to: "acct_ref" }],
});
const played = relationshipPlan("PLAYED", "Event", "Media", {
  direct: [{ from: "media_ref", to: "media_id" }],
});
const likes = relationshipPlan("LIKES", "Acct", "Media", {
  junction: {
    label: "Like",
    toFrom: [{ junction: "acct_ref", from: "acct_id" }],
    toTo: [{ junction: "media_ref", to: "media_id" }],
  },
});

async function plannedOperators(statement: string): Promise<string[]> {
  const { summary } = await driver.executeQuery(`EXPLAIN ${statement}`);
  const operators: string[] = [];
  interface PlanNode {
    operatorType: string;
    children: PlanNode[];
  }
  const walk = (node: PlanNode) => {
    operators.push(node.operatorType.replace(/@.*/, ""));
    node.children.forEach(walk);
  };
  walk(summary.plan as unknown as PlanNode);
  return operators;
}

before(async () => {
  // Integers, not floats: a float account number would give keys like "a-5.0".
  const sizes = { events: int(events), accounts: int(accounts), media: int(media) };
  await cleanGraph(driver);
  // The uniqueness constraints make index seeks available (and tempting) on every looked-up key.
  for (const [label, key] of [
    ["Acct", "acct_id"],
    ["Event", "event_id"],
    ["Media", "media_id"],
    ["Like", "like_id"],
  ]) {
    await driver.executeQuery(`CREATE CONSTRAINT FOR (n:${label}) REQUIRE n.${key} IS UNIQUE`);
  }
  await driver.executeQuery("UNWIND range(0, $accounts - 1) AS i CREATE (:Acct {acct_id: 'a-' + i})", {
    accounts,
  });
  await driver.executeQuery("UNWIND range(0, $media - 1) AS i CREATE (:Media {media_id: i})", {
    media: sizes.media,
  });
  // Every tenth event has no account; every event's media exists.
  await driver.executeQuery(
    `UNWIND range(0, $events - 1) AS i
     CREATE (:Event {event_id: i, acct_ref: CASE WHEN i % 10 = 0 THEN null ELSE 'a-' + (i % $accounts) END,
                     media_ref: i % $media})`,
    sizes,
  );
  await driver.executeQuery(
    "UNWIND range(0, $accounts - 1) AS i CREATE (:Like {like_id: i, acct_ref: 'a-' + i, media_ref: i % $media})",
    sizes,
  );
});

after(async () => {
  await cleanGraph(driver);
  await driver.close();
});

describe("relationship statements", () => {
  const cases: Array<[string, RelationshipPlan, RelationshipShape, number, number]> = [
    // name, relationship, shape, hash joins expected, relationships expected
    [
      "scanning the to side",
      watched,
      { scanFrom: false, hashJoined: new Set(["from"]) },
      1,
      (events * 9) / 10,
    ],
    ["scanning the from side", played, { scanFrom: true, hashJoined: new Set(["to"]) }, 1, events],
    ["through a junction label", likes, { scanFrom: true, hashJoined: new Set(["to"]) }, 1, accounts],
  ];
  /** Seeks per row are what a junction statement does for the end it does not hash-join. */
  const seeksAllowed = new Set(["through a junction label"]);

  for (const [name, plan, shape, joins, created] of cases) {
    it(`${name}: plans hash joins, no index seek per row, and creates what the keys match`, async () => {
      const statement = relationshipStatement(plan, shape, 1);
      const operators = await plannedOperators(statement);
      assert.equal(operators.filter((o) => o === "ValueHashJoin").length, joins, operators.join(", "));
      const slow = [
        "CartesianProduct",
        "Eager",
        ...(seeksAllowed.has(name) ? [] : ["NodeIndexSeek", "NodeUniqueIndexSeek"]),
      ];
      for (const operator of slow) assert.ok(!operators.includes(operator), operators.join(", "));
      assert.equal(await runAutoCommit(driver, statement), created);
      // MERGE: running it again creates nothing.
      assert.equal(await runAutoCommit(driver, statement), 0);
    });
  }

  it("with index lookups instead, creates the same relationships", async () => {
    for (const plan of [watched, played, likes]) {
      await driver.executeQuery(`MATCH ()-[r:${plan.type}]->() DELETE r`);
      const shape = { scanFrom: plan !== watched, hashJoined: new Set<"from" | "to">() };
      const statement = relationshipStatement(plan, shape, 1);
      assert.ok(
        (await plannedOperators(statement)).some((o) => o.includes("IndexSeek")),
        statement,
      );
      const expected = { WATCHED: (events * 9) / 10, PLAYED: events, LIKES: accounts }[plan.type];
      assert.equal(await runAutoCommit(driver, statement), expected, plan.type);
    }
  });
});

describe("relationshipShapes", () => {
  // Only labels and row counts matter to the shape.
  const table = (label: string) => ({ label }) as TablePlan;
  const [acct, event, mediaTable, like] = [table("Acct"), table("Event"), table("Media"), table("Like")];
  const exportPlan = (relationships: RelationshipPlan[]) =>
    ({ tables: [acct, event, mediaTable, like], relationships }) as unknown as ExportPlan;

  it("scans the larger side and hash-joins the other while it fits the limit", () => {
    const counts = new Map([
      [acct, 3_000],
      [event, 30_000],
      [mediaTable, 300],
      [like, 3_000],
    ]);
    const shapes = relationshipShapes(exportPlan([watched, played, likes]), counts);
    assert.deepEqual(shapes.get(watched), { scanFrom: false, hashJoined: new Set(["from"]) });
    assert.deepEqual(shapes.get(played), { scanFrom: true, hashJoined: new Set(["to"]) });
    // A junction hash-joins its smaller end (Media) and seeks the other.
    assert.deepEqual(shapes.get(likes), { scanFrom: true, hashJoined: new Set(["to"]) });
  });

  it("looks up a side larger than the limit through its index", () => {
    const counts = new Map([
      [acct, hashJoinMaxRows + 1],
      [event, hashJoinMaxRows * 3],
      [mediaTable, hashJoinMaxRows],
      [like, 10],
    ]);
    const shapes = relationshipShapes(exportPlan([watched, played, likes]), counts);
    assert.deepEqual(shapes.get(watched), { scanFrom: false, hashJoined: new Set() });
    assert.deepEqual(shapes.get(played), { scanFrom: true, hashJoined: new Set(["to"]) });
    assert.deepEqual(shapes.get(likes), { scanFrom: true, hashJoined: new Set(["to"]) });
    const statement = relationshipStatement(likes, shapes.get(likes) as RelationshipShape, 1);
    // The junction node is still needed inside, to seek the from side.
    assert.match(
      statement,
      /CALL \{\n {2}WITH link, to\n {2}MATCH \(from:`Acct` \{`acct_id`: link\.`acct_ref`\}\)/,
    );
  });
});
