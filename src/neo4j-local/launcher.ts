/**
 * Builds and runs the local Neo4j (neo4j-local/: the Community engine from Maven Central, embedded
 * in a small Java launcher). Used by `c360 neo4j`, the Quick start demo, the tests and the
 * benchmark. The engine is a child process that exits when we close its stdin, so it can never
 * outlive the Node process that started it.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { accessSync, constants, createWriteStream, existsSync, mkdirSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Neo4jTarget } from "../config.js";
import { PrerequisiteError, TargetError } from "../errors.js";
import type { Logger } from "../logger.js";
import { killOnForcedExit } from "../signals.js";
import { projectRoot, toolVersion } from "../version.js";

export const launcherDir = path.join(projectRoot, "neo4j-local");
const readyMarker = "C360_NEO4J_READY ";

/**
 * Where the launcher is built: target/ beside its sources (a checkout, or a package installed
 * where its user may write), else a per-version cache directory, for a package installed
 * read-only (a global install as root). Never relative to the working directory.
 */
export function launcherBuildDir(): string {
  const beside = path.join(launcherDir, "target");
  if (existsSync(beside) || isWritable(launcherDir)) return beside;
  const cache = process.env.XDG_CACHE_HOME ?? path.join(homedir(), ".cache");
  return path.join(cache, "c360", `neo4j-local-${toolVersion}`);
}

function isWritable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const launcherJar = () => path.join(launcherBuildDir(), "c360-neo4j-local.jar");
const launcherLib = () => path.join(launcherBuildDir(), "lib");

/** The JVM flags Neo4j's own launcher passes, which the embedded engine needs too. */
const jvmFlags = [
  "--add-opens=java.base/java.nio=ALL-UNNAMED",
  "--add-opens=java.base/java.io=ALL-UNNAMED",
  "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
  "--enable-native-access=ALL-UNNAMED",
  "-Dio.netty.tryReflectionSetAccessible=true",
  "-XX:+UseG1GC",
];

/** `java` arguments that run `mainClass` on the launcher's classpath (Neo4j and its tools). */
export function neo4jJavaArgs(heap: string, mainClass: string, args: readonly string[]): string[] {
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    ...jvmFlags,
    "-cp",
    [launcherJar(), path.join(launcherLib(), "*")].join(path.delimiter),
    mainClass,
    ...args,
  ];
}

export function isLauncherBuilt(): boolean {
  const lib = launcherLib();
  return existsSync(launcherJar()) && existsSync(lib) && readdirSync(lib).length > 0;
}

function requireCommand(command: string, args: string[], hint: string): void {
  const probe = spawnSync(command, args, { stdio: "ignore" });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new PrerequisiteError(`${command} is not available on this machine`, { hint });
  }
}

/** Builds the launcher with Maven if it is not built yet (the first build downloads Neo4j). */
export function ensureLauncherBuilt(logger: Logger): void {
  if (isLauncherBuilt()) return;
  requireCommand(
    "java",
    ["-version"],
    "Install a JDK 17 or 21 (Debian: apt-get install openjdk-17-jdk-headless).",
  );
  requireCommand(
    "mvn",
    ["-v"],
    "Install Maven (Debian: apt-get install maven), or run `npm run neo4j:build`.",
  );
  logger.info(
    "building the local Neo4j launcher with Maven (the first build downloads Neo4j from Maven Central)",
  );
  const build = spawnSync(
    "mvn",
    [
      "-B",
      "-q",
      "-Dstyle.color=never",
      "-f",
      path.join(launcherDir, "pom.xml"),
      `-Dc360.buildDirectory=${launcherBuildDir()}`,
      "package",
    ],
    // Maven's output is a log: to stderr, so that stdout stays c360's data (the Bolt URI).
    { stdio: ["ignore", 2, 2] },
  );
  if (build.status !== 0 || !isLauncherBuilt()) {
    throw new PrerequisiteError("building the local Neo4j launcher failed (see Maven's output above)", {
      hint: `Run \`mvn -f ${path.join(launcherDir, "pom.xml")} -Dc360.buildDirectory=${launcherBuildDir()} package\` to see the problem.`,
    });
  }
}

