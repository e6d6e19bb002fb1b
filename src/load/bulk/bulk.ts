/**
 * `--bulk`: a script loaded offline into the local engine's store, at the importer's speed.
 *
 * An online load writes every node and relationship through transactions; `neo4j-admin database
 * import` writes a new store directly, several times faster, but only into a database no engine has
 * open, and only as a whole new graph. So a bulk load:
 * 1. converts the script into import files (src/load/bulk/convert.ts) in a staging home beside the
 *    target home;
 * 2. imports them there;
 * 3. starts an engine on the staging store, runs the script's schema statements, checks the counts
 *    per label and type against the script, and runs the statements that could not be imported;
 * 4. stops it, and only then moves the new store into the target home, replacing the graph there.
 * The target's graph is untouched until step 4 and replaced whole in it: a failure anywhere before
 * leaves it as it was, and the staging home is removed.
 */
import { existsSync, rmSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { RefusedError, TargetError, messageOf } from "../../errors.js";
import type { Logger } from "../../logger.js";
import { createDriver } from "../../neo4j/driver.js";
import { onForcedExit } from "../../signals.js";
import { importDatabase, isStoreInUse } from "../../neo4j-local/admin.js";
import { startLocalNeo4j } from "../../neo4j-local/launcher.js";
import { isPlainIdentifier, quoteName } from "../../script/literals.js";
import {
  emptyCounters,
  executeStatements,
  StatementError,
  StopRequested,
  type LoadCounters,
  type SectionTiming,
} from "../execute.js";
import { ConversionStopped, convertScript, type ConvertedScript } from "./convert.js";
import { arrayDelimiter } from "./csv.js";

export interface BulkTarget {
  /** The local engine's home (`c360 neo4j --home`): the store written is its database `neo4j`. */
  home: string;
  /** Heap of the importer and of the engine that applies the schema. */
  heap: string;
  pageCache: string;
}

export interface BulkLoadOptions {
  file: string;
  bytes: AsyncIterable<Buffer>;
  /** Called once `bytes` are all read, before anything is imported: throws if they are not the script's. */
  verifyScript: () => void;
  target: BulkTarget;
  /** The target may hold a graph, which is replaced (`--clear`). */
  replace: boolean;
  logger: Logger;
  shouldStop?: () => boolean;
  onSection?: (timing: BulkSectionTiming) => void;
}

export interface BulkSectionTiming {
  section: "convert" | "import" | SectionTiming["section"];
  ms: number;
  statements: number;
}

export class BulkStopped extends Error {}

/** Where the `neo4j` database's files live in a home. */
function storeDirs(home: string): string[] {
  return [path.join(home, "data", "databases", "neo4j"), path.join(home, "data", "transactions", "neo4j")];
}

async function checkTarget(target: BulkTarget, replace: boolean, logger: Logger): Promise<boolean> {
  if (/[,=]/.test(target.home)) {
    throw new RefusedError(`the Neo4j home ${target.home} holds a comma or an equals sign`, {
      hint: "The importer's file arguments cannot carry them; choose another --neo4j-home.",
    });
  }
  const holdsStore = existsSync(storeDirs(target.home)[0] as string);
  if (!holdsStore) return false;
  if (!replace) {
    throw new RefusedError(`${target.home} already holds a graph, and a bulk load replaces the whole graph`, {
      hint: "Add --clear to replace it, or load online (without --bulk) to merge into it.",
    });
  }
  if (await isStoreInUse(target.home, logger)) {
    throw new RefusedError(`the Neo4j store in ${target.home} is open in a running engine`, {
      hint: "Stop that engine (Ctrl-C on `c360 neo4j`) first: the importer writes a store offline.",
    });
  }
  return true;
}

/** Where the imported graph differs from what the import files held (nothing, normally). */
async function countGraph(
  driver: ReturnType<typeof createDriver>,
  converted: ConvertedScript,
): Promise<string[]> {
  const session = driver.session({ database: "neo4j" });
  const problems: string[] = [];
  try {
    for (const [label, expected] of converted.nodesPerLabel) {
      const result = await session.run(`MATCH (n:${quoteName(label)}) RETURN count(n) AS n`);
      const actual = Number(result.records[0]?.get("n"));
      if (actual !== expected) problems.push(`:${label} has ${actual} nodes, the script ${expected}`);
    }
    // Only imported types: a type that statements also create online is never imported.
    for (const [type, expected] of converted.relationshipsPerType) {
      const result = await session.run(`MATCH ()-[r:${quoteName(type)}]->() RETURN count(r) AS n`);
      const actual = Number(result.records[0]?.get("n"));
      if (actual !== expected) problems.push(`:${type} has ${actual} relationships, the files ${expected}`);
    }
  } finally {
    await session.close();
  }
  return problems;
}

/** Moves the staged store into the target home, the old one aside until the new one is in place. */
async function swapInto(staging: string, home: string, replacing: boolean): Promise<void> {
  const stamp = `c360-replaced-${process.pid}-${Date.now()}`;
  const targets = storeDirs(home);
  const sources = storeDirs(staging);
  const moved: Array<[string, string]> = [];
  const placed: string[] = [];
  try {
    if (replacing) {
      for (const dir of targets) {
        if (!existsSync(dir)) continue;
        await rename(dir, `${dir}.${stamp}`);
        moved.push([`${dir}.${stamp}`, dir]);
      }
    }
    for (const [i, dir] of sources.entries()) {
      const target = targets[i] as string;
      await mkdir(path.dirname(target), { recursive: true });
      await rename(dir, target);
      placed.push(target);
    }
  } catch (error) {
    // Take out what was moved in and put the old store back: the target ends as it was.
    for (const dir of placed) await rm(dir, { recursive: true, force: true });
    for (const [aside, original] of moved) await rename(aside, original).catch(() => undefined);
    throw new TargetError(`could not move the imported store into ${home}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  for (const [aside] of moved) await rm(aside, { recursive: true, force: true });
}

export async function bulkLoad(options: BulkLoadOptions): Promise<LoadCounters> {
  const { logger, target } = options;
  const home = path.resolve(target.home);
  const replacing = await checkTarget({ ...target, home }, options.replace, logger);
  const staging = `${home}.c360-bulk-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  // A second signal exits at once; the children working in the staging home die first (see
  // onForcedExit), then it goes.
  const forgetStaging = onForcedExit(() => rmSync(staging, { recursive: true, force: true }));
  const csvDir = path.join(staging, "import");
  // Import files are the script's data: the directory is its owner's alone, as the files are.
  await mkdir(csvDir, { recursive: true, mode: 0o700 });
  const stopCheck = () => {
    if (options.shouldStop?.() === true) throw new BulkStopped();
  };
  const timed = async <T>(
    section: BulkSectionTiming["section"],
    statements: number,
    work: () => Promise<T>,
  ) => {
    const started = Date.now();
    const result = await work();
    options.onSection?.({ section, ms: Date.now() - started, statements });
    return result;
  };
  try {
    let converted: ConvertedScript;
    try {
      converted = await timed("convert", 0, () =>
        convertScript(options.file, options.bytes, csvDir, { shouldStop: options.shouldStop }),
      );
    } catch (error) {
      if (error instanceof ConversionStopped) throw new BulkStopped();
      throw error;
    }
    options.verifyScript();
    for (const name of [...converted.nodesPerLabel.keys(), ...converted.relationshipsPerType.keys()]) {
      if (!isPlainIdentifier(name))
        throw new RefusedError(`the label or type ${JSON.stringify(name)} cannot be named in an import`, {
          hint: "Load this script online (without --bulk).",
        });
    }
    for (const reason of converted.onlineReasons) logger.info(reason);
    stopCheck();
    const counters = emptyCounters();
    counters.nodesCreated = [...converted.nodesPerLabel.values()].reduce((a, b) => a + b, 0);
    counters.relationshipsCreated = [...converted.relationshipsPerType.values()].reduce((a, b) => a + b, 0);
    counters.propertiesSet = converted.propertiesSet;
    counters.statements = converted.statements - converted.schema.length - converted.online.length;
    logger.info(
      { nodes: counters.nodesCreated, relationships: counters.relationshipsCreated },
      "importing offline (neo4j-admin database import)",
    );
    await timed("import", 0, () =>
      importDatabase(staging, { ...converted, arrayDelimiter }, target.heap, logger),
    );
    stopCheck();

    // The CSV files are read: remove them while the engine starts.
    const removeCsv = rm(csvDir, { recursive: true, force: true });
    const engine = await startLocalNeo4j({
      home: staging,
      heap: target.heap,
      pageCache: target.pageCache,
      logger,
    });
    logger.info({ home: staging }, "engine started on the imported store: applying the schema");
    try {
      const driver = createDriver({
        uri: engine.boltUri,
        username: "neo4j",
        password: undefined,
        database: "neo4j",
      });
      try {
        const online = async (statements: ConvertedScript["schema"], section: "schema" | "relationships") => {
          const done = await executeStatements(driver, statements, {
            database: "neo4j",
            shouldStop: options.shouldStop,
            onSection: (timing) => options.onSection?.({ ...timing, section }),
          });
          for (const key of Object.keys(done) as Array<keyof LoadCounters>) counters[key] += done[key];
        };
        await online(converted.schema, "schema").catch((error: unknown) => {
          if (
            error instanceof StatementError &&
            error.neo4jCode?.endsWith(".Schema.ConstraintCreationFailed") === true
          ) {
            throw new RefusedError(
              `the imported nodes break a uniqueness constraint (${error.message}): the sources hold two rows ` +
                `with the same key for one label, which an online load merges into one node and a bulk load cannot`,
              { hint: `Nothing changed in ${home}. Load this script online (without --bulk).`, cause: error },
            );
          }
          throw error;
        });
        const problems = await countGraph(driver, converted);
        if (problems.length > 0)
          throw new TargetError(`the imported graph does not match the script: ${problems.join("; ")}`);
        stopCheck();
        await online(converted.online, "relationships");
      } finally {
        await driver.close();
      }
    } finally {
      await engine.stop();
      await removeCsv;
    }
    logger.info("engine stopped: moving the new store into place");
    stopCheck();
    await swapInto(staging, home, replacing);
    return counters;
  } catch (error) {
    // A Ctrl-C on a terminal also reaches the importer and the engine, which then fail: the stop
    // is what happened, and the target is unchanged either way.
    if (options.shouldStop?.() === true && !(error instanceof StopRequested)) throw new BulkStopped();
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
    forgetStaging();
  }
}
