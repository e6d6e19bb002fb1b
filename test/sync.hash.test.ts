/**
 * Row hashes (src/extract/extract.ts) catch every change a full load would write, including those
 * PostgreSQL calls equal: numeric 1.0 against 1.00, an interval of a day against 24 hours, text
 * under a case-insensitive collation, json with other spacing. A sync after such changes must
 * leave the graph as a fresh full load would.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runPipeline } from "../src/run/pipeline.js";
import { silentLogger } from "../src/logger.js";
import { emptyDir } from "./helpers/cli.js";
import { query } from "./helpers/postgres.js";
import { useOneTable } from "./helpers/universe.js";

const outputDir = emptyDir();

const suite = useOneTable({
  name: "synchash",
  table: "things",
  label: "Thing",
  seed: async (source) => {
    await query(
      source,
      `CREATE COLLATION "ci" (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`,
    );
    await query(
      source,
      `CREATE TABLE "things" ("id" int PRIMARY KEY, "amount" numeric, "name" text COLLATE "ci",
         "span" interval, "doc" json, "tags" text[], "score" float8, "at" timestamptz)`,
    );
    await query(
      source,
      `INSERT INTO "things" SELECT i, 1.0, 'Name', interval '1 day', '{"a":1}', ARRAY['x'], 0.5,
         timestamptz '2026-01-01 00:00:00+00' FROM generate_series(1, 10) i`,
    );
  },
});
const { driver, source } = suite;
const config = suite.config();

/** Every Thing's properties but the run stamp, by id, as comparable text. */
async function things(): Promise<string> {
  const result = await driver.executeQuery(
    "MATCH (n:Thing) WITH n ORDER BY n.id " +
      "RETURN [k IN keys(n) WHERE k <> 'c360_run' | [k, n[k]]] AS props",
  );
  const text = (value: unknown) =>
    JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return text(
    result.records.map((r) =>
      (r.get("props") as Array<[string, unknown]>).map(([k, v]) => `${k}=${text(v)}`).sort(),
    ),
  );
}

describe("row hashes", () => {
  it("see changes between values PostgreSQL calls equal, and a sync writes them", async () => {
    const run = (clear = false) => runPipeline({ config, logger: silentLogger(), outputDir, clear });
    assert.equal((await run()).kind, "full");
    assert.equal((await run()).script, undefined, "nothing changed yet");
    await query(source, `UPDATE "things" SET "amount" = 1.00 WHERE "id" = 1`);
    await query(source, `UPDATE "things" SET "name" = 'NAME' WHERE "id" = 2`);
    await query(source, `UPDATE "things" SET "span" = interval '24 hours' WHERE "id" = 3`);
    await query(source, `UPDATE "things" SET "doc" = '{"a": 1}' WHERE "id" = 4`);
    await query(source, `UPDATE "things" SET "tags" = ARRAY['x', NULL] WHERE "id" = 5`);
    await query(source, `UPDATE "things" SET "score" = NULL WHERE "id" = 6`);
    const synced = await run();
    const counts = [...(synced.changes ?? [])].map(([, c]) => [c.created, c.updated, c.deleted]);
    assert.deepEqual(counts, [[0, 6, 0]]);
    const afterSync = await things();
    await run(true);
    assert.equal(afterSync, await things(), "the synced graph equals a fresh full load");
  });
});
