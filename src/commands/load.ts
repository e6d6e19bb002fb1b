/**
 * `c360 load <file>`: execute a Cypher script against Neo4j.
 */
import type { Command } from "commander";
import type { Logger } from "../logger.js";
import { loadScript, type LoadProgress } from "../load/load.js";
import { contextFrom, guarded } from "./context.js";

/** Statements done of total and entities per second: redrawn on a terminal, logged otherwise. */
export function loadProgressReporter(
  logger: Logger,
  stream: NodeJS.WriteStream = process.stderr,
): LoadProgress {
  const started = Date.now();
  let lastLog = 0;
  return {
    statementDone(done, total, counters) {
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      const entities = counters.nodesCreated + counters.relationshipsCreated;
      const rate = Math.round(entities / seconds);
      if (stream.isTTY === true) {
        stream.write(
          `\r\x1b[2K  statements ${done}/${total}  nodes ${counters.nodesCreated.toLocaleString("en")}  ` +
            `relationships ${counters.relationshipsCreated.toLocaleString("en")}  ${rate.toLocaleString("en")} entities/s` +
            (done === total ? "\n" : ""),
        );
      } else if (Date.now() - lastLog > 5000 || done === total) {
        lastLog = Date.now();
        logger.info({ ...counters, statements: done, total, entitiesPerSecond: rate }, "loading");
      }
    },
  };
}

export function registerLoad(program: Command): void {
  program
    .command("load")
    .summary("execute a Cypher script against Neo4j, statement by statement")
    .description(
      "Execute a script (one written by `c360 generate`, or hand-edited) against NEO4J_URI. The script must " +
        "match its registered sha256 (an unregistered one is registered first). Every statement's result is " +
        "consumed, so an error names the statement that caused it. The load is recorded in etl_run_logs with " +
        "a checkpoint after every commit, so --resume continues a failed load where it stopped.",
    )
    .argument("<file>", "the script to load")
    .option("--clear", "empty the graph first (in bounded transactions)")
    .option("--resume", "continue the last failed load of this script from its checkpoint")
    .option("--allow-modified", "load a registered script even though its content changed")
    .addHelpText(
      "after",
      "\nExamples:\n  $ c360 load generated/graph_output_20251103_020000.cypher --clear\n  $ c360 load generated/graph_output_20251103_020000.cypher --resume",
    )
    .action(
      async (
        file: string,
        options: { clear?: boolean; resume?: boolean; allowModified?: boolean },
        command: Command,
      ) => {
        const context = contextFrom(command);
        const { config, logger } = context;
        const result = await guarded(context, "load", (stop) =>
          loadScript({
            controlDb: config.controlDb,
            neo4j: config.neo4j,
            timeouts: config.timeouts,
            file,
            clear: options.clear === true,
            resume: options.resume === true,
            allowModified: options.allowModified === true,
            logger,
            progress: loadProgressReporter(logger),
            stop,
          }),
        );
        const c = result.counters;
        process.stdout.write(
          `loaded ${result.statementsTotal - result.resumedAfter} statements in ${(result.elapsedMs / 1000).toFixed(1)}s: ` +
            `${c.nodesCreated} nodes and ${c.relationshipsCreated} relationships created, ${c.propertiesSet} properties set\n`,
        );
      },
    );
}
