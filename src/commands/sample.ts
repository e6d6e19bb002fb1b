/**
 * `c360 sample load`: create the sample universe.
 */
import type { Command } from "commander";
import { loadSample } from "../sample/load-sample.js";
import { contextFrom } from "./context.js";

export function registerSample(program: Command): void {
  const sample = program
    .command("sample")
    .summary("manage the sample universe (three source databases and their metadata)");

  sample
    .command("load")
    .summary("create the sample control and source databases")
    .description(
      "Create the control database (ETL_DB_NAME) and the sample sources profiles_db, streaming_db and " +
        "support_db on the control database's PostgreSQL server, with schemas, deterministic sample data and " +
        "the control metadata that maps them to the Customer 360 graph. Refuses to touch existing databases " +
        "unless --force is given.",
    )
    .option("--force", "drop and recreate databases that already exist (their data is lost)")
    .option("--prefix <prefix>", "prepend this to every source database name", "")
    .option(
      "--password-env <name>",
      "record this environment variable as the sources' password (db_password_env)",
    )
    .addHelpText("after", "\nExamples:\n  $ c360 sample load\n  $ c360 sample load --force --prefix demo_")
    .action(async (options: { force?: boolean; prefix: string; passwordEnv?: string }, command: Command) => {
      const { config, logger } = contextFrom(command);
      const result = await loadSample({
        controlDb: config.controlDb,
        force: options.force === true,
        databasePrefix: options.prefix,
        passwordEnv: options.passwordEnv,
        logger,
      });
      const lines = [`sample universe ready in ${(result.elapsedMs / 1000).toFixed(1)}s`];
      lines.push(`  control database ${result.controlDatabase}`);
      for (const source of result.sources) {
        const tables = Object.entries(source.tables).map(([table, rows]) => `${table} ${rows}`);
        lines.push(`  ${source.sourceName} (${source.database}): ${tables.join(", ")}`);
      }
      process.stdout.write(lines.join("\n") + "\n");
    });
}
