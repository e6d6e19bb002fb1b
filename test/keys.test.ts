/**
 * Keys are guarded: a key_columns override that is not unique would merge rows into fewer nodes,
 * a NULL key has no node. Both refuse the run before the graph is touched, full load or sync.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ExitCode } from "../src/errors.js";
import { emptyDir, runCli } from "./helpers/cli.js";
import { query } from "./helpers/postgres.js";
import { useSampleUniverse, graphCounts } from "./helpers/universe.js";

const suite = useSampleUniverse("keys");
const driver = suite.driver;
const universe = () => suite.universe();
const env = () => suite.env();

describe("key guards", () => {
  it("refuse a key override that is not unique, even with --clear: exit 3, the graph untouched", async () => {
    const first = await runCli(["run", "--output-dir", emptyDir()], { env: env() });
    assert.equal(first.code, 0, first.stderr);
    const before = await graphCounts(driver);
    const control = universe().controlDb.database;
    await query(
      control,
      "UPDATE node_label_mappings SET key_columns = '{ticket_id}' WHERE node_label = 'TicketTagLink'",
    );
    try {
      // A new key is schema drift, accepted here for a full rebuild; the rows still fail the key.
      for (const args of [
        ["run", "--clear", "--accept-drift"],
        ["generate", "--accept-drift"],
      ]) {
        const refused = await runCli([...args, "--output-dir", emptyDir()], { env: env() });
        assert.equal(refused.code, ExitCode.config, `${args.join(" ")}: ${refused.stderr}`);
        assert.match(
          refused.stderr,
          /support_db\.ticket_tag_link \(node_label_mappings row \d+, key ticket_id\): two rows have the key \[\\?"TCK-\d+\\?"\]: they would merge into one node/,
        );
        assert.deepEqual(await graphCounts(driver), before, `${args.join(" ")} left the graph as it was`);
      }
    } finally {
      await query(
        control,
        "UPDATE node_label_mappings SET key_columns = NULL WHERE node_label = 'TicketTagLink'",
      );
    }
  });

  it("refuse a NULL key, naming the column", async () => {
    const streaming = universe().source("streaming_db");
    const control = universe().controlDb.database;
    await query(
      control,
      "UPDATE node_label_mappings SET key_columns = '{media_id}' WHERE node_label = 'Media'",
    );
    await query(streaming, "ALTER TABLE media_content DROP CONSTRAINT media_content_pkey CASCADE");
    await query(streaming, "ALTER TABLE media_content ALTER COLUMN media_id DROP NOT NULL");
    await query(
      streaming,
      "INSERT INTO media_content (media_id, title, media_type) VALUES (NULL, 'untitled', 'movie')",
    );
    try {
      // The key is the same column: no drift, and the sync's comparison meets the NULL too.
      for (const args of [["run", "--clear"], ["run"]]) {
        const refused = await runCli([...args, "--output-dir", emptyDir()], { env: env() });
        assert.equal(refused.code, ExitCode.config, `${args.join(" ")}: ${refused.stderr}`);
        assert.match(refused.stderr, /streaming_db\.media_content .*: a row has NULL in key column media_id/);
      }
    } finally {
      await query(streaming, "DELETE FROM media_content WHERE media_id IS NULL");
      await query(control, "UPDATE node_label_mappings SET key_columns = NULL WHERE node_label = 'Media'");
    }
  });
});
