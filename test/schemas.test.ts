/**
 * Tables in any schema: a label mapping's schema_name (quoted everywhere, so a mixed-case schema
 * works), validated against the catalog, shown as source.schema.table, with a relationship to it
 * from a table in public, an exclusion rule on it, and a sync that converges.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ExitCode } from "../src/errors.js";
import { emptyDir, runCli } from "./helpers/cli.js";
import { query } from "./helpers/postgres.js";
import { useSampleUniverse } from "./helpers/universe.js";

const suite = useSampleUniverse("schemas");
const env = () => suite.env();

async function count(cypher: string): Promise<number> {
  const result = await suite.driver.executeQuery(cypher);
  return Number(result.records[0]?.get("n"));
}

describe("tables outside schema public", () => {
  it("loads a table in another schema, joins it, excludes its columns, and syncs it", async () => {
    const profiles = suite.universe().source("profiles_db");
    const control = suite.universe().controlDb.database;
    await query(
      profiles,
      `CREATE SCHEMA "Sales";
       CREATE TABLE "Sales".orders (order_id int PRIMARY KEY, account_id uuid NOT NULL, amount numeric(10, 2), internal_note text);
       INSERT INTO "Sales".orders
       SELECT n, account_id, n * 10.5, 'do not export'
       FROM (SELECT account_id, row_number() OVER (ORDER BY account_id)::int AS n FROM accounts LIMIT 5) AS a;`,
    );
    await query(
      control,
      `INSERT INTO node_label_mappings (source_id, schema_name, table_name, node_label, is_active)
       SELECT source_id, 'Sales', 'orders', 'Order', true FROM source_databases WHERE source_name = 'profiles_db';
       INSERT INTO field_exclusion_rules (source_id, table_name, column_name, is_excluded, reason)
       SELECT source_id, 'Sales.orders', 'internal_note', true, 'internal' FROM source_databases WHERE source_name = 'profiles_db';
       INSERT INTO relationship_mappings (source_db, relationship_type, from_label, to_label, join_condition, is_active, execution_order)
       VALUES ('profiles_db', 'PLACED', 'Account', 'Order', 'a.account_id = o.account_id', true, 8);`,
    );

    const dryRun = await runCli(["generate", "--dry-run"], { env: env() });
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.match(dryRun.stdout, /^:Order {2}<- {2}profiles_db\.Sales\.orders {2}\(key: order_id\)$/m);
    assert.match(dryRun.stdout, /^:Account {2}<- {2}profiles_db\.public\.accounts/m);
    assert.match(dryRun.stdout, /internal_note {2}EXCLUDED \(internal\)/);

    const full = await runCli(["run", "--clear", "--output-dir", emptyDir()], { env: env() });
    assert.equal(full.code, 0, full.stderr);
    const script = readFileSync(full.stdout.split("\n")[0] as string, "utf8");
    assert.match(
      script,
      /^\/\/ table profiles_db\.Sales\.orders -> :Order rows: 5; key: order_id; excluded: internal_note/m,
    );
    assert.doesNotMatch(script, /do not export/);
    assert.equal(await count("MATCH (o:Order) RETURN count(o) AS n"), 5);
    assert.equal(await count("MATCH (:Account)-[r:PLACED]->(:Order) RETURN count(r) AS n"), 5);
    assert.equal(await count("MATCH (o:Order) WHERE o.internal_note IS NOT NULL RETURN count(o) AS n"), 0);

    await query(
      profiles,
      `UPDATE "Sales".orders SET amount = 1 WHERE order_id = 1; DELETE FROM "Sales".orders WHERE order_id = 5`,
    );
    const sync = await runCli(["run", "--allow-deletes", "--output-dir", emptyDir()], { env: env() });
    assert.equal(sync.code, 0, sync.stderr);
    assert.match(sync.stdout, /^:Order: 0 created, 1 updated, 1 deleted$/m);
    assert.equal(await count("MATCH (o:Order {order_id: 1}) WHERE o.amount = 1.0 RETURN count(o) AS n"), 1);
    assert.equal(await count("MATCH (:Account)-[r:PLACED]->(:Order) RETURN count(r) AS n"), 4);
  });

  it("refuses a schema that does not hold the table, naming it", async () => {
    const control = suite.universe().controlDb.database;
    await query(control, "UPDATE node_label_mappings SET schema_name = 'sales' WHERE node_label = 'Order'");
    const result = await runCli(["generate", "--dry-run"], { env: env() });
    assert.equal(result.code, ExitCode.config, result.stderr);
    assert.match(
      result.stderr,
      /node_label_mappings row \d+ \(sales\.orders -> Order\): table orders does not exist in profiles_db \(schema sales\)/,
    );
  });
});
