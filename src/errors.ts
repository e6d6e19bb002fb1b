/**
 * Typed errors that carry the process exit code the CLI reports for them.
 *
 * Library code throws these; only the CLI boundary (src/cli.ts) turns them into
 * `process.exitCode`. The table is documented in the README under "Exit codes":
 * keep the two in step.
 */
import type { PostgresTarget } from "./config.js";

export const ExitCode = {
  ok: 0,
  /** A bug in c360: an error nobody anticipated. */
  internal: 1,
  /** The command line itself is wrong (unknown option, missing argument). */
  usage: 2,
  /** Configuration (.env, environment, flags) or control-database metadata is invalid. */
  config: 3,
  /** The control database cannot be reached, or a statement against it failed. */
  controlDb: 4,
  /** A source database cannot be reached or read. */
  source: 5,
  /** Neo4j cannot be reached, or a statement against it failed. */
  target: 6,
  /** A load stopped part way: the graph holds some of the script. */
  partialLoad: 7,
  /** Another c360 run holds the control database's run lock. */
  locked: 8,
  /** c360 refused to do something destructive without being told to (e.g. --force). */
  refused: 9,
  /** Something c360 needs from the machine is missing (Java, Maven, a built launcher). */
  prerequisite: 10,
  /** A script file is missing, empty, not text, or not well-formed Cypher (e.g. an unterminated string). */
  badScript: 11,
  /** `c360 plan --detailed-exitcode`: the plan succeeded, and a run would change the graph. */
  changesPending: 12,
  /** Stopped by SIGINT. */
  interrupted: 130,
  /** Stopped by SIGTERM. */
  terminated: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface C360ErrorOptions {
  cause?: unknown;
  /** What the user can do about it; printed after the message. */
  hint?: string;
}

export class C360Error extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;

  constructor(message: string, exitCode: ExitCodeValue, options: C360ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = options.hint;
  }
}

/** Configuration problems, reported all at once. */
export class ConfigError extends C360Error {
  readonly problems: readonly string[];
  /**
   * Where the failed attempt can be recorded: the control database, when its own settings are
   * valid, and the command that was refused (set by the command that loaded the configuration).
   */
  attempt?: { controlDb: PostgresTarget; command?: string };

  constructor(problems: readonly string[], options: C360ErrorOptions = {}) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
      ExitCode.config,
      options,
    );
    this.problems = problems;
  }
}

/** Control-database metadata that cannot be exported, reported all at once, each naming its row. */
export class MetadataError extends C360Error {
  readonly problems: readonly string[];

  constructor(
    problems: readonly string[],
    exitCode: ExitCodeValue = ExitCode.config,
    options: C360ErrorOptions = {},
  ) {
    super(
      `Invalid control metadata (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
      exitCode,
      options,
    );
    this.problems = problems;
  }
}

export class ControlDbError extends C360Error {
  constructor(message: string, options: C360ErrorOptions = {}) {
    super(message, ExitCode.controlDb, options);
  }
}

export class SourceError extends C360Error {
  constructor(message: string, options: C360ErrorOptions = {}) {
    super(message, ExitCode.source, options);
  }
}

export class TargetError extends C360Error {
  constructor(message: string, options: C360ErrorOptions = {}) {
    super(message, ExitCode.target, options);
  }
}

export class ScriptFileError extends C360Error {
  constructor(message: string, options: C360ErrorOptions = {}) {
    super(message, ExitCode.badScript, options);
  }
}

/** The run was stopped by a signal at a safe point; recorded as `aborted`. */
export class AbortedError extends C360Error {
  constructor(message: string, exitCode: ExitCodeValue, options: C360ErrorOptions = {}) {
    super(message, exitCode, options);
  }
}

export class RefusedError extends C360Error {
  constructor(message: string, options: C360ErrorOptions = {}) {
    super(message, ExitCode.refused, options);
  }
}

export class PrerequisiteError extends C360Error {
  constructor(message: string, options: C360ErrorOptions = {}) {
    super(message, ExitCode.prerequisite, options);
  }
}

/** The message of anything thrown, without assuming it is an Error. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
