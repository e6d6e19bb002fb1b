/**
 * `c360 query [name]`: run the analytics queries and print their results.
 */
import path from "node:path";
import type { Command } from "commander";
import { printResults, runQueries } from "../query/queries.js";
import { contextFrom } from "./context.js";

export function registerQuery(program: Command): void {
  program
    .command("query")
    .summary("run Cypher query files (the bundled analytics queries, or yours) and print the results")
    .description(
      "Run queries against NEO4J_URI and print each result as a table titled with the question it answers " +
        "(or JSON with --json). Name a query file by its path, or a query in the folder (--dir, C360_QUERIES_DIR, " +
        "by default the bundled queries/) by number (8) or part of its file name (journey); without a name, " +
        "every query in the folder runs. A query's title is its file's first line when that is a // comment.",
    )
    .argument("[name]", "a .cypher file, or a query in the folder: a number or part of its name")
    .option("--dir <dir>", "the folder of .cypher files (default: C360_QUERIES_DIR)")
    .option("--json", "print JSON for machines instead of tables")
    .addHelpText(
      "after",
      "\nExamples:\n  $ c360 query\n  $ c360 query 8\n  $ c360 query fraud --json\n  $ c360 query ./my-question.cypher\n  $ c360 query --dir /srv/c360/queries",
    )
    .action(async (name: string | undefined, options: { json?: boolean; dir?: string }, command: Command) => {
      const { config } = contextFrom(command);
      const dir = options.dir !== undefined ? path.resolve(options.dir) : config.queriesDir;
      printResults(await runQueries(config.neo4j, config.timeouts, name, dir), options.json === true);
    });
}
