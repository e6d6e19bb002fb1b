/**
 * Versioned migrations of the control schema, kept as numbered files in sql/control/migrations.
 * Each runs in its own transaction and is recorded with its checksum, so `c360 init` is
 * idempotent, upgrades older control databases (the original tool's included) in place, and
 * notices a migration file that was edited after it ran.
 */
import { createHash } from "node:crypto";
import type { Logger } from "../logger.js";
import { ControlDbError } from "../errors.js";
import type { PostgresTarget } from "../config.js";
import {
  controlDbUnreachable,
  controlErrors,
  databaseExists,
  inTransaction,
  onDatabase,
  quoteIdent,
  withClient,
  type PgClient,
} from "../postgres/connection.js";
import { listSqlFiles, sqlFile } from "../sql-files.js";

/** Serializes concurrent `c360 init` runs against one control database. */
const migrationLockKey = 360_000_001;

export interface Migration {
  version: number;
  /** The file name without .sql, e.g. 0001_original_schema. */
  name: string;
  sql: string;
  sha256: string;
}

export interface MigrationResult {
  applied: Migration[];
  /** True when the database had the original tool's tables but no c360 migration history. */
  upgradedOriginal: boolean;
  currentVersion: number;
}

export function loadMigrations(): Migration[] {
  return listSqlFiles("control/migrations").map((file) => {
    const match = /^(\d+)_(.+)\.sql$/.exec(file);
    if (match === null) throw new Error(`migration file ${file} is not named NNNN_name.sql`);
    const sql = sqlFile(`control/migrations/${file}`);
    return {
      version: Number(match[1]),
      name: file.slice(0, -".sql".length),
      sql,
      sha256: createHash("sha256").update(sql).digest("hex"),
    };
  });
}

export async function migrateControlDb(client: PgClient, logger: Logger): Promise<MigrationResult> {
  const migrations = loadMigrations();
  await client.query("SELECT pg_advisory_lock($1)", [migrationLockKey]);
  try {
    const hadHistory = await tableExists(client, "c360_schema_migrations");
    const hadOriginalTables = await tableExists(client, "source_databases");
    await client.query(sqlFile("control/migrations-table.sql"));

    const appliedRows = await client.query<{ version: number; sha256: string; name: string }>(
      'SELECT "version", "sha256", "name" FROM "c360_schema_migrations" ORDER BY "version"',
    );
    const applied = new Map(appliedRows.rows.map((row) => [row.version, row]));
    const known = new Set(migrations.map((m) => m.version));
    for (const row of appliedRows.rows) {
      if (!known.has(row.version)) {
        throw new ControlDbError(
          `the control database has migration ${row.version} (${row.name}), which this c360 does not know`,
          { hint: "It was upgraded by a newer c360; use that version." },
        );
      }
    }

    const upgradedOriginal = !hadHistory && hadOriginalTables;
    if (upgradedOriginal) {
      logger.info("found a control schema without c360 history (the original tool's); upgrading it in place");
    }

    const newlyApplied: Migration[] = [];
    for (const migration of migrations) {
      const previous = applied.get(migration.version);
      if (previous !== undefined) {
        if (previous.sha256.trim() !== migration.sha256) {
          throw new ControlDbError(
            `migration ${migration.name}.sql was changed after it was applied to this database`,
            { hint: "Restore the file; schema changes go into a new, higher-numbered migration." },
          );
        }
        continue;
      }
      await inTransaction(client, async () => {
        await client.query(migration.sql);
        await client.query(
          'INSERT INTO "c360_schema_migrations" ("version", "name", "sha256") VALUES ($1, $2, $3)',
          [migration.version, migration.name, migration.sha256],
        );
      }).catch((error: unknown) => {
        throw new ControlDbError(
          `migration ${migration.name}.sql failed: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error, hint: "Nothing of this migration was applied (it ran in a transaction)." },
        );
      });
      logger.info({ migration: migration.name }, "applied control-schema migration");
      newlyApplied.push(migration);
    }

    return {
      applied: newlyApplied,
      upgradedOriginal,
      currentVersion: migrations.at(-1)?.version ?? 0,
    };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [migrationLockKey]).catch(() => undefined);
  }
}

async function tableExists(client: PgClient, table: string): Promise<boolean> {
  const result = await client.query("SELECT to_regclass($1) IS NOT NULL AS present", [`"${table}"`]);
  return (result.rows[0] as { present: boolean } | undefined)?.present === true;
}

/** Refuses to work on a control schema that `c360 init` has not brought up to date. */
export async function assertSchemaCurrent(client: PgClient): Promise<void> {
  const expected = loadMigrations().at(-1)?.version ?? 0;
  let version = -1;
  try {
    const result = await client.query<{ version: number }>(
      sqlFile("control/queries/select-schema-version.sql"),
    );
    version = result.rows[0]?.version ?? 0;
  } catch {
    version = -1;
  }
  if (version < expected) {
    throw new ControlDbError(
      version < 0
        ? "the control database has no c360 schema history"
        : `the control schema is at version ${version}, c360 needs ${expected}`,
      { hint: "Run `c360 init` to create or upgrade it (existing rows are kept)." },
    );
  }
}

export interface InitResult extends MigrationResult {
  createdDatabase: boolean;
}

/** Creates the control database if it is missing, then brings its schema up to date. */
export async function initControlDb(target: PostgresTarget, logger: Logger): Promise<InitResult> {
  const createdDatabase = await withClient(
    onDatabase(target, "postgres"),
    controlDbUnreachable,
    async (admin) => {
      if (await databaseExists(admin, target.database)) return false;
      await controlErrors(admin).query(`CREATE DATABASE ${quoteIdent(target.database)}`);
      logger.info({ database: target.database }, "created the control database");
      return true;
    },
  );
  const result = await withClient(target, controlDbUnreachable, (client) =>
    migrateControlDb(controlErrors(client), logger),
  );
  return { ...result, createdDatabase };
}
