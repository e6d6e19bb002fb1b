/**
 * How a run shows its progress: per table while extracting, statements and rates while loading;
 * redrawn in place on a terminal, logged otherwise (cron, CI). The commands and the demo pass
 * these to the phases, which only call them.
 */
import type { GenerateProgress } from "../generate/generate.js";
import type { LoadProgress } from "../load/load.js";
import type { Logger } from "../logger.js";
import { qualifiedTable, type TablePlan } from "../metadata/plan.js";
import { LiveLine, stderrLine } from "../terminal.js";

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
