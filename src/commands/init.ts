/**
 * `c360 init`: create or upgrade the control schema.
 */
import type { Command } from "commander";
import type { PostgresTarget } from "../config.js";
import type { Logger } from "../logger.js";
import { migrateControlDb, type MigrationResult } from "../control/migrate.js";
import {
  controlDbUnreachable,
  controlErrors,
  databaseExists,
  onDatabase,
  quoteIdent,
  withClient,
} from "../postgres/connection.js";
import { contextFrom } from "./context.js";

const controlError = controlDbUnreachable;

export interface InitResult extends MigrationResult {
  createdDatabase: boolean;
}

/** Creates the control database if it is missing, then brings its schema up to date. */
export async function initControlDb(target: PostgresTarget, logger: Logger): Promise<InitResult> {
  const createdDatabase = await withClient(onDatabase(target, "postgres"), controlError, async (admin) => {
    if (await databaseExists(admin, target.database)) return false;
    await controlErrors(admin).query(`CREATE DATABASE ${quoteIdent(target.database)}`);
    logger.info({ database: target.database }, "created the control database");
    return true;
  });
  const result = await withClient(target, controlError, (client) =>
    migrateControlDb(controlErrors(client), logger),
  );
  return { ...result, createdDatabase };
}

export function registerInit(program: Command): void {
  program
    .command("init")
    .summary("create or upgrade the control schema (idempotent)")
    .description(
      "Create the control schema in the control database (ETL_DB_*), or upgrade an existing one in place " +
        "through the versioned migrations in sql/control/migrations. A control database made by the original " +
        "tool keeps all its rows. Running it again changes nothing. Creates the database if it is missing.",
    )
    .addHelpText("after", "\nExample:\n  $ c360 init --db-name etl_control_db")
    .action(async (_options: unknown, command: Command) => {
      const { config, logger } = contextFrom(command);
      const result = await initControlDb(config.controlDb, logger);
      const applied = result.applied.map((m) => m.name);
      process.stdout.write(
        `control schema of ${config.controlDb.database} is at version ${result.currentVersion}` +
          (applied.length > 0 ? ` (applied ${applied.join(", ")})` : " (already up to date)") +
          (result.upgradedOriginal ? "; upgraded from the original tool's schema" : "") +
          "\n",
      );
    });
}
