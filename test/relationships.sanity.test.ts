/**
 * Relationship sanity: a mapping that yields no pair at all is a warning naming its type, and the
 * load records the type with 0 created. A replayed full script that creates nothing new (its pairs
 * are already there) is not mistaken for one.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { emptyDir, logLines, runCli } from "./helpers/cli.js";
import { query } from "./helpers/postgres.js";
import { useSampleUniverse } from "./helpers/universe.js";

const suite = useSampleUniverse("pairs");
const universe = () => suite.universe();
const env = () => suite.env();

const emptyTypes = (stderr: string) =>
  logLines(stderr)
    .filter((line) => /matched no pairs/.test(String(line.msg)))
    .map((line) => line.relationshipType);

describe("relationship sanity", () => {
  it("warns of a type that matched no pairs, and records it with 0 created", async () => {
    await query(
      universe().source("support_db"),
      "UPDATE tickets SET customer_email = 'nobody-' || ticket_id",
    );
    const run = await runCli(["run", "--clear", "--output-dir", emptyDir()], { env: env() });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(emptyTypes(run.stderr), ["SUBMITTED"]);
    assert.match(run.stderr, /:SUBMITTED matched no pairs: check its relationship_mappings row/);
    const recorded = await query<{ relationships_created: string }>(
      universe().controlDb.database,
      `SELECT relationships_created FROM etl_relationship_logs
       WHERE relationship_type = 'SUBMITTED' ORDER BY relationship_log_id DESC LIMIT 1`,
    );
    assert.equal(Number(recorded[0]?.relationships_created), 0);

    const script = run.stdout.split("\n")[0] as string;
    const replay = await runCli(["load", script], { env: env() });
    assert.equal(replay.code, 0, replay.stderr);
    assert.deepEqual(
      emptyTypes(replay.stderr),
      ["SUBMITTED"],
      "types whose pairs are already there are fine",
    );
  });
});
