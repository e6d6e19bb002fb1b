/**
 * Configuration: defaults, then a `.env` file, then the environment, then command-line flags
 * (flags win). Everything is validated by one strict zod schema and every problem is reported
 * at once, so a user fixes their setup in one pass instead of one error per run.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { projectRoot } from "./version.js";
import { parse as parseDotenv } from "dotenv";
import { z } from "zod";
import { ConfigError } from "./errors.js";

/** Every setting c360 reads, by its environment name. The order is the order of the docs. */
export const settings = {
  ETL_DB_HOST: { flag: "--db-host", description: "Control database host", default: "localhost" },
  ETL_DB_PORT: { flag: "--db-port", description: "Control database port", default: "5432" },
  ETL_DB_NAME: { flag: "--db-name", description: "Control database name", default: "etl_control_db" },
  ETL_DB_USER: { flag: "--db-user", description: "Control database user", default: "postgres" },
  ETL_DB_PASSWORD: { flag: undefined, description: "Control database password (empty: none)", default: "" },
  NEO4J_URI: {
    flag: "--neo4j-uri",
    description: "Neo4j Bolt URI (neo4j://, neo4j+s://, bolt://, bolt+s://, ...)",
    default: "bolt://127.0.0.1:7687",
  },
  NEO4J_USERNAME: { flag: "--neo4j-username", description: "Neo4j user", default: "neo4j" },
  NEO4J_PASSWORD: { flag: undefined, description: "Neo4j password (empty: no auth)", default: "" },
  NEO4J_DATABASE: { flag: "--neo4j-database", description: "Neo4j database name", default: "neo4j" },
  C360_CONNECT_TIMEOUT_S: {
    flag: undefined,
    description: "Seconds to wait for a PostgreSQL or Neo4j connection",
    default: "15",
  },
  C360_STATEMENT_TIMEOUT_S: {
    flag: undefined,
    description: "Seconds a PostgreSQL statement or a Neo4j batch transaction may take (0: no limit)",
    default: "3600",
  },
  C360_LOCK_TIMEOUT_S: {
    flag: undefined,
    description: "Seconds a PostgreSQL statement may wait for a lock (0: no limit)",
    default: "60",
  },
  C360_MAX_DELETE_PERCENT: {
    flag: undefined,
    description:
      "A sync refuses to delete more than this percent of a label's c360 nodes or a type's relationships (0-100; --allow-deletes for one run)",
    default: "20",
  },
  C360_NEW_COLUMNS: {
    flag: undefined,
    description:
      "A column new since the last run: warn (load it, and name it), block (leave it out until --accept-drift) or refuse",
    default: "warn",
  },
  C360_EMPTY_JOIN_KEYS: {
    flag: undefined,
    description:
      "An empty string in a join column (not a key): missing (load it as an absent property, so it joins nothing) or value (join it like any other value)",
    default: "missing",
  },
  C360_KEEP_SCRIPTS: {
    flag: undefined,
    description:
      "After a successful `c360 run`, keep the newest this many registered scripts and remove the older ones (0: keep all)",
    default: "30",
  },
  C360_OUTPUT_DIR: {
    flag: undefined,
    description:
      "Where scripts are written (--output-dir for one command); empty: $XDG_DATA_HOME/c360/scripts, by default ~/.local/share/c360/scripts",
    default: "",
  },
  C360_QUERIES_DIR: {
    flag: undefined,
    description:
      "The folder of .cypher files `c360 query` runs (--dir for one command); empty: the bundled queries/",
    default: "",
  },
  C360_LOG_LEVEL: {
    flag: "--log-level",
    description: "Log level: fatal, error, warn, info, debug, trace, silent",
    default: "info",
  },
} as const satisfies Record<string, { flag: string | undefined; description: string; default: string }>;

export type SettingName = keyof typeof settings;

const settingNames = Object.keys(settings) as SettingName[];

/** Variables in a `.env` file with one of these prefixes must be ours: a typo is an error. */
const ownedPrefixes = ["ETL_DB_", "NEO4J_", "C360_"];

