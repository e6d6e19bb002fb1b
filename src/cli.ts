/**
 * The command line: parses flags and calls library functions. The only place where errors
 * become exit codes.
 */
import { Command, CommanderError, Option } from "commander";
import { C360Error, ConfigError, ExitCode, MetadataError, messageOf } from "./errors.js";
import { createLogger } from "./logger.js";
import { toolVersion } from "./version.js";
import { stderrLine } from "./terminal.js";
import { recordConfigFailure } from "./control/run-log.js";
import { settingFlags } from "./commands/context.js";
import { registerDemo } from "./commands/demo.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerGenerate } from "./commands/generate.js";
import { registerInit } from "./commands/init.js";
import { registerLoad } from "./commands/load.js";
import { registerPlan } from "./commands/plan.js";
import { registerQuery } from "./commands/query.js";
import { registerRun } from "./commands/run.js";
import { registerNeo4j } from "./commands/neo4j.js";
import { registerModel } from "./commands/model.js";
import { registerSample } from "./commands/sample.js";
import { registerStatus } from "./commands/status.js";

export function buildProgram(): Command {
  const program = new Command("c360")
    .version(toolVersion, "-V, --version", "print the c360 version")
    .description(
      "c360 turns siloed PostgreSQL databases into one Neo4j Customer 360 graph, driven by the metadata in a " +
        "control database. Settings come from .env, the environment and these flags (flags win); passwords " +
        "only from .env or the environment.",
    )
    .option("--env-file <path>", "read settings from this file instead of ./.env")
    // What bin/c360 passes --env-file as (Node itself would read the flag, see there).
    .addOption(new Option("--c360-env-file <path>").hideHelp())
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();

  for (const { flag, description, name } of settingFlags()) {
    program.addOption(new Option(`${flag} <value>`, `${description} (${name})`));
  }

  registerDemo(program);
  registerRun(program);
  registerPlan(program);
  registerGenerate(program);
  registerLoad(program);
  registerQuery(program);
  registerStatus(program);
  registerModel(program);
  registerDoctor(program);
  registerInit(program);
  registerSample(program);
  registerNeo4j(program);

  program.addHelpText(
    "after",
    "\nExamples:\n  $ npx c360 demo            # everything on local defaults\n  $ c360 init && c360 sample load\n\nExit codes: see the README.",
  );
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

/**
 * A reader that stops early (`c360 plan --help | head -1`) closes stdout under c360: that is the
 * reader's choice, not c360's failure, and no reason to crash with a stack trace.
 */
function quietOnClosedStdout(): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(typeof process.exitCode === "number" ? process.exitCode : ExitCode.ok);
  });
}

export async function main(argv: string[]): Promise<void> {
  quietOnClosedStdout();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof ConfigError) await recordConfigFailure(error, createLogger());
    process.exitCode = reportError(error);
  } finally {
    stderrLine.settle();
  }
}

/** Prints an error for a person (or a log collector) and returns the exit code it maps to. */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version "errors" are how commander says it printed what was asked for.
    if (
      error.code === "commander.helpDisplayed" ||
      error.code === "commander.version" ||
      error.exitCode === 0
    ) {
      return ExitCode.ok;
    }
    if (error.code === "commander.help") return ExitCode.ok;
    return ExitCode.usage; // commander has already printed the message
  }
  const logger = createLogger();
  if (error instanceof C360Error) {
    const problems =
      error instanceof ConfigError || error instanceof MetadataError ? error.problems : undefined;
    logger.error({ exitCode: error.exitCode, hint: error.hint, problems }, error.message);
    return error.exitCode;
  }
  logger.error(
    { exitCode: ExitCode.internal, stack: error instanceof Error ? error.stack : undefined },
    `unexpected error (a bug in c360, please report it): ${messageOf(error)}`,
  );
  return ExitCode.internal;
}
