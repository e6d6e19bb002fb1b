/**
 * `c360 load <file>`: execute a Cypher script against Neo4j.
 */
import type { Command } from "commander";
import { loadScript } from "../load/load.js";
import { firstLine, type ReturnedRows } from "../load/execute.js";
import { formatTable, jsonValue } from "../query/queries.js";
import type { Statement } from "../script/lexer.js";
import { guarded } from "../control/run-lock.js";
import { contextFrom } from "./context.js";
import { addBulkOptions, bulkTarget, type BulkFlags } from "./options.js";
import { loadProgressReporter } from "../run/progress.js";

/**
 * The rows a hand-written statement returned, on stdout as it runs: a titled table on a terminal,
 * one JSON line per statement otherwise (values as `c360 query --json` gives them).
 */
export function printReturnedRows(statement: Statement, returned: ReturnedRows): void {
  const more = returned.total - returned.rows.length;
  if (process.stdout.isTTY === true) {
    const table = formatTable(returned);
    const counted =
      more > 0
        ? `(${returned.total} rows; the first ${returned.rows.length} shown)`
        : table.slice(table.lastIndexOf("\n") + 1);
    process.stdout.write(
      `\n== statement ${statement.index}: ${firstLine(statement)}\n${table.slice(0, table.lastIndexOf("\n"))}\n${counted}\n`,
    );
    return;
  }
  const rows = returned.rows.map((row) =>
    Object.fromEntries(returned.columns.map((c, i) => [c, jsonValue(row[i])])),
  );
  process.stdout.write(`${JSON.stringify({ statement: statement.index, rows, total: returned.total })}\n`);
}

export function registerLoad(program: Command): void {
  const load = program
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
    .option("--allow-modified", "load a registered script even though its content changed");
  addBulkOptions(load)
    .addHelpText(
      "after",
      "\nExamples:\n  $ c360 load ~/.local/share/c360/scripts/graph_output_20251103_020000.cypher --clear\n  $ c360 load ~/.local/share/c360/scripts/graph_output_20251103_020000.cypher --resume\n  $ c360 load ~/.local/share/c360/scripts/graph_output_20251103_020000.cypher --bulk --clear --neo4j-home .neo4j",
    )
    .action(
      async (
        file: string,
        options: { clear?: boolean; resume?: boolean; allowModified?: boolean } & BulkFlags,
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
            bulk: bulkTarget(options),
            logger,
            progress: loadProgressReporter(logger),
            stop,
            onRows: printReturnedRows,
          }),
        );
        const c = result.counters;
        process.stdout.write(
          `loaded ${result.statementsTotal - result.resumedAfter} statements in ${(result.elapsedMs / 1000).toFixed(1)}s: ` +
            `${c.nodesCreated} nodes and ${c.relationshipsCreated} relationships created, ${c.propertiesSet} properties set` +
            (result.kind === "sync"
              ? `, ${c.nodesDeleted} nodes and ${c.relationshipsDeleted} relationships deleted\n`
              : "\n"),
        );
      },
    );
}