export interface LocalNeo4jOptions {
  /** Store, logs and the launcher's own log go here. Reused across starts if it exists. */
  home: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  heap?: string;
  pageCache?: string;
  transactionMax?: string;
  readyTimeoutMs?: number;
  logger: Logger;
}

export interface LocalNeo4j {
  boltUri: string;
  pid: number;
  /** Shuts the engine down cleanly (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Resolves when the process exits, whoever stopped it. */
  exited: Promise<number | null>;
}

export async function startLocalNeo4j(options: LocalNeo4jOptions): Promise<LocalNeo4j> {
  ensureLauncherBuilt(options.logger);
  mkdirSync(options.home, { recursive: true });
  const heap = options.heap ?? "1g";
  const args = neo4jJavaArgs(heap, "dev.c360.neo4j.Launcher", [
    "--home",
    options.home,
    "--host",
    options.host ?? "127.0.0.1",
    "--port",
    String(options.port ?? 0),
    "--page-cache",
    options.pageCache ?? "512m",
    "--tx-max",
    options.transactionMax ?? "1g",
    "--exit-on-stdin-eof",
  ]);
  const child: ChildProcessWithoutNullStreams = spawn("java", args, { stdio: ["pipe", "pipe", "pipe"] });
  // It would exit once our stdin pipe closes, but only after a clean shutdown that writes its
  // store: a second signal must not leave it running over a directory that is being removed.
  const forget = killOnForcedExit(child);
  const logFile = path.join(options.home, "launcher.log");
  const log = createWriteStream(logFile, { flags: "a" });
  child.stderr.pipe(log);
  const recentErrors: string[] = [];
  createInterface({ input: child.stderr }).on("line", (line) => {
    recentErrors.push(line);
    if (recentErrors.length > 20) recentErrors.shift();
  });

  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      forget();
      log.end();
      resolve(code);
    });
    child.once("error", () => {
      forget();
      resolve(null);
    });
  });

  const boltUri = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new TargetError(
          `the local Neo4j did not start within ${(options.readyTimeoutMs ?? 180_000) / 1000}s`,
          {
            hint: `See ${logFile}.`,
          },
        ),
      );
    }, options.readyTimeoutMs ?? 180_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(
        new PrerequisiteError(`cannot start java: ${error.message}`, { hint: "Install a JDK 17 or 21." }),
      );
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        new TargetError(
          `the local Neo4j exited (code ${code}) before it was ready: ${recentErrors.join(" | ")}`,
          {
            hint: `See ${logFile}. A store locked by another running engine is a common cause.`,
          },
        ),
      );
    });
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line.startsWith(readyMarker)) {
        clearTimeout(timer);
        resolve(line.slice(readyMarker.length).trim());
      }
    });
  });

  options.logger.debug({ boltUri, pid: child.pid, home: options.home }, "local Neo4j is ready");
  let stopping: Promise<void> | undefined;
  return {
    boltUri,
    pid: child.pid ?? -1,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const killTimer = setTimeout(() => child.kill("SIGKILL"), 60_000);
        child.kill("SIGTERM");
        await exited;
        clearTimeout(killTimer);
      })();
      return stopping;
    },
  };
}

/** The local engine's default store: inside the project, ignored by git. */
export const defaultLocalHome = path.join(process.cwd(), ".neo4j");

/** The port NEO4J_URI points at, when it points at this machine; the local engine listens there. */
export function localPortOf(target: Neo4jTarget): number | undefined {
  const match = /^(?:neo4j|bolt):\/\/(localhost|127\.0\.0\.1|\[::1\])(?::(\d+))?\/?$/i.exec(target.uri);
  if (match === null) return undefined;
  return match[2] === undefined ? 7687 : Number(match[2]);
}
