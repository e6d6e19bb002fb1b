/**
 * `c360 neo4j`: run the local Neo4j in the foreground.
 */
import path from "node:path";
import type { Command } from "commander";
import { ExitCode, TargetError } from "../errors.js";
import { defaultLocalHome, localPortOf, startLocalNeo4j } from "../neo4j-local/launcher.js";
import { contextFrom } from "./context.js";

export function registerNeo4j(program: Command): void {
  program
    .command("neo4j")
    .summary("run the local Neo4j (Community, from Maven Central) until Ctrl-C")
    .description(
      "Run Neo4j 5.26 Community embedded in neo4j-local/, with Bolt on 127.0.0.1. The first run builds the " +
        "launcher with Maven. The store persists in --home. Listens on the port of NEO4J_URI when that points " +
        "at this machine (default 7687). Prints the Bolt URI on stdout when ready.",
    )
    .option("--home <dir>", "store and logs directory", defaultLocalHome)
    .option("--port <port>", "Bolt port (0: any free port)")
    .option("--heap <size>", "JVM heap", "1g")
    .option("--page-cache <size>", "page cache size", "512m")
    .addHelpText("after", "\nExamples:\n  $ c360 neo4j\n  $ c360 neo4j --port 7688 --heap 4g --page-cache 2g")
    .action(
      async (options: { home: string; port?: string; heap: string; pageCache: string }, command: Command) => {
        const { config, logger } = contextFrom(command);
        const port = options.port !== undefined ? Number(options.port) : (localPortOf(config.neo4j) ?? 7687);
        const engine = await startLocalNeo4j({
          home: path.resolve(options.home),
          port,
          heap: options.heap,
          pageCache: options.pageCache,
          logger,
        });
        process.stdout.write(`${engine.boltUri}\n`);
        logger.info(
          { boltUri: engine.boltUri, home: options.home },
          "local Neo4j is running; Ctrl-C stops it",
        );
        let signal: "SIGINT" | "SIGTERM" | undefined;
        const stopOn = (received: "SIGINT" | "SIGTERM") => () => {
          signal = received;
          void engine.stop();
        };
        process.once("SIGINT", stopOn("SIGINT"));
        process.once("SIGTERM", stopOn("SIGTERM"));
        const code = await engine.exited;
        // The engine's own code is SIGTERM's whatever stopped it: c360 reports the signal it got.
        logger.info({ engineExitCode: code, signal }, "local Neo4j stopped");
        if (signal !== undefined)
          process.exitCode = signal === "SIGINT" ? ExitCode.interrupted : ExitCode.terminated;
        else if (code !== 0)
          throw new TargetError(`the local Neo4j exited on its own with code ${String(code)}`, {
            hint: `See its logs in ${path.resolve(options.home)}.`,
          });
      },
    );
}
