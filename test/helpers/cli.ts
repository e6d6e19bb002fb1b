/**
 * Runs the real CLI (bin/c360.js) as a child process, the way users and cron do.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { projectRoot } from "../../src/version.js";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  /** Default: a fresh empty directory, so no developer's .env leaks into a test. */
  cwd?: string;
  timeoutMs?: number;
  /** The executable: this checkout's bin/c360 unless told (an installed package's, say). */
  command?: string;
}

/** Settings that must not leak from the developer's shell into a test's CLI run. */
const settingPrefixes = ["ETL_DB_", "NEO4J_", "C360_"];

const createdDirs: string[] = [];

// Test files run as their own processes: each removes its directories when it ends (some hold a
// whole Neo4j store), so repeated runs do not fill the disk.
process.once("exit", () => {
  for (const dir of createdDirs) rmSync(dir, { recursive: true, force: true });
});

export function emptyDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "c360-test-"));
  createdDirs.push(dir);
  return dir;
}

let scratchDataHome: string | undefined;

export interface RunningCli {
  child: ChildProcess;
  result: Promise<CliResult>;
}

/** Starts the CLI without waiting for it: for tests that signal it or race it. */
export function startCli(args: string[], options: CliOptions = {}): RunningCli {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !settingPrefixes.some((prefix) => key.startsWith(prefix))) env[key] = value;
  }
  // Scripts a test does not direct go to a scratch data directory, never the developer's.
  env.XDG_DATA_HOME = scratchDataHome ??= emptyDir();
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value !== undefined) env[key] = value;
  }
  // The command as users run it (bin/c360, which hands Node's own flags over to c360).
  const child = spawn(options.command ?? path.join(projectRoot, "bin", "c360"), args, {
    cwd: options.cwd ?? emptyDir(),
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const result = new Promise<CliResult>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, result };
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).result;
}

/** The JSON log lines a non-interactive run wrote to stderr. */
export function logLines(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
