/**
 * `c360 run`: the flags into RunOptions for the pipeline (src/run/pipeline.ts), and its summary on
 * stdout.
 */
import type { Command } from "commander";
import { defaultBatchSize } from "../generate/generate.js";
import { runPipeline } from "../run/pipeline.js";
import { runSummary } from "../run/summary.js";
import { guarded } from "../control/run-lock.js";
import { contextFrom } from "./context.js";
import { addBulkOptions, bulkTarget, parseBatchSize, type BulkFlags } from "./options.js";
import { loadProgressReporter, progressReporter } from "../run/progress.js";

export function registerRun(program: Command): void {
  const run = program
    .command("run")
    .summary("the whole job: generate a script, then load it into Neo4j")
    .description(
      "Generate a script from the control metadata and the sources (as `c360 generate`), then load it (as " +
        "`c360 load`). If generation fails nothing is loaded and the graph is untouched. Suited to cron: " +
        "without a terminal it writes JSON log lines to stderr and exits with a code from the README's table.",
    )
    .option("--clear", "rebuild: empty the graph, then load a full script (only after generation succeeded)")
    .option("--allow-deletes", "let this sync delete more than C360_MAX_DELETE_PERCENT of a label's nodes")
    .option(
      "--accept-drift",
      "accept this run's schema drift: new columns under C360_NEW_COLUMNS=block/refuse, a changed key (with --clear)",
    )
    .option("--output-dir <dir>", "where to write the script (default: C360_OUTPUT_DIR)")
    .option("--batch-size <rows>", "rows per node statement in the script", String(defaultBatchSize));
  addBulkOptions(run)
    .addHelpText(
      "after",
      "\nExamples:\n  $ c360 run --clear\n  $ c360 run --output-dir /srv/c360/scripts\n  $ c360 run --bulk --clear --heap 4g --page-cache 4g",
    )
    .action(
      async (
        options: {
          clear?: boolean;
          allowDeletes?: boolean;
          acceptDrift?: boolean;
          outputDir?: string;
          batchSize: string;
        } & BulkFlags,
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
            allowDeletes: options.allowDeletes === true,
            acceptDrift: options.acceptDrift === true,
            generateProgress: progressReporter(context.logger),
            loadProgress: loadProgressReporter(context.logger),
            stop,
          }),
        );
        process.stdout.write(runSummary(result));
      },
    );
}
