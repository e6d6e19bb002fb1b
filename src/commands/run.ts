/**
 * `c360 run`: generate, then load the script just generated.
 */
import path from "node:path";
import type { Command } from "commander";
import type { Config } from "../config.js";
import { defaultBatchSize, generate, type GenerateResult } from "../generate/generate.js";
import { loadScript, type LoadResult } from "../load/load.js";
import type { Logger } from "../logger.js";
import { contextFrom, guarded } from "./context.js";
import { parseBatchSize, progressReporter } from "./generate.js";
import { addBulkOptions, bulkTarget, loadProgressReporter, type BulkFlags } from "./load.js";
import type { BulkTarget } from "../load/bulk/bulk.js";
import type { StopRequest } from "../signals.js";

export interface RunOptions {
  config: Config;
  logger: Logger;
  clear?: boolean;
  outputDir?: string;
  batchSize?: number;
  stop?: StopRequest;
  bulk?: BulkTarget;
}

export interface RunResult {
  generated: GenerateResult;
  loaded: LoadResult;
}

/**
 * The whole job. Two linked rows in etl_run_logs: the generate row (command "run") and the load
 * row whose parent_log_id points at it. If generation fails, nothing is loaded and the graph is
 * not touched (no clear either).
 */
export async function runPipeline(options: RunOptions): Promise<RunResult> {
  const { config, logger } = options;
  const generated = await generate({
    controlDb: config.controlDb,
    timeouts: config.timeouts,
    outputDir: path.resolve(options.outputDir ?? "generated"),
    batchSize: options.batchSize,
    logger,
    command: "run",
    progress: progressReporter(logger),
    stop: options.stop,
  });
  const loaded = await loadScript({
    controlDb: config.controlDb,
    neo4j: config.neo4j,
    timeouts: config.timeouts,
    file: generated.script.path,
    written: generated.script,
    clear: options.clear === true,
    bulk: options.bulk,
    logger,
    parentRunId: generated.runId,
    progress: loadProgressReporter(logger),
    stop: options.stop,
  });
  return { generated, loaded };
}

export function registerRun(program: Command): void {
  const run = program
    .command("run")
    .summary("the whole job: generate a script, then load it into Neo4j")
    .description(
      "Generate a script from the control metadata and the sources (as `c360 generate`), then load it (as " +
        "`c360 load`). If generation fails nothing is loaded and the graph is untouched. Suited to cron: " +
        "without a terminal it writes JSON log lines to stderr and exits with a code from the README's table.",
    )
    .option("--clear", "empty the graph before loading (only after generation succeeded)")
    .option("--output-dir <dir>", "where to write the script", "generated")
    .option("--batch-size <rows>", "rows per node statement in the script", String(defaultBatchSize));
  addBulkOptions(run)
    .addHelpText(
      "after",
      "\nExamples:\n  $ c360 run --clear\n  $ c360 run --output-dir /srv/c360/scripts\n  $ c360 run --bulk --clear --heap 4g --page-cache 4g",
    )
    .action(
      async (
        options: { clear?: boolean; outputDir: string; batchSize: string } & BulkFlags,
        command: Command,
      ) => {
        const context = contextFrom(command);
        const result = await guarded(context, "run", (stop) =>
          runPipeline({
            config: context.config,
            logger: context.logger,
            clear: options.clear === true,
            outputDir: options.outputDir,
            batchSize: parseBatchSize(command, options.batchSize),
            bulk: bulkTarget(options),
            stop,
          }),
        );
        const c = result.loaded.counters;
        process.stdout.write(
          `${result.generated.script.path}\n` +
            `loaded ${result.loaded.statementsTotal} statements: ${c.nodesCreated} nodes and ${c.relationshipsCreated} relationships created\n`,
        );
      },
    );
}