const neo4jSchemes = ["neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"];

const nonEmpty = z.string().trim().min(1, "must not be empty");

function seconds(min: number) {
  return z.coerce
    .number({ error: "must be a number of seconds" })
    .int("must be a whole number of seconds")
    .min(min, `must be at least ${min}`)
    .max(86_400 * 7, "must be at most a week");
}

const configSchema = z
  .object({
    ETL_DB_HOST: nonEmpty,
    ETL_DB_PORT: z.coerce
      .number({ error: "must be a port number" })
      .int("must be a whole number")
      .min(1, "must be between 1 and 65535")
      .max(65535, "must be between 1 and 65535"),
    ETL_DB_NAME: nonEmpty.max(63, "PostgreSQL database names have at most 63 bytes"),
    ETL_DB_USER: nonEmpty,
    ETL_DB_PASSWORD: z.string(),
    NEO4J_URI: z.string().superRefine((value, ctx) => {
      const scheme = /^([a-z0-9+.-]+):\/\/[^/\s]+/i.exec(value)?.[1]?.toLowerCase();
      if (scheme === undefined) {
        ctx.addIssue({ code: "custom", message: `"${value}" is not a URI like bolt://host:7687` });
      } else if (/^[^:]+:\/\/[^/@]*@/.test(value)) {
        // Never echo it: the part before @ may be a password.
        ctx.addIssue({
          code: "custom",
          message: "must not contain credentials (user:password@); use NEO4J_USERNAME and NEO4J_PASSWORD",
        });
      } else if (!neo4jSchemes.includes(scheme)) {
        ctx.addIssue({
          code: "custom",
          message: `scheme "${scheme}" is not one of ${neo4jSchemes.join(", ")}`,
        });
      }
    }),
    NEO4J_USERNAME: nonEmpty,
    NEO4J_PASSWORD: z.string(),
    NEO4J_DATABASE: nonEmpty,
    C360_CONNECT_TIMEOUT_S: seconds(1),
    C360_STATEMENT_TIMEOUT_S: seconds(0),
    C360_LOCK_TIMEOUT_S: seconds(0),
    C360_MAX_DELETE_PERCENT: z.coerce
      .number({ error: "must be a number" })
      .min(0, "must be between 0 and 100")
      .max(100, "must be between 0 and 100"),
    C360_NEW_COLUMNS: z.enum(["warn", "block", "refuse"], { error: "must be one of warn, block, refuse" }),
    C360_EMPTY_JOIN_KEYS: z.enum(["missing", "value"], { error: "must be one of missing, value" }),
    C360_KEEP_SCRIPTS: z.coerce
      .number({ error: "must be a whole number of scripts" })
      .int("must be a whole number of scripts")
      .min(0, "must be 0 (keep all) or more"),
    C360_OUTPUT_DIR: z.string(),
    C360_QUERIES_DIR: z.string(),
    C360_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "must be one of fatal, error, warn, info, debug, trace, silent",
    }),
  })
  .strict();

export interface PostgresTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  /** Undefined when no password is configured (trust or peer authentication). */
  password: string | undefined;
}

export interface Neo4jTarget {
  uri: string;
  username: string;
  password: string | undefined;
  database: string;
}

export type EmptyJoinKeys = "missing" | "value";

export type LogLevel = z.infer<typeof configSchema>["C360_LOG_LEVEL"];

/** How long c360 waits before giving up, so that nothing hangs forever. 0: no limit. */
export interface Timeouts {
  connectMs: number;
  statementMs: number;
  lockMs: number;
}

export const defaultTimeouts: Timeouts = { connectMs: 15_000, statementMs: 3_600_000, lockMs: 60_000 };

