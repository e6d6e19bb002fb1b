/**
 * The one logger. Logs go to stderr (stdout is for data: query results, plans, file names):
 * JSON lines when stderr is not a terminal (cron, CI, log shippers), readable lines when it is.
 */
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import type { LogLevel } from "./config.js";
import { stderrLine } from "./terminal.js";

export type { Logger } from "pino";

export interface LoggerOptions {
  level?: LogLevel;
  /** Force readable (true) or JSON (false) output; default: readable only on a terminal. */
  pretty?: boolean;
  /** Where JSON lines go instead of stderr (tests capture them to look for leaks). */
  destination?: NodeJS.WritableStream;
}

// Secrets must never reach a log line, whatever object someone decides to log.
const redactPaths = ["password", "db_password", "*.password", "*.db_password", "*.*.password"];

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  if (options.destination !== undefined)
    return pino({ level, redact: { paths: redactPaths, censor: "[redacted]" } }, options.destination);
  const readable = options.pretty ?? process.stderr.isTTY === true;
  const base = { level, redact: { paths: redactPaths, censor: "[redacted]" }, base: { pid: process.pid } };
  if (readable) {
    return pino(
      { ...base, base: undefined },
      pretty({
        // Through the live line: a log line never runs into the progress line (src/terminal.ts).
        destination: stderrLine.logStream(),
        sync: true,
        colorize: true,
        ignore: "pid,hostname",
        translateTime: "HH:MM:ss",
      }),
    );
  }
  // Synchronous writes: a CLI that exits right after logging must not lose its last lines.
  return pino(base, pino.destination({ fd: 2, sync: true }));
}

/** A logger that discards everything, for library callers and tests that do not care. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
