/**
 * The Quick start, contained (`c360 demo`): the sample universe in databases of its own, a local
 * Neo4j of its own, then the job (src/run/pipeline.ts), its summary and the analytics queries.
 */
import path from "node:path";
import { existsSync } from "node:fs";
import type { Config, Neo4jTarget, PostgresTarget } from "../config.js";
import { initControlDb } from "../control/migrate.js";
import { guarded } from "../control/run-lock.js";
import { AbortedError, C360Error, ControlDbError, RefusedError, messageOf } from "../errors.js";
import type { Logger } from "../logger.js";
import { createDriver, serverVersion, withDriver } from "../neo4j/driver.js";
import {
  defaultLocalHome,
  isLauncherBuilt,
  startLocalNeo4j,
  type LocalNeo4j,
} from "../neo4j-local/launcher.js";
import { controlDbUnreachable, databaseExists, onDatabase, withClient } from "../postgres/connection.js";
import { printResults, queriesDir, runQueries } from "../query/queries.js";
import { loadSample } from "../sample/load-sample.js";
import { quoteName } from "../script/literals.js";
import { runProperty } from "../script/provenance.js";
import { sqlFile } from "../sql-files.js";
import { runPipeline } from "./pipeline.js";
import { loadProgressReporter, progressReporter } from "./progress.js";
import { totalsTable } from "./summary.js";

const postgresHint =
  "Start PostgreSQL (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) " +
  "or point ETL_DB_HOST/ETL_DB_PORT/ETL_DB_USER at a running server.";

/** The databases the demo makes for itself: never the ones the configuration names. */
export const demoPrefix = "c360demo_";

export interface DemoOptions {
  /** Use the configured control database and NEO4J_URI, as they are (the demo's own otherwise). */
  useConfig?: boolean;
  /** Clear the target graph even if it holds nodes the demo did not create. */
  force?: boolean;
}

