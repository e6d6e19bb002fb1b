/**
 * `c360 query [name]`: run the analytics queries and print their results.
 */
import type { Command } from "commander";
import { withDriver } from "../neo4j/driver.js";
import { formatTable, jsonValue, runQuery, selectQueries, type QueryResult } from "../query/queries.js";
import type { Neo4jTarget, Timeouts } from "../config.js";
import { contextFrom } from "./context.js";

export async function runQueries(
  neo4j: Neo4jTarget,
  timeouts: Timeouts,
  selector: string | undefined,
): Promise<QueryResult[]> {
  const queries = selectQueries(selector);
  return withDriver(neo4j, timeouts, async (driver) => {
    const results: QueryResult[] = [];
    for (const query of queries) results.push(await runQuery(driver, neo4j.database, query));
    return results;
  });
}

export function printResults(results: QueryResult[], json: boolean): void {
  if (json) {
    const out = results.map((r) => ({
      query: r.name,
      rows: r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, jsonValue(row[i])]))),
    }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  for (const result of results) process.stdout.write(`\n== ${result.name}\n${formatTable(result)}\n`);
}

export function registerQuery(program: Command): void {
  program
    .command("query")
    .summary("run one or all of the analytics queries in queries/ and print the results")
    .description(
      "Run the queries in queries/ against NEO4J_URI and print each result as a table (or JSON with --json). " +
        "Name a query by number (8), or by part of its file name (journey); without a name, all ten run.",
    )
    .argument("[name]", "which query: a number or part of its name")
    .option("--json", "print JSON for machines instead of tables")
    .addHelpText("after", "\nExamples:\n  $ c360 query\n  $ c360 query 8\n  $ c360 query fraud --json")
    .action(async (name: string | undefined, options: { json?: boolean }, command: Command) => {
      const { config } = contextFrom(command);
      printResults(await runQueries(config.neo4j, config.timeouts, name), options.json === true);
    });
}
