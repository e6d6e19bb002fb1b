/**
 * What more than one command shares: the flags `load` and `run` take for --bulk, the
 * --batch-size of `generate` and `run`, and the progress they show (redrawn on a terminal,
 * logged otherwise). Not a command: commands import this, never each other.
 */
import path from "node:path";
import { Option, type Command } from "commander";
import type { GenerateProgress } from "../generate/generate.js";
import type { BulkTarget } from "../load/bulk/bulk.js";
import type { LoadProgress } from "../load/load.js";
import type { Logger } from "../logger.js";
import { qualifiedTable, type TablePlan } from "../metadata/plan.js";
import { defaultLocalHome } from "../neo4j-local/launcher.js";
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

export interface BulkFlags {
  bulk?: boolean;
  neo4jHome: string;
  heap: string;
  pageCache: string;
}

/** `--bulk` and the local store it writes, shared by `load` and `run`. */
export function addBulkOptions(command: Command): Command {
  return command
    .option(
      "--bulk",
      "load offline with neo4j-admin import into the local engine's store (stopped), replacing its graph",
    )
    .addOption(
      new Option("--neo4j-home <dir>", "with --bulk: the local engine's home").default(defaultLocalHome),
    )
    .addOption(
      new Option("--heap <size>", "with --bulk: heap of the importer and of the engine").default("1g"),
    )
    .addOption(new Option("--page-cache <size>", "with --bulk: the engine's page cache").default("512m"));
}

export function bulkTarget(flags: BulkFlags): BulkTarget | undefined {
  return flags.bulk === true
    ? { home: path.resolve(flags.neo4jHome), heap: flags.heap, pageCache: flags.pageCache }
    : undefined;
}

/** Statements done of total and entities per second: redrawn on a terminal, logged otherwise. */
export function loadProgressReporter(
  logger: Logger,
  stream: NodeJS.WriteStream = process.stderr,
): LoadProgress {
  const started = Date.now();
  let lastLog = 0;
  const live = stream === process.stderr ? stderrLine : new LiveLine(stream);
  return {
    statementDone(done, total, counters) {
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      const entities = counters.nodesCreated + counters.relationshipsCreated;
      const rate = Math.round(entities / seconds);
      if (stream.isTTY === true) {
        const text =
          `  statements ${done}/${total}  nodes ${counters.nodesCreated.toLocaleString("en")}  ` +
          `relationships ${counters.relationshipsCreated.toLocaleString("en")}  ${rate.toLocaleString("en")} entities/s`;
        if (done === total) live.finish(text);
        else live.update(text);
      } else if (Date.now() - lastLog > 5000 || done === total) {
        lastLog = Date.now();
        logger.info({ ...counters, statements: done, total, entitiesPerSecond: rate }, "loading");
      }
    },
  };
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