export interface Config {
  controlDb: PostgresTarget;
  neo4j: Neo4jTarget;
  timeouts: Timeouts;
  /** The share of a label's c360 nodes a sync may delete without --allow-deletes. */
  maxDeletePercent: number;
  /** Registered scripts a successful run keeps (the newest); 0 keeps all. */
  keepScripts: number;
  /** What a run does with a column new since the last run. */
  newColumns: "warn" | "block" | "refuse";
  /** What an empty string in a join column is: missing (the default), or a value like any other. */
  emptyJoinKeys: EmptyJoinKeys;
  /** Where scripts are written: an absolute path (see defaultOutputDir). */
  outputDir: string;
  /** The folder `c360 query` reads: an absolute path. */
  queriesDir: string;
  logLevel: LogLevel;
  /** The `.env` file that was read, if any. */
  envFile: string | undefined;
}

export interface ConfigSources {
  /** The process environment (or a test's stand-in). */
  env: Readonly<Record<string, string | undefined>>;
  /** Values given as command-line flags, keyed by setting name. */
  flags?: Partial<Record<SettingName, string | undefined>>;
  /** An explicit `.env` path (must exist); default: `.env` in `cwd` if present. */
  envFile?: string | undefined;
  cwd?: string;
}

/** Whether this c360 runs from a checkout of its own sources (a git work tree), not a package. */
const runsFromCheckout = existsSync(path.join(projectRoot, ".git"));

/**
 * Where scripts go unless told. Run from inside a checkout of c360's sources (the Quick start, the
 * demo), its `generated/` folder, whose contents git ignores. Anywhere else (an installed package,
 * cron in /), a per-user data directory, the same from any working directory, never the working
 * directory itself.
 */
export function defaultOutputDir(env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  const inside = path.relative(projectRoot, path.resolve(cwd));
  const outside = inside === ".." || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside);
  if (runsFromCheckout && !outside) return path.join(projectRoot, "generated");
  const data = env.XDG_DATA_HOME ?? path.join(env.HOME ?? homedir(), ".local", "share");
  return path.join(data, "c360", "scripts");
}

/**
 * The settings every phase takes from the configuration (generate, sync, plan, load, run): one
 * mapping, so a setting added here reaches them all.
 */
export function phaseSettings(config: Config) {
  return {
    controlDb: config.controlDb,
    neo4j: config.neo4j,
    timeouts: config.timeouts,
    maxDeletePercent: config.maxDeletePercent,
    newColumns: config.newColumns,
    emptyJoinKeys: config.emptyJoinKeys,
  };
}

/** Where a command writes its script: its --output-dir, from the working directory, or the setting. */
export function outputDirOf(config: Pick<Config, "outputDir">, flag: string | undefined): string {
  return flag !== undefined ? path.resolve(flag) : config.outputDir;
}

/** The control database's settings alone, if they are valid: a refused run can still be recorded. */
function controlDbOf(raw: Record<string, string>): PostgresTarget | undefined {
  const parsed = configSchema
    .pick({
      ETL_DB_HOST: true,
      ETL_DB_PORT: true,
      ETL_DB_NAME: true,
      ETL_DB_USER: true,
      ETL_DB_PASSWORD: true,
    })
    .safeParse({
      ETL_DB_HOST: raw.ETL_DB_HOST,
      ETL_DB_PORT: raw.ETL_DB_PORT,
      ETL_DB_NAME: raw.ETL_DB_NAME,
      ETL_DB_USER: raw.ETL_DB_USER,
      ETL_DB_PASSWORD: raw.ETL_DB_PASSWORD,
    });
  return parsed.success ? controlTarget(parsed.data) : undefined;
}

function controlTarget(
  c: Pick<
    z.infer<typeof configSchema>,
    "ETL_DB_HOST" | "ETL_DB_PORT" | "ETL_DB_NAME" | "ETL_DB_USER" | "ETL_DB_PASSWORD"
  >,
): PostgresTarget {
  return {
    host: c.ETL_DB_HOST,
    port: c.ETL_DB_PORT,
    database: c.ETL_DB_NAME,
    user: c.ETL_DB_USER,
    password: c.ETL_DB_PASSWORD === "" ? undefined : c.ETL_DB_PASSWORD,
  };
}

