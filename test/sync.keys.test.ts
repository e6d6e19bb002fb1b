/**
 * Sync keys in an order both sides agree on: text keys with characters whose UTF-16 order differs
 * from their code point order (above U+FFFF against U+E000..U+FFFF), and across page boundaries.
 * A sync over unchanged rows must find nothing to change; a changed row, exactly that row.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runPipeline } from "../src/run/pipeline.js";
import { silentLogger } from "../src/logger.js";
import { compareCodePoints } from "../src/sync/keys.js";
import { emptyDir } from "./helpers/cli.js";
import { query } from "./helpers/postgres.js";
import { useOneTable } from "./helpers/universe.js";

const outputDir = emptyDir();

/** Keys around the code points where UTF-16 and code point order part, and many plain ones. */
const awkward = [
  "a",
  "z",
  "\u00e9",
  "\ue000",
  "\uffff",
  "\u{1f600}",
  "\u{10ffff}",
  "\u{1f600}x",
  "x\u{1f600}",
];

const suite = useOneTable({
  name: "synckeys",
  table: "words",
  label: "Word",
  seed: async (source) => {
    await query(source, 'CREATE TABLE "words" ("word" text PRIMARY KEY, "n" int)');
    await query(source, 'INSERT INTO "words" SELECT w, 1 FROM unnest($1::text[]) w', [awkward]);
    // Enough rows to span several pages of the graph's key reading.
    await query(source, `INSERT INTO "words" SELECT 'w' || i, i FROM generate_series(1, 25000) i`);
  },
});
const { driver, source } = suite;
const config = suite.config();

describe("sync keys", () => {
  it("compares text by code point, as PostgreSQL's C collation sorts it", () => {
    const sorted = [...awkward].sort(compareCodePoints);
    const byCodePoints = [...awkward].sort((a, b) => {
      const x = [...a].map((c) => c.codePointAt(0) as number);
      const y = [...b].map((c) => c.codePointAt(0) as number);
      for (let i = 0; i < Math.min(x.length, y.length); i++)
        if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
      return x.length - y.length;
    });
    assert.deepEqual(sorted, byCodePoints);
  });

  it("finds nothing to change in unchanged rows, and exactly the changed ones", async () => {
    const run = (allowDeletes = false) =>
      runPipeline({ config, logger: silentLogger(), outputDir, allowDeletes });
    assert.equal((await run()).kind, "full");
    const unchanged = await run();
    assert.equal(unchanged.script, undefined, "nothing to change");
    await query(source, `UPDATE "words" SET "n" = -1 WHERE "word" = ANY($1::text[])`, [
      ["\u{1f600}", "\uffff"],
    ]);
    await query(source, `DELETE FROM "words" WHERE "word" = $1`, ["\ue000"]);
    const changed = await run();
    const counts = [...(changed.changes ?? [])].map(([, c]) => [c.created, c.updated, c.deleted]);
    assert.deepEqual(counts, [[0, 2, 1]]);
    const words = await driver.executeQuery(
      "MATCH (w:Word) WHERE w.n = -1 RETURN w.word AS word ORDER BY word",
    );
    assert.deepEqual(
      words.records.map((r) => r.get("word") as string).sort(),
      ["\u{1f600}", "\uffff"].sort(),
    );
    const total = await driver.executeQuery("MATCH (w:Word) RETURN count(w) AS n");
    assert.equal(Number(total.records[0]?.get("n")), awkward.length - 1 + 25000);
  });
});
