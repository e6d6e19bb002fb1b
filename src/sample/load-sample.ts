/**
 * Creates the sample universe on a PostgreSQL server: the control database (migrated and filled
 * with metadata) and the source databases listed in sample-data/manifest.json, with their
 * schemas and data. Either everything is created or, on failure, everything it created is
 * dropped again: a half-made universe never stays behind.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { PostgresTarget } from "../config.js";
import { ConfigError, ControlDbError, RefusedError, SourceError, messageOf } from "../errors.js";
import type { Logger } from "../logger.js";
import { migrateControlDb } from "../control/migrate.js";
import {
  controlDbUnreachable,
  databaseExists,
  inTransaction,
  onDatabase,
  quoteIdent,
  withClient,
  type PgClient,
} from "../postgres/connection.js";
import { sqlFile } from "../sql-files.js";
import { projectRoot } from "../version.js";

const manifestSchema = z.strictObject({
  description: z.string(),
  sources: z
    .array(
      z.strictObject({
        sourceName: z.string().min(1),
        database: z.string().min(1),
        schema: z.string().min(1),
        data: z.string().min(1),
        description: z.string(),
      }),
    )
    .min(1),
  controlMetadata: z.string().min(1),
});

export type SampleManifest = z.infer<typeof manifestSchema>;

export function readSampleManifest(
  file = path.join(projectRoot, "sample-data", "manifest.json"),
): SampleManifest {
  return manifestSchema.parse(JSON.parse(readFileSync(file, "utf8")));
}

export interface LoadSampleOptions {
  /** Where the control database goes; the sources are created on the same server. */
  controlDb: PostgresTarget;
  /** Drop and recreate databases that already exist. */
  force?: boolean;
  /** Prepended to every source database name (tests use it to stay out of each other's way). */
  databasePrefix?: string;
  /**
   * How source rows should get their password: a variable name for `db_password_env`.
   * Default: none (the sample relies on the server's trust/peer authentication, or on
   * `db_password` set by an operator afterwards).
   */
  passwordEnv?: string;
  logger: Logger;
}

export interface SampleDatabase {
  sourceName: string;
  database: string;
  tables: Record<string, number>;
}

export interface LoadSampleResult {
  controlDatabase: string;
  sources: SampleDatabase[];
  elapsedMs: number;
}

const controlError = controlDbUnreachable;

export async function loadSample(options: LoadSampleOptions): Promise<LoadSampleResult> {
  const started = Date.now();
  const manifest = readSampleManifest();
  const prefix = options.databasePrefix ?? "";
  const sources = manifest.sources.map((source) => ({ ...source, database: prefix + source.database }));
  const allDatabases = [options.controlDb.database, ...sources.map((s) => s.database)];
  refuseLongNames(allDatabases);
  const maintenance = onDatabase(options.controlDb, "postgres");
  const { logger } = options;

  const created: string[] = [];
  await withClient(maintenance, controlError, async (admin) => {
    const existing: string[] = [];
    for (const name of allDatabases) {
      if (await databaseExists(admin, name)) existing.push(name);
    }
    if (existing.length > 0 && options.force !== true) {
      throw new RefusedError(`these databases already exist: ${existing.join(", ")}`, {
        hint: "Run `c360 sample load --force` to drop and recreate them (their data is lost).",
      });
    }
    for (const name of existing) {
      logger.warn({ database: name }, "dropping existing database (--force)");
      await admin.query(`DROP DATABASE ${quoteIdent(name)} WITH (FORCE)`);
    }
  });

  // All or nothing from the first CREATE on: a failure drops every database this load created.
  try {
    await withClient(maintenance, controlError, async (admin) => {
      for (const name of allDatabases) {
        await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
        created.push(name);
      }
    });
    const loaded: SampleDatabase[] = [];
    for (const source of sources) {
      const target = onDatabase(options.controlDb, source.database);
      const tables = await withClient(
        target,
        (message, cause) => new SourceError(message, { cause }),
        async (client) => {
          await inTransaction(client, async () => {
            await runSqlFile(client, source.schema);
            await runSqlFile(client, source.data);
          });
          return countTables(client);
        },
      );
      logger.info({ database: source.database, tables }, "created sample source database");
      loaded.push({ sourceName: source.sourceName, database: source.database, tables });
    }

    await withClient(options.controlDb, controlError, async (client) => {
      await migrateControlDb(client, logger);
      await inTransaction(client, async () => {
        for (const source of sources) {
          await client.query(sqlFile("control/queries/insert-source-database.sql"), [
            source.sourceName,
            options.controlDb.host,
            options.controlDb.port,
            source.database,
            options.controlDb.user,
            options.passwordEnv ?? null,
            source.description,
          ]);
        }
        await runSqlFile(client, manifest.controlMetadata, ControlDbError);
      });
    });
    logger.info({ database: options.controlDb.database }, "created control database with sample metadata");

    return { controlDatabase: options.controlDb.database, sources: loaded, elapsedMs: Date.now() - started };
  } catch (error) {
    logger.error({ err: messageOf(error) }, "sample load failed; dropping the databases it created");
    await withClient(maintenance, controlError, async (admin) => {
      for (const name of created) {
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      }
    }).catch((dropError: unknown) => {
      logger.error({ err: messageOf(dropError) }, "could not drop the partly created databases");
    });
    throw error;
  }
}

/** PostgreSQL's longest identifier, in bytes: it cuts a longer name short, without an error. */
const maxIdentifierBytes = 63;

/** Refuses names PostgreSQL would cut short: two of them could become one database. */
function refuseLongNames(names: readonly string[]): void {
  const long = names.filter((name) => Buffer.byteLength(name) > maxIdentifierBytes);
  if (long.length > 0)
    throw new ConfigError(
      long.map((name) => `database name ${name} is longer than PostgreSQL's ${maxIdentifierBytes} bytes`),
      { hint: "Use a shorter --prefix (or ETL_DB_NAME). Nothing was created." },
    );
}

/** Runs one of the sample's SQL files; a failure is reported as the kind of database it ran in. */
async function runSqlFile(
  client: PgClient,
  relativePath: string,
  ErrorType: typeof SourceError | typeof ControlDbError = SourceError,
): Promise<void> {
  const file = path.join(projectRoot, relativePath);
  try {
    await client.query(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ErrorType(`${relativePath} failed: ${messageOf(error)}`, { cause: error });
  }
}

/** Row counts of every table in the public schema, for the command's report. */
async function countTables(client: PgClient): Promise<Record<string, number>> {
  const tables = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdent(table_name)}`);
    counts[table_name] = Number(result.rows[0]?.n ?? 0);
  }
  return counts;
}