export function loadConfig(sources: ConfigSources): Config {
  const problems: string[] = [];
  const cwd = sources.cwd ?? process.cwd();

  let envFile: string | undefined;
  let fileValues: Record<string, string> = {};
  if (sources.envFile !== undefined) {
    envFile = path.resolve(cwd, sources.envFile);
    if (!existsSync(envFile)) {
      problems.push(`env file ${envFile} does not exist (given with --env-file)`);
      envFile = undefined;
    }
  } else if (existsSync(path.join(cwd, ".env"))) {
    envFile = path.join(cwd, ".env");
  }
  if (envFile !== undefined) {
    fileValues = parseDotenv(readFileSync(envFile));
  }

  // Known settings in precedence order; unknown variables of ours from the .env file stay in
  // so that the strict schema names them (a misspelt NEO4J_PASWORD must not pass silently).
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(fileValues)) {
    if (ownedPrefixes.some((prefix) => key.startsWith(prefix))) raw[key] = value;
  }
  for (const name of settingNames) {
    const value = sources.flags?.[name] ?? sources.env[name] ?? fileValues[name] ?? settings[name].default;
    raw[name] = value;
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          problems.push(`${key} (in ${envFile ?? ".env"}) is not a c360 setting${suggest(key)}`);
        }
      } else {
        const name = String(issue.path[0]) as SettingName;
        problems.push(`${name}${describeOrigin(name, sources, fileValues, envFile)}: ${issue.message}`);
      }
    }
  }
  if (problems.length > 0 || !parsed.success) {
    const error = new ConfigError(problems, {
      hint: `Fix the values above in .env, the environment or the flags; ${path.join(projectRoot, ".env.example")} documents each setting.`,
    });
    const controlDb = controlDbOf(raw);
    if (controlDb !== undefined) error.attempt = { controlDb };
    throw error;
  }

  const c = parsed.data;
  return {
    controlDb: controlTarget(c),
    neo4j: {
      uri: c.NEO4J_URI,
      username: c.NEO4J_USERNAME,
      password: c.NEO4J_PASSWORD === "" ? undefined : c.NEO4J_PASSWORD,
      database: c.NEO4J_DATABASE,
    },
    timeouts: {
      connectMs: c.C360_CONNECT_TIMEOUT_S * 1000,
      statementMs: c.C360_STATEMENT_TIMEOUT_S * 1000,
      lockMs: c.C360_LOCK_TIMEOUT_S * 1000,
    },
    maxDeletePercent: c.C360_MAX_DELETE_PERCENT,
    keepScripts: c.C360_KEEP_SCRIPTS,
    newColumns: c.C360_NEW_COLUMNS,
    emptyJoinKeys: c.C360_EMPTY_JOIN_KEYS,
    outputDir:
      c.C360_OUTPUT_DIR === "" ? defaultOutputDir(sources.env, cwd) : path.resolve(cwd, c.C360_OUTPUT_DIR),
    queriesDir: path.resolve(
      cwd,
      c.C360_QUERIES_DIR === "" ? path.join(projectRoot, "queries") : c.C360_QUERIES_DIR,
    ),
    logLevel: c.C360_LOG_LEVEL,
    envFile,
  };
}

function describeOrigin(
  name: SettingName,
  sources: ConfigSources,
  fileValues: Record<string, string>,
  envFile: string | undefined,
): string {
  const flag = settings[name].flag;
  if (sources.flags?.[name] !== undefined && flag !== undefined) return ` (from ${flag})`;
  if (sources.env[name] !== undefined) return " (from the environment)";
  if (fileValues[name] !== undefined) return ` (from ${envFile ?? ".env"})`;
  return " (default)";
}

function suggest(key: string): string {
  let best: SettingName | undefined;
  let bestDistance = Infinity;
  for (const name of settingNames) {
    const distance = editDistance(key, name);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= 3 ? `; did you mean ${best}?` : "";
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
