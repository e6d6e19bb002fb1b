/**
 * Two-stage shutdown for long commands: the first SIGINT/SIGTERM asks the running phase to stop
 * at its next safe point (between batches or transactions), where it records the run as
 * `aborted`, removes partial files and releases its connections; a second signal exits at once.
 */
import { readFileSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import { ExitCode, type ExitCodeValue } from "./errors.js";
import type { Logger } from "./logger.js";

/** What a phase checks at its safe points. */
export interface StopRequest {
  readonly requested: boolean;
  readonly exitCode: ExitCodeValue;
}

export interface StopSignal extends StopRequest {
  /** True once a stop was requested. */
  readonly requested: boolean;
  readonly signal: NodeJS.Signals | undefined;
  dispose(): void;
}

/**
 * Synchronous clean-ups (partial files, child processes, staging directories) that must run even
 * when a second signal exits at once. They run newest first, as resources are released in reverse
 * order of acquisition: a child started inside a staging directory dies before the directory goes.
 */
const forcedExitCleanups = new Set<() => void>();

export function onForcedExit(cleanup: () => void): () => void {
  forcedExitCleanups.add(cleanup);
  return () => forcedExitCleanups.delete(cleanup);
}

function runForcedExitCleanups(): void {
  for (const cleanup of [...forcedExitCleanups].reverse()) {
    try {
      cleanup();
    } catch {
      // Exiting anyway: a clean-up that fails must not keep the process alive.
    }
  }
}

/** Whether a process has exited (or is a zombie waiting for us to reap it). */
function hasExited(pid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; the command may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state === "Z" || state === "X";
  } catch {
    return true;
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Kills a child process at a forced exit and waits (up to `waitMs`) until it is gone, so that it
 * writes nothing after the clean-ups that follow (the staging directory it works in, say).
 * Returns the function that forgets it, for when the child has ended normally.
 */
export function killOnForcedExit(child: ChildProcess, waitMs = 5_000): () => void {
  return onForcedExit(() => {
    const pid = child.pid;
    if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGKILL");
    const deadline = Date.now() + waitMs;
    while (!hasExited(pid) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 20);
  });
}

export function installStopHandlers(logger: Logger): StopSignal {
  let signal: NodeJS.Signals | undefined;
  const handler = (received: NodeJS.Signals) => {
    const code = received === "SIGINT" ? ExitCode.interrupted : ExitCode.terminated;
    if (signal !== undefined) {
      logger.error({ signal: received }, "second signal: exiting now");
      runForcedExitCleanups();
      process.exit(code);
    }
    signal = received;
    logger.warn(
      { signal: received },
      "stopping at the next safe point (send the signal again to exit at once)",
    );
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    get requested() {
      return signal !== undefined;
    },
    /** 130 for SIGINT, 143 for SIGTERM. */
    get exitCode(): ExitCodeValue {
      return signal === "SIGINT" ? ExitCode.interrupted : ExitCode.terminated;
    },
    get signal() {
      return signal;
    },
    dispose() {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
