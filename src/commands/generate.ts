/**
 * `c360 generate`: write the Cypher script (or, with --dry-run, print the plan).
 */
import type { Command } from "commander";
import { outputDirOf, phaseSettings } from "../config.js";
import { cypherTypeName } from "../metadata/types.js";
import type { ExportPlan } from "../metadata/plan.js";
import { defaultBatchSize, dryRun, generate } from "../generate/generate.js";
import { RefusedError } from "../errors.js";
import { generateSync } from "../sync/generate-sync.js";
import { guarded } from "../control/run-lock.js";
import { contextFrom } from "./context.js";
import { parseBatchSize } from "./options.js";
import { progressReporter } from "../run/progress.js";

export function formatPlan(plan: ExportPlan): string {
  const lines: string[] = [];
  for (const table of plan.tables) {
    lines.push(
      `:${table.label}  <-  ${table.source.sourceName}.${table.schema}.${table.table}  (key: ${table.keyColumns.join(", ")})`,
    );
    for (const column of table.columns) {
      lines.push(`    ${column.name}  ${column.pgType} -> ${cypherTypeName(column.kind)}`);
    }
    for (const excluded of table.excluded) {
      lines.push(`    ${excluded.column}  EXCLUDED (${excluded.reason ?? "no reason given"})`);
    }
  }
  lines.push("");
  for (const r of plan.relationships) {
    const on =
      r.direct !== undefined
        ? r.direct.map((p) => `from.${p.from} = to.${p.to}`).join(" AND ")
        : [
            ...(r.junction?.toFrom ?? []).map((p) => `from.${p.from} = link.${p.junction}`),
            ...(r.junction?.toTo ?? []).map((p) => `link.${p.junction} = to.${p.to}`),
          ].join(" AND ") + ` (through :${r.junction?.label})`;
    lines.push(`${r.executionOrder}. (:${r.fromLabel})-[:${r.type}]->(:${r.toLabel})  on ${on}`);
  }
  return lines.join("\n") + "\n";
}

interface GenerateFlags {
  outputDir?: string;
  batchSize: string;
  dryRun?: boolean;
  sync?: boolean;
  allowDeletes?: boolean;
  acceptDrift?: boolean;
}

export function registerGenerate(program: Command): void {
  program
    .command("generate")
    .summary("extract every mapped table and write one reviewable Cypher script")
    .description(
      "Validate the control metadata against the real source catalogs (reporting every problem at once), " +
        "extract every table with an active label mapping from every active source, and write " +
        "graph_output_YYYYMMDD_HHMMSS.cypher (UTC) under the output directory; register it in cypher_scripts " +
        "and log the run in etl_run_logs and etl_table_logs. Prints the script's path on stdout.",
    )
    .option("--output-dir <dir>", "where to write the script (default: C360_OUTPUT_DIR)")
    .option("--batch-size <rows>", "rows per node statement", String(defaultBatchSize))
    .option(
      "--sync",
      "write a sync script instead: what makes the live graph (NEO4J_URI) equal to the sources, for review",
    )
    .option("--allow-deletes", "with --sync: allow deleting more than C360_MAX_DELETE_PERCENT of a label")
    .option("--accept-drift", "accept this run's schema drift (new columns, a changed key)")
    .option(
      "--dry-run",
      "validate and print the plan (tables, columns, keys, relationships) without extracting",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  $ c360 generate\n  $ c360 generate --sync\n  $ c360 generate --dry-run\n  $ c360 generate --output-dir /srv/c360/scripts --batch-size 5000",
    )
    .action(async (options: GenerateFlags, command: Command) => {
      const { config, logger } = contextFrom(command);
      const batchSize = parseBatchSize(command, options.batchSize);
      if (options.sync === true) {
        const synced = await guarded({ config, logger }, "generate", (stop) =>
          generateSync({
            ...phaseSettings(config),
            outputDir: outputDirOf(config, options.outputDir),
            batchSize,
            logger,
            stop,
            allowDeletes: options.allowDeletes === true,
            acceptDrift: options.acceptDrift === true,
          }),
        );
        if (synced === "empty graph")
          throw new RefusedError(
            "the graph holds nothing c360 wrote for these mappings: there is nothing to sync",
            {
              hint: "Generate a full script with `c360 generate` (without --sync), or run `c360 run`.",
            },
          );
        // Nothing to change: no script, and nothing on stdout but the news.
        process.stdout.write(synced.script === undefined ? "" : `${synced.script.path}\n`);
        if (synced.script === undefined)
          logger.info("the graph already equals the sources: no sync script written");
        return;
      }
      if (options.dryRun === true) {
        const { plan, drift } = await dryRun({ ...phaseSettings(config), logger });
        process.stdout.write(formatPlan(plan));
        if (drift.length > 0)
          process.stdout.write(
            `\nschema drift since the last run:\n${drift.map((d) => `  ${d}`).join("\n")}\n`,
          );
        return;
      }
      const result = await guarded({ config, logger }, "generate", (stop) =>
        generate({
          ...phaseSettings(config),
          outputDir: outputDirOf(config, options.outputDir),
          batchSize,
          logger,
          progress: progressReporter(logger),
          stop,
          acceptDrift: options.acceptDrift === true,
        }),
      );
      process.stdout.write(`${result.script.path}\n`);
    });
}