/** Makes sure the control database exists: the sample universe if it is missing, an upgrade if not. */
async function prepareControlDb(
  controlDb: PostgresTarget,
  prefix: string,
  logger: Logger,
  out: (line: string) => void,
): Promise<void> {
  const exists = await withClient(
    onDatabase(controlDb, "postgres"),
    (message, cause) => new ControlDbError(message, { cause, hint: postgresHint }),
    (admin) => databaseExists(admin, controlDb.database),
  );
  if (exists) {
    await initControlDb(controlDb, logger);
    out(`control database ${controlDb.database} found; schema up to date`);
  } else {
    const result = await loadSample({ controlDb, databasePrefix: prefix, logger });
    out(
      `created the sample universe (${controlDb.database} and its three sources) in ${(result.elapsedMs / 1000).toFixed(1)}s`,
    );
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

/**
 * The demo clears the graph it loads, so it refuses a graph holding anything it did not make: a
 * node of another label, or one of the sample's labels that c360 did not write.
 */
async function refuseForeignGraph(neo4j: Neo4jTarget, config: Config, labels: string[]): Promise<void> {
  const foreign = await withDriver(neo4j, config.timeouts, async (driver) => {
    const result = await driver.executeQuery(
      `MATCH (n) WHERE n.${quoteName(runProperty)} IS NULL OR none(label IN labels(n) WHERE label IN $labels)
       RETURN labels(n) AS labels LIMIT 1`,
      { labels },
      { database: neo4j.database, routing: "READ" },
    );
    return result.records[0]?.get("labels") as string[] | undefined;
  });
  if (foreign !== undefined)
    throw new RefusedError(
      `the graph at ${neo4j.uri} holds nodes the demo did not create (a node labelled ${foreign.map((l) => `:${l}`).join("") || "with no label"}), and the demo would clear it`,
      { hint: "Point the demo at an empty graph, or run `c360 demo --force` to clear this one anyway." },
    );
}

async function sampleLabels(controlDb: PostgresTarget): Promise<string[]> {
  return withClient(controlDb, controlDbUnreachable, async (client) => {
    const rows = await client.query<{ node_label: string }>(
      sqlFile("control/queries/select-label-mappings.sql"),
    );
    return rows.rows.map((row) => row.node_label);
  });
}

/** The demo's own engine: the local one, on a free port, whatever NEO4J_URI says. */
async function startDemoEngine(logger: Logger, out: (line: string) => void): Promise<LocalNeo4j> {
  if (!isLauncherBuilt())
    out(
      "building the local Neo4j launcher with Maven (the first time it downloads Neo4j: a minute or two)...",
    );
  out(`starting the local Neo4j (store in ${path.relative(process.cwd(), defaultLocalHome) || "."})...`);
  const started = Date.now();
  try {
    const engine = await startLocalNeo4j({ home: defaultLocalHome, port: 0, logger });
    out(`Neo4j is up at ${engine.boltUri} after ${((Date.now() - started) / 1000).toFixed(0)}s`);
    return engine;
  } catch (error) {
    // The likeliest cause with a store already there: `c360 neo4j` holds its lock.
    if (
      error instanceof C360Error &&
      error.hint === undefined &&
      existsSync(path.join(defaultLocalHome, "data"))
    )
      throw new C360Error(error.message, error.exitCode, {
        cause: error,
        hint: `Is \`c360 neo4j\` serving ${defaultLocalHome} already? Stop it, or run \`c360 demo --use-config\` with NEO4J_URI pointing at it.`,
      });
    throw error;
  }
}

export async function runDemo(
  config: Config,
  logger: Logger,
  out: (line: string) => void,
  options: DemoOptions = {},
): Promise<void> {
  const controlDb =
    options.useConfig === true
      ? config.controlDb
      : onDatabase(config.controlDb, `${demoPrefix}etl_control_db`);
  await prepareControlDb(controlDb, options.useConfig === true ? "" : demoPrefix, logger, out);
  const context = { config: { ...config, controlDb }, logger };
  await guarded(context, "demo", async (stop) => {
    let engine: LocalNeo4j | undefined;
    try {
      let neo4j = config.neo4j;
      if (options.useConfig !== true) {
        engine = await startDemoEngine(logger, out);
        neo4j = {
          ...config.neo4j,
          uri: engine.boltUri,
          username: "neo4j",
          password: undefined,
          database: "neo4j",
        };
      } else if (!(await neo4jAnswers(config))) {
        await withDriver(config.neo4j, config.timeouts, () => Promise.resolve());
      }
      if (stop.requested) throw new AbortedError("demo stopped by a signal", stop.exitCode);
      const version = await withDriver(neo4j, config.timeouts, (driver) =>
        serverVersion(driver, neo4j.database),
      );
      out(`Neo4j ${version} answers at ${neo4j.uri}`);
      if (options.force !== true) await refuseForeignGraph(neo4j, config, await sampleLabels(controlDb));
      if (engine !== undefined)
        out(
          "a fresh engine is cold: it compiles as it loads, so this first load runs slower than later ones",
        );
      const result = await runPipeline({
        config: { ...config, controlDb, neo4j },
        logger,
        clear: true,
        stop,
        generateProgress: progressReporter(logger),
        loadProgress: loadProgressReporter(logger),
      });
      out(
        `ran the job: ${result.script?.path} (${result.script?.statementCount} statements) loaded with --clear: ` +
          `${result.loaded?.counters.nodesCreated} nodes and ${result.loaded?.counters.relationshipsCreated} relationships`,
      );
      out(totalsTable(result).trimEnd());
      // The bundled queries, whatever C360_QUERIES_DIR says: they are the ones written for the sample.
      printResults(await runQueries(neo4j, config.timeouts, undefined, queriesDir), false);
    } finally {
      if (engine !== undefined) {
        await engine
          .stop()
          .catch((error: unknown) => logger.warn({ err: messageOf(error) }, "stopping Neo4j failed"));
      }
    }
  });
}
