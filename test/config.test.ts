import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { loadConfig, settings } from "../src/config.js";
import { projectRoot } from "../src/version.js";
import { ConfigError, ExitCode } from "../src/errors.js";
import { emptyDir, logLines, runCli } from "./helpers/cli.js";

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.exitCode, ExitCode.config);
    return error.problems;
  }
  assert.fail("expected loadConfig to throw");
}

describe("configuration", () => {
  it("uses local defaults when nothing is set", () => {
    const config = loadConfig({ env: {}, cwd: emptyDir() });
    assert.deepEqual(config.controlDb, {
      host: "localhost",
      port: 5432,
      database: "etl_control_db",
      user: "postgres",
      password: undefined,
    });
    assert.equal(config.neo4j.uri, "bolt://127.0.0.1:7687");
    assert.equal(config.neo4j.database, "neo4j");
    assert.equal(config.envFile, undefined);
  });

  it("writes scripts to a per-user data directory unless told, whatever the working directory", () => {
    const cwd = emptyDir();
    assert.equal(
      loadConfig({ env: { HOME: "/home/ops" }, cwd }).outputDir,
      "/home/ops/.local/share/c360/scripts",
    );
    assert.equal(
      loadConfig({ env: { HOME: "/home/ops", XDG_DATA_HOME: "/data" }, cwd }).outputDir,
      "/data/c360/scripts",
    );
    assert.equal(
      loadConfig({ env: { C360_OUTPUT_DIR: "/var/lib/c360/scripts" }, cwd }).outputDir,
      "/var/lib/c360/scripts",
    );
    assert.equal(loadConfig({ env: { C360_OUTPUT_DIR: "out" }, cwd }).outputDir, path.join(cwd, "out"));
  });

  it("writes scripts into the checkout's generated/ when run from inside it, and nowhere else", () => {
    // The suite runs from a git checkout (a clone, in CI): the Quick start's case.
    assert.ok(existsSync(path.join(projectRoot, ".git")));
    const generated = path.join(projectRoot, "generated");
    for (const cwd of [projectRoot, path.join(projectRoot, "src", "sync"), path.join(projectRoot, "..notes")])
      assert.equal(loadConfig({ env: { HOME: "/home/ops" }, cwd }).outputDir, generated, cwd);
    // Cron's working directory, and a sibling whose name merely starts like the checkout's.
    for (const cwd of ["/", `${projectRoot}-other`])
      assert.equal(
        loadConfig({ env: { HOME: "/home/ops" }, cwd }).outputDir,
        "/home/ops/.local/share/c360/scripts",
        cwd,
      );
    // git keeps the folder and ignores what is written into it.
    assert.equal(readFileSync(path.join(generated, ".gitignore"), "utf8"), "*\n!.gitignore\n");
  });

  it("documents every setting in .env.example and the README", () => {
    const example = readFileSync(path.join(projectRoot, ".env.example"), "utf8");
    const readme = readFileSync(path.join(projectRoot, "README.md"), "utf8");
    for (const name of Object.keys(settings)) {
      assert.match(example, new RegExp(`^${name}=`, "m"), `${name} is not in .env.example`);
      assert.match(readme, new RegExp(`^\\| \`${name}\` \\|`, "m"), `${name} is not in the README's table`);
    }
  });

  it("takes .env, then the environment, then flags, each overriding the one before", () => {
    const dir = emptyDir();
    writeFileSync(
      path.join(dir, ".env"),
      "ETL_DB_HOST=from-file\nETL_DB_NAME=file_db\nETL_DB_USER=file_user\nNEO4J_DATABASE=filedb\n",
    );
    const config = loadConfig({
      cwd: dir,
      env: { ETL_DB_NAME: "env_db", ETL_DB_USER: "env_user" },
      flags: { ETL_DB_USER: "flag_user" },
    });
    assert.equal(config.controlDb.host, "from-file");
    assert.equal(config.controlDb.database, "env_db");
    assert.equal(config.controlDb.user, "flag_user");
    assert.equal(config.neo4j.database, "filedb");
    assert.equal(config.envFile, path.join(dir, ".env"));
  });

  it("reports every problem at once, naming each setting and where it came from", () => {
    const dir = emptyDir();
    writeFileSync(path.join(dir, ".env"), "NEO4J_PASWORD=secret\nETL_DB_PORT=70000\n");
    const problems = problemsOf(() =>
      loadConfig({
        cwd: dir,
        env: { NEO4J_URI: "neo4a+s://example.databases.neo4j.io", C360_LOG_LEVEL: "loud" },
        flags: { ETL_DB_HOST: "  " },
      }),
    );
    assert.equal(problems.length, 5, problems.join("\n"));
    const text = problems.join("\n");
    assert.match(text, /ETL_DB_PORT \(from .*\.env\): must be between 1 and 65535/);
    assert.match(text, /ETL_DB_HOST \(from --db-host\): must not be empty/);
    assert.match(text, /NEO4J_URI \(from the environment\): scheme "neo4a\+s" is not one of/);
    assert.match(text, /C360_LOG_LEVEL \(from the environment\): must be one of/);
    assert.match(text, /NEO4J_PASWORD .* is not a c360 setting; did you mean NEO4J_PASSWORD\?/);
  });

  it("refuses credentials inside NEO4J_URI without repeating them", () => {
    const problems = problemsOf(() =>
      loadConfig({
        cwd: emptyDir(),
        env: { NEO4J_URI: "neo4j+s://neo4j:Sup3rSecret@abc.databases.neo4j.io" },
      }),
    );
    assert.match(problems[0] ?? "", /NEO4J_URI \(from the environment\): must not contain credentials/);
    assert.doesNotMatch(problems.join("\n"), /Sup3rSecret/);
  });

  it("refuses an --env-file that does not exist", () => {
    const problems = problemsOf(() => loadConfig({ cwd: emptyDir(), env: {}, envFile: "missing.env" }));
    assert.match(problems[0] ?? "", /missing\.env does not exist/);
  });

  it("accepts Aura-style secure URIs", () => {
    for (const uri of [
      "neo4j+s://abc.databases.neo4j.io",
      "bolt+s://abc.databases.neo4j.io:7687",
      "neo4j://h",
    ]) {
      assert.equal(loadConfig({ cwd: emptyDir(), env: { NEO4J_URI: uri } }).neo4j.uri, uri);
    }
  });

  it("exits with the configuration code and lists the problems on the command line", async () => {
    const result = await runCli(["init"], { env: { ETL_DB_PORT: "not-a-port", NEO4J_URI: "http://x" } });
    assert.equal(result.code, ExitCode.config, result.stderr);
    const [line] = logLines(result.stderr);
    assert.equal(line?.exitCode, ExitCode.config);
    assert.deepEqual(line?.problems, [
      "ETL_DB_PORT (from the environment): must be a port number",
      'NEO4J_URI (from the environment): scheme "http" is not one of neo4j, neo4j+s, neo4j+ssc, bolt, bolt+s, bolt+ssc',
    ]);
    assert.equal(result.stdout, "");
  });

  it("never prints a password, even one that fails validation elsewhere", async () => {
    const result = await runCli(["init"], {
      env: { ETL_DB_PASSWORD: "hunter2-secret", ETL_DB_PORT: "1", ETL_DB_HOST: "127.0.0.1" },
    });
    assert.equal(result.code, ExitCode.controlDb, result.stderr);
    assert.doesNotMatch(result.stderr + result.stdout, /hunter2-secret/);
  });
});
