/**
 * Two-stage shutdown for long commands: the first SIGINT/SIGTERM asks the running phase to stop
 * at its next safe point (between batches or transactions), where it records the run as
 * `aborted`, removes partial files and releases its connections; a second signal exits at once.
 */
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

/** Synchronous clean-ups (partial files) that must run even when a second signal exits at once. */
const forcedExitCleanups = new Set<() => void>();

export function onForcedExit(cleanup: () => void): () => void {
  forcedExitCleanups.add(cleanup);
  return () => forcedExitCleanups.delete(cleanup);
}

export function installStopHandlers(logger: Logger): StopSignal {
  let signal: NodeJS.Signals | undefined;
  const handler = (received: NodeJS.Signals) => {
    const code = received === "SIGINT" ? ExitCode.interrupted : ExitCode.terminated;
    if (signal !== undefined) {
      logger.error({ signal: received }, "second signal: exiting now");
      for (const cleanup of forcedExitCleanups) {
        try {
          cleanup();
        } catch {
          // Exiting anyway: a clean-up that fails must not keep the process alive.
        }
      }
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
