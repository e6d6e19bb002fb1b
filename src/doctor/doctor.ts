/**
 * `c360 doctor`'s checks, in the order a run needs them: the control database and its schema, the
 * metadata with every active source (reachable, and every mapped table and column readable by
 * c360's user), then Neo4j (reachable, writable, its version and edition). Java and Maven are
 * noted: only the local engine and --bulk need them. Every check runs, so one pass shows all
 * that is wrong; the first failure is what the command exits with.
 */
import { spawnSync } from "node:child_process";
import neo4j from "neo4j-driver";
import type { Config } from "../config.js";
import { C360Error, ExitCode, SourceError, TargetError, messageOf } from "../errors.js";
import { planExport } from "../generate/generate.js";
import type { Logger } from "../logger.js";
import { assertSchemaCurrent } from "../control/migrate.js";
import type { ExportPlan, PlannedSource } from "../metadata/plan.js";
import { assertTakesWrites, withDriver } from "../neo4j/driver.js";
import {
  controlDbUnreachable,
  controlErrors,
  describeTarget,
  quoteIdent,
  withClient,
} from "../postgres/connection.js";

export interface CheckResult {
  name: string;
  /** `note`: not needed for `run`, said for what needs it. */
  status: "ok" | "failed" | "skipped" | "note";
  detail: string;
  error?: C360Error;
}

function failure(name: string, error: unknown): CheckResult {
  const typed =
    error instanceof C360Error ? error : new C360Error(messageOf(error), ExitCode.internal, { cause: error });
  return { name, status: "failed", detail: typed.message, error: typed };
}

async function checkControlDb(config: Config): Promise<CheckResult> {
  const name = `control database ${describeTarget(config.controlDb)}`;
  try {
    await withClient(
      config.controlDb,
      controlDbUnreachable,
      (client) => assertSchemaCurrent(controlErrors(client)),
      { applicationName: "c360 doctor", timeouts: config.timeouts },
    );
    return { name, status: "ok", detail: "reachable, schema current" };
  } catch (error) {
    return failure(name, error);
  }
}

/** Reads no row, but needs SELECT on every planned column, as the extract does. */
async function checkSource(source: PlannedSource, plan: ExportPlan, config: Config): Promise<CheckResult> {
  const tables = plan.tables.filter((t) => t.source === source);
  const name = `source ${source.sourceName} (${describeTarget(source.target)})`;
  try {
    await withClient(
      source.target,
      (message, cause) => new SourceError(`${source.sourceName}: ${message}`, { cause }),
      async (client) => {
        for (const table of tables) {
          const columns = table.columns.map((c) => quoteIdent(c.name)).join(", ");
          await client
            .query(`SELECT ${columns} FROM ${quoteIdent(table.schema)}.${quoteIdent(table.table)} LIMIT 0`)
            .catch((error: unknown) => {
              throw new SourceError(
                `${source.sourceName}: cannot read ${table.schema}.${table.table} (${table.columns.length} columns): ${messageOf(error)}`,
                {
                  cause: error,
                  hint: `Grant c360's user SELECT on it: GRANT SELECT ON ${table.schema}.${table.table} TO ${source.target.user};`,
                },
              );
            });
        }
      },
      { applicationName: "c360 doctor", timeouts: config.timeouts },
    );
    return { name, status: "ok", detail: `reachable; readable: ${tables.map((t) => t.table).join(", ")}` };
  } catch (error) {
    return failure(name, error);
  }
}

async function checkNeo4j(config: Config): Promise<CheckResult> {
  const name = `Neo4j ${config.neo4j.uri} (database ${config.neo4j.database})`;
  try {
    const about = await withDriver(config.neo4j, config.timeouts, async (driver) => {
      const components = await driver.executeQuery(
        "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition",
        {},
        { database: config.neo4j.database, routing: neo4j.routing.READ },
      );
      await assertTakesWrites(driver, config.neo4j);
      const record = components.records[0];
      return `${String(record?.get("name"))} ${String(record?.get("version"))} ${String(record?.get("edition"))}`;
    });
    return { name, status: "ok", detail: `${about}; reachable, writable` };
  } catch (error) {
    return failure(
      name,
      error instanceof C360Error ? error : new TargetError(messageOf(error), { cause: error }),
    );
  }
}

// ESC [ ... m: built from its code, as a control character in a regex literal reads as a mistake.
const colourCodes = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

function toolVersion(command: string, args: string[]): string | undefined {
  const probe = spawnSync(command, args, { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0) return undefined;
  // Maven colours its banner even in a pipe: the escapes do not belong in a checklist.
  const text = `${probe.stdout}${probe.stderr}`.replace(colourCodes, "");
  return text
    .split("\n")
    .find((line) => line.trim() !== "")
    ?.trim();
}

function checkJava(): CheckResult {
  const java = toolVersion("java", ["-version"]);
  const maven = toolVersion("mvn", ["-v"]);
  const found = [java, maven].filter((v) => v !== undefined).join("; ");
  if (java !== undefined && maven !== undefined)
    return { name: "Java and Maven", status: "ok", detail: `${found} (for c360 neo4j, demo and --bulk)` };
  return {
    name: "Java and Maven",
    status: "note",
    detail: `${java === undefined ? "java" : "mvn"} not found: only c360 neo4j, demo and --bulk need them (Debian: apt-get install openjdk-17-jdk-headless maven)`,
  };
}

/** Runs every check, telling `onCheck` each result as it comes; returns them all. */
export async function diagnose(
  config: Config,
  logger: Logger,
  onCheck: (check: CheckResult) => void,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const report = (check: CheckResult) => {
    results.push(check);
    onCheck(check);
  };
  const control = await checkControlDb(config);
  report(control);
  let plan: ExportPlan | undefined;
  if (control.status === "ok") {
    try {
      plan = await withClient(
        config.controlDb,
        controlDbUnreachable,
        (client) =>
          planExport(controlErrors(client), {
            logger,
            timeouts: config.timeouts,
            emptyJoinKeys: config.emptyJoinKeys,
          }),
        { applicationName: "c360 doctor", timeouts: config.timeouts },
      );
      report({
        name: "metadata",
        status: "ok",
        detail: `${plan.tables.length} label mappings, ${plan.relationships.length} relationship mappings, ${plan.sources.length} sources`,
      });
    } catch (error) {
      report(failure("metadata and sources", error));
    }
  } else report({ name: "metadata and sources", status: "skipped", detail: "needs the control database" });
  for (const source of plan?.sources ?? []) report(await checkSource(source, plan as ExportPlan, config));
  report(await checkNeo4j(config));
  report(checkJava());
  return results;
}
