/**
 * `c360 init`: create or upgrade the control schema.
 */
import type { Command } from "commander";
import { initControlDb } from "../control/migrate.js";
import { contextFrom } from "./context.js";

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
