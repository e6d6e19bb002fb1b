/**
 * Neo4j's admin tool (`neo4j-admin`), run from the same Maven artifacts as the local engine: the
 * offline bulk importer, and the check that a store is not open in a running engine.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { TargetError } from "../errors.js";
import type { Logger } from "../logger.js";
import { killOnForcedExit } from "../signals.js";
import { ensureLauncherBuilt, neo4jJavaArgs } from "./launcher.js";

export interface AdminRun {
  code: number | null;
  /** The end of what it printed (stdout and stderr). */
  output: string;
}

/** Runs `neo4j-admin <args>` with NEO4J_HOME=home. */
export function runAdmin(home: string, heap: string, args: string[], logger: Logger): Promise<AdminRun> {
  ensureLauncherBuilt(logger);
  const child = spawn("java", neo4jJavaArgs(heap, "org.neo4j.cli.AdminTool", args), {
    env: { ...process.env, NEO4J_HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // A second signal exits at once: the importer must not go on writing a store behind us.
  const forget = killOnForcedExit(child);
  let output = "";
  const keep = (chunk: string) => {
    // The tail is what explains a failure; progress lines before it are not kept.
    output = (output + chunk).slice(-20_000);
  };
  child.stdout.setEncoding("utf8").on("data", keep);
  child.stderr.setEncoding("utf8").on("data", keep);
  return new Promise((resolve, reject) => {
    child.once("error", (error) => {
      forget();
      reject(new TargetError(`cannot start java: ${error.message}`));
    });
    child.once("close", (code) => {
      forget();
      resolve({ code, output });
    });
  });
}

/** Whether an engine has the store of database `neo4j` under `home` open. */
export async function isStoreInUse(home: string, logger: Logger): Promise<boolean> {
  const run = await runAdmin(home, "256m", ["database", "info", "neo4j"], logger);
  if (run.code === 0) return !/Database in use:\s*false/.test(run.output);
  if (/is in use/.test(run.output)) return true;
  throw new TargetError(`cannot inspect the Neo4j store in ${home}: ${run.output.trim().slice(-500)}`);
}

export interface ImportInput {
  nodeGroups: ReadonlyArray<{ label: string; files: readonly string[] }>;
  relationshipGroups: ReadonlyArray<{ type: string; files: readonly string[] }>;
  multilineFields: boolean;
  /** Separates the elements of list fields. */
  arrayDelimiter: string;
}

/**
 * `neo4j-admin database import full` into database `neo4j` under `home`, which no engine may have
 * open. Node IDs are the integers of the files' `:ID` columns; a relationship naming a missing node,
 * or any other bad line, fails the import rather than being skipped.
 */
export async function importDatabase(
  home: string,
  input: ImportInput,
  heap: string,
  logger: Logger,
): Promise<string> {
  const args = [
    "database",
    "import",
    "full",
    ...input.nodeGroups.map((g) => `--nodes=${g.label}=${g.files.join(",")}`),
    ...input.relationshipGroups.map((g) => `--relationships=${g.type}=${g.files.join(",")}`),
    // After the file lists, which take every argument up to the next option.
    "--id-type=integer",
    `--array-delimiter=${input.arrayDelimiter}`,
    "--bad-tolerance=0",
    `--multiline-fields=${input.multilineFields}`,
    "--overwrite-destination=true",
    `--report-file=${path.join(home, "import.report")}`,
    "neo4j",
  ];
  const run = await runAdmin(home, heap, args, logger);
  if (run.code !== 0) {
    throw new TargetError(
      `neo4j-admin database import failed (exit ${run.code}): ${run.output.trim().slice(-2000)}`,
      {
        hint: `The importer's report is in ${path.join(home, "import.report")}.`,
      },
    );
  }
  return run.output;
}
