/**
 * `c360 demo`: the Quick start (src/run/demo.ts) from the command line.
 */
import type { Command } from "commander";
import { demoPrefix, runDemo, type DemoOptions } from "../run/demo.js";
import { contextFrom } from "./context.js";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .summary(
      "the Quick start: the sample universe and a local Neo4j of its own, then the job and the queries",
    )
    .description(
      `Creates the sample universe in databases of its own (${demoPrefix}etl_control_db and ${demoPrefix}profiles_db, ...) ` +
        "if they are missing (existing ones are only upgraded), starts the local Neo4j of its own on a free port " +
        "(store in .neo4j/), runs `c360 run --clear` against it, prints a summary per label and type and the ten " +
        "analytics queries' results, and stops the engine. It never uses the configured control database or " +
        "NEO4J_URI unless told to (--use-config), and never clears a graph holding nodes it did not create " +
        "unless told to (--force).",
    )
    .option("--use-config", "use the configured control database (ETL_DB_*) and NEO4J_URI instead of its own")
    .option("--force", "clear the target graph even if it holds nodes the demo did not create")
    .addHelpText(
      "after",
      "\nExamples:\n  $ npx c360 demo\n  $ npx c360 demo --use-config --neo4j-uri bolt://127.0.0.1:7687",
    )
    .action(async (options: DemoOptions, command: Command) => {
      const { config, logger } = contextFrom(command);
      await runDemo(config, logger, (line) => process.stdout.write(`${line}\n`), options);
    });
}
