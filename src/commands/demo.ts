/**
 * `c360 demo`: the Quick start. Prepares everything on local defaults and runs the main job.
 */
import path from "node:path";
import type { Command } from "commander";
import type { Config } from "../config.js";
import { ControlDbError, messageOf } from "../errors.js";
import type { Logger } from "../logger.js";
import { createDriver, serverVersion, withDriver } from "../neo4j/driver.js";
import { startLocalNeo4j, type LocalNeo4j } from "../neo4j-local/launcher.js";
import { databaseExists, onDatabase, withClient } from "../postgres/connection.js";
import { loadSample } from "../sample/load-sample.js";
import { contextFrom, guarded } from "./context.js";
import { printResults, runQueries } from "./query.js";
import { runPipeline } from "./run.js";
import { initControlDb } from "./init.js";
import { defaultLocalHome, localPortOf } from "./neo4j.js";

const postgresHint =
  "Start PostgreSQL (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) " +
  "or point ETL_DB_HOST/ETL_DB_PORT/ETL_DB_USER at a running server.";

/** Makes sure the control database exists: the sample universe if it is missing, an upgrade if not. */
async function prepareControlDb(config: Config, logger: Logger, out: (line: string) => void): Promise<void> {
  const exists = await withClient(
    onDatabase(config.controlDb, "postgres"),
    (message, cause) => new ControlDbError(message, { cause, hint: postgresHint }),
    (admin) => databaseExists(admin, config.controlDb.database),
  );
  if (exists) {
    await initControlDb(config.controlDb, logger);
    out(`control database ${config.controlDb.database} found; schema up to date`);
  } else {
    const result = await loadSample({ controlDb: config.controlDb, logger });
    out(`created the sample universe in ${(result.elapsedMs / 1000).toFixed(1)}s`);
  }
}

async function neo4jAnswers(config: Config): Promise<boolean> {
  const driver = createDriver(config.neo4j, { connectTimeoutMs: 3_000 });
  try {
    await driver.verifyConnectivity({ database: config.neo4j.database });
    return true;
  } catch {
    return false;
  } finally {
    await driver.close();
  }
}

export async function runDemo(config: Config, logger: Logger, out: (line: string) => void): Promise<void> {
  await prepareControlDb(config, logger, out);

  let engine: LocalNeo4j | undefined;
  try {
    let neo4j = config.neo4j;
    if (!(await neo4jAnswers(config))) {
      const port = localPortOf(config.neo4j);
      if (port === undefined) {
        // A remote URI that does not answer: starting a local engine would load somewhere else.
        await withDriver(config.neo4j, config.timeouts, () => Promise.resolve());
      }
      out(
        `no Neo4j answers at ${config.neo4j.uri}; starting the local engine (store in ${path.relative(process.cwd(), defaultLocalHome)})`,
      );
      engine = await startLocalNeo4j({ home: defaultLocalHome, port: port ?? 7687, logger });
      neo4j = { ...config.neo4j, uri: engine.boltUri };
    }
    const version = await withDriver(neo4j, config.timeouts, (driver) =>
      serverVersion(driver, neo4j.database),
    );
    out(`Neo4j ${version} answers at ${neo4j.uri}`);
    const { script, loaded } = await guarded({ config, logger }, "run", (stop) =>
      runPipeline({ config: { ...config, neo4j }, logger, clear: true, stop }),
    );
    out(
      `ran the job: ${script?.path} (${script?.statementCount} statements) loaded with --clear: ` +
        `${loaded?.counters.nodesCreated} nodes and ${loaded?.counters.relationshipsCreated} relationships`,
    );
    printResults(await runQueries(neo4j, config.timeouts, undefined), false);
  } finally {
    if (engine !== undefined) {
      await engine
        .stop()
        .catch((error: unknown) => logger.warn({ err: messageOf(error) }, "stopping Neo4j failed"));
    }
  }
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .summary("the Quick start: set up the sample universe and Neo4j on local defaults, run the job")
    .description(
      "Creates the sample universe if the control database is missing (an existing one is only upgraded), " +
        "starts the local Neo4j if nothing answers at NEO4J_URI (and stops it afterwards), runs `c360 run --clear` " +
        "against it and prints the ten analytics queries' results.",
    )
    .addHelpText("after", "\nExample:\n  $ npx c360 demo")
    .action(async (_options: unknown, command: Command) => {
      const { config, logger } = contextFrom(command);
      await runDemo(config, logger, (line) => process.stdout.write(`${line}\n`));
    });
}
