import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import { initControlDb } from "../src/control/migrate.js";
import { loadMigrations } from "../src/control/migrate.js";
import { ControlDbError, ExitCode } from "../src/errors.js";
import { silentLogger } from "../src/logger.js";
import { projectRoot } from "../src/version.js";
import { runCli } from "./helpers/cli.js";
import {
  controlDbEnv,
  createDatabase,
  dropDatabases,
  query,
  testServer,
  uniqueName,
} from "./helpers/postgres.js";

const created: string[] = [];
after(() => dropDatabases(created));

function newName(label: string): string {
  const name = uniqueName(label);
  created.push(name);
  return name;
}

/** Every column of every public table, for comparing schemas. */
async function schemaOf(database: string): Promise<string[]> {
  const rows = await query<{ c: string }>(
    database,
    `SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable AS c
     FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`,
  );
  return rows.map((row) => row.c);
}

const originalTables = [
  "source_databases",
  "field_exclusion_rules",
  "node_label_mappings",
  "relationship_mappings",
  "etl_run_logs",
  "etl_table_logs",
  "cypher_scripts",
];

async function dumpRows(database: string): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const table of originalTables) {
    dump[table] = await query(database, `SELECT * FROM "${table}" ORDER BY 1`);
  }
  return dump;
}

describe("c360 init", () => {
  it("creates the full schema in an empty database, through the CLI", async () => {
    const name = newName("init_empty");
    await createDatabase(name);
    const result = await runCli(["init"], { env: controlDbEnv(name) });
    assert.equal(result.code, 0, result.stderr);
    const latest = loadMigrations().at(-1)?.version;
    assert.match(result.stdout, new RegExp(`is at version ${latest} \\(applied 0001_original_schema, `));
    const columns = await schemaOf(name);
    for (const expected of [
      "source_databases.db_password_env:character varying:YES",
      "node_label_mappings.source_id:integer:YES",
      "node_label_mappings.key_columns:ARRAY:YES",
      "relationship_mappings.from_alias:character varying:YES",
      "relationship_mappings.junction_alias:character varying:YES",
      "etl_run_logs.command:character varying:YES",
      "etl_run_logs.error_message:text:YES",
      "cypher_scripts.sha256:character:YES",
      "cypher_scripts.statement_count:integer:YES",
      "cypher_scripts.last_run_status:character varying:YES",
    ]) {
      assert.ok(columns.includes(expected), `missing ${expected}`);
    }
  });

  it("creates the control database when it does not exist yet", async () => {
    const name = newName("init_missing");
    const result = await initControlDb(testServer(name), silentLogger());
    assert.equal(result.createdDatabase, true);
    assert.equal(result.upgradedOriginal, false);
    assert.equal(result.applied.length, loadMigrations().length);
  });

  it("is idempotent: a second run applies nothing and changes no column", async () => {
    const name = newName("init_twice");
    await initControlDb(testServer(name), silentLogger());
    const before = await schemaOf(name);
    const second = await runCli(["init"], { env: controlDbEnv(name) });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /already up to date/);
    assert.deepEqual(await schemaOf(name), before);
  });

  it("upgrades a control database made with the original DDL in place, keeping every row", async () => {
    const name = newName("init_original");
    await createDatabase(name);
    await query(
      name,
      readFileSync(path.join(projectRoot, "test", "fixtures", "original-control-ddl.sql"), "utf8"),
    );
    const rowsBefore = await dumpRows(name);
    const columnsBefore = await schemaOf(name);

    const result = await runCli(["init"], { env: controlDbEnv(name) });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /upgraded from the original tool's schema/);

    // Every original column is still there with its type, and every row is unchanged.
    const columnsAfter = await schemaOf(name);
    for (const column of columnsBefore) assert.ok(columnsAfter.includes(column), `lost ${column}`);
    const rowsAfter = await dumpRows(name);
    for (const table of originalTables) {
      const originalColumns = (rowsBefore[table] ?? []).map((row) => row as Record<string, unknown>);
      const upgraded = (rowsAfter[table] ?? []).map((row) => {
        const kept: Record<string, unknown> = {};
        for (const key of Object.keys(originalColumns[0] ?? {}))
          kept[key] = (row as Record<string, unknown>)[key];
        return kept;
      });
      assert.deepEqual(upgraded, originalColumns, `rows of ${table} changed`);
    }

    // The original's table_name-only uniqueness is replaced by uniqueness per source.
    const profiles = await query<{ source_id: number }>(
      name,
      "SELECT source_id FROM source_databases WHERE source_name = 'profiles_db'",
    );
    const support = await query<{ source_id: number }>(
      name,
      "SELECT source_id FROM source_databases WHERE source_name = 'support_db'",
    );
    await query(name, "UPDATE node_label_mappings SET source_id = $1 WHERE table_name = 'accounts'", [
      profiles[0]?.source_id,
    ]);
    await query(
      name,
      "INSERT INTO node_label_mappings (source_id, table_name, node_label) VALUES ($1, 'accounts', 'DeskUser')",
      [support[0]?.source_id],
    );
    await assert.rejects(
      query(
        name,
        "INSERT INTO node_label_mappings (source_id, table_name, node_label) VALUES ($1, 'accounts', 'Again')",
        [support[0]?.source_id],
      ),
      /node_label_mappings_source_schema_table_key/,
    );
    // ...and two original-style rows (no source) for one table still clash.
    await assert.rejects(
      query(name, "INSERT INTO node_label_mappings (table_name, node_label) VALUES ('plans', 'Plan2')"),
      /node_label_mappings_source_schema_table_key/,
    );

    const again = await runCli(["init"], { env: controlDbEnv(name) });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already up to date/);
  });

  it("refuses to run over a migration that was edited after it was applied", async () => {
    const name = newName("init_tampered");
    await initControlDb(testServer(name), silentLogger());
    await query(name, "UPDATE c360_schema_migrations SET sha256 = repeat('0', 64) WHERE version = 1");
    await assert.rejects(initControlDb(testServer(name), silentLogger()), (error: unknown) => {
      assert.ok(error instanceof ControlDbError);
      assert.match(error.message, /0001_original_schema\.sql was changed after it was applied/);
      return true;
    });
  });

  it("says which server it cannot reach, with the control-database exit code", async () => {
    const result = await runCli(["init"], { env: { ...controlDbEnv("whatever"), ETL_DB_PORT: "1" } });
    assert.equal(result.code, ExitCode.controlDb);
    assert.match(result.stderr, /cannot connect to PostgreSQL at postgres@127\.0\.0\.1:1\/postgres/);
  });
});
