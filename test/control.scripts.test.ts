/**
 * Scripts hold source data: they are written readable by their owner alone, and a successful run
 * keeps only the newest C360_KEEP_SCRIPTS of them, marking the others removed in cypher_scripts.
 * A file changed since c360 registered it is not c360's to delete.
 */
import assert from "node:assert/strict";
import { appendFile, stat } from "node:fs/promises";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { runPipeline } from "../src/run/pipeline.js";
import { silentLogger } from "../src/logger.js";
import { emptyDir, runCli } from "./helpers/cli.js";
import { testConfig } from "./helpers/neo4j.js";
import { controlDbEnv, query, testServer } from "./helpers/postgres.js";
import { useOneTable } from "./helpers/universe.js";

const suite = useOneTable({
  name: "scripts",
  table: "notes",
  label: "Note",
  seed: async (source) => {
    await query(source, 'CREATE TABLE "notes" ("id" int PRIMARY KEY, "secret" text)');
    await query(source, `INSERT INTO "notes" SELECT i, 'pii-' || i FROM generate_series(1, 20) i`);
  },
});
const { control } = suite;

interface ScriptRow {
  file_path: string;
  removed_at: Date | null;
}

const scripts = () =>
  query<ScriptRow>(control, 'SELECT "file_path", "removed_at" FROM "cypher_scripts" ORDER BY "script_id"');

describe("scripts on disk", () => {
  it("are written readable by their owner only, whatever the umask", async () => {
    const outputDir = emptyDir();
    const result = await runCli(["run", "--clear", "--output-dir", outputDir], {
      env: { ...controlDbEnv(control), NEO4J_URI: testConfig(testServer(control)).neo4j.uri },
    });
    assert.equal(result.code, 0, result.stderr);
    const file = result.stdout.split("\n")[0] as string;
    assert.equal((await stat(file)).mode & 0o777, 0o600, file);
  });

  it("are pruned to the newest C360_KEEP_SCRIPTS after a successful run, rows kept and marked", async () => {
    const config = { ...testConfig(testServer(control)), keepScripts: 2 };
    const outputDir = emptyDir();
    const before = (await scripts()).length;
    const written: string[] = [];
    for (let i = 0; i < 4; i++) {
      const run = await runPipeline({ config, logger: silentLogger(), outputDir, clear: true });
      written.push(run.script?.path as string);
      // Edited after registration: no longer the file c360 wrote, so it stays.
      if (i === 0) await appendFile(run.script?.path as string, "// a reviewer's note\n");
    }
    const edited = written[0] as string;

    const rows = await scripts();
    assert.equal(rows.length, before + 4, "every script's row stays");
    const removed = rows.filter((row) => row.removed_at !== null).map((row) => row.file_path);
    const kept = rows.filter((row) => row.removed_at === null).map((row) => row.file_path);
    assert.deepEqual(kept.slice(-2), written.slice(-2), "the newest two are kept");
    assert.ok(existsSync(written[3] as string) && existsSync(written[2] as string));
    assert.ok(!existsSync(written[1] as string), "an older one is removed");
    assert.ok(removed.includes(written[1] as string));
    assert.ok(existsSync(edited), "an edited script is not c360's to delete");
    assert.ok(kept.includes(edited), "and its row says it is still there");
  });
});
