/**
 * `c360 generate`: write the Cypher script (or, with --dry-run, print the plan).
 */
import path from "node:path";
import type { Command } from "commander";
import { cypherTypeName } from "../metadata/types.js";
import { qualifiedTable, type ExportPlan, type TablePlan } from "../metadata/plan.js";
import { defaultBatchSize, dryRun, generate, type GenerateProgress } from "../generate/generate.js";
import { RefusedError } from "../errors.js";
import { generateSync } from "../sync/generate-sync.js";
import type { Logger } from "../logger.js";
import { contextFrom, guarded } from "./context.js";
import { LiveLine, stderrLine } from "../terminal.js";

/** The --batch-size flag as a number, or NaN when it is not a whole number from 1 to 100000. */
export function parseBatchSize(command: Command, text: string): number {
  const batchSize = Number(text);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
    command.error(`--batch-size must be a whole number from 1 to 100000, not ${text}`, { exitCode: 2 });
    return NaN;
  }
  return batchSize;
}

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

/** Live per-table progress on a terminal; log lines otherwise. */
export function progressReporter(
  logger: Logger,
  stream: NodeJS.WriteStream = process.stderr,
): GenerateProgress {
  const name = (table: TablePlan) => `${table.source.sourceName}.${qualifiedTable(table)} -> :${table.label}`;
  if (stream.isTTY !== true) {
    return {
      tableStarted: (table, total) => logger.info({ table: name(table), rows: total }, "extracting"),
      tableProgress: (table, rows, total) => logger.info({ table: name(table), rows, total }, "extracting"),
      tableFinished: (table, rows, error) =>
        error === undefined
          ? logger.info({ table: name(table), rows }, "extracted")
          : logger.error({ table: name(table), rows, err: error }, "extraction failed"),
    };
  }
  const live = stream === process.stderr ? stderrLine : new LiveLine(stream);
  const line = (table: TablePlan, text: string) => `  ${name(table)}  ${text}`;
  return {
    tableStarted: (table, total) => live.update(line(table, `0 / ${total.toLocaleString("en")} rows`)),
    tableProgress: (table, rows, total) =>
      live.update(line(table, `${rows.toLocaleString("en")} / ${total.toLocaleString("en")} rows`)),
    tableFinished: (table, rows, error) =>
      live.finish(
        line(
          table,
          error === undefined ? `${rows.toLocaleString("en")} rows` : `FAILED after ${rows} rows: ${error}`,
        ),
      ),
  };
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
            controlDb: config.controlDb,
            neo4j: config.neo4j,
            timeouts: config.timeouts,
            outputDir: options.outputDir !== undefined ? path.resolve(options.outputDir) : config.outputDir,
            batchSize,
            logger,
            stop,
            maxDeletePercent: config.maxDeletePercent,
            allowDeletes: options.allowDeletes === true,
            newColumns: config.newColumns,
            emptyJoinKeys: config.emptyJoinKeys,
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
        const { plan, drift } = await dryRun({
          controlDb: config.controlDb,
          timeouts: config.timeouts,
          emptyJoinKeys: config.emptyJoinKeys,
          logger,
        });
        process.stdout.write(formatPlan(plan));
        if (drift.length > 0)
          process.stdout.write(
            `\nschema drift since the last run:\n${drift.map((d) => `  ${d}`).join("\n")}\n`,
          );
        return;
      }
      const result = await guarded({ config, logger }, "generate", (stop) =>
        generate({
          controlDb: config.controlDb,
          timeouts: config.timeouts,
          outputDir: options.outputDir !== undefined ? path.resolve(options.outputDir) : config.outputDir,
          batchSize,
          logger,
          progress: progressReporter(logger),
          stop,
          newColumns: config.newColumns,
          emptyJoinKeys: config.emptyJoinKeys,
          acceptDrift: options.acceptDrift === true,
        }),
      );
      process.stdout.write(`${result.script.path}\n`);
    });
}
