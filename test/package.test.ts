/**
 * c360 as users install it: the packed tarball installed into a project of its own, then run from
 * there and from other working directories. Everything the commands need must be in the package
 * (the launcher sources, .env.example, the SQL) and be found relative to c360 itself.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { ExitCode } from "../src/errors.js";
import { projectRoot } from "../src/version.js";
import { emptyDir, runCli } from "./helpers/cli.js";
import { databaseNames, dropDatabases, query, uniqueName } from "./helpers/postgres.js";

const prefix = `${uniqueName("pkg")}_`;
let installed = "";
let home = "";

function npm(args: string[], cwd: string): string {
  const result = spawnSync("npm", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_audit: "false" },
  });
  assert.equal(result.status, 0, `npm ${args.join(" ")}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** The installed command, run like `npx c360` from `cwd`, its data directory a scratch one. */
function c360(args: string[], cwd: string, env: Record<string, string> = {}) {
  return runCli(args, {
    cwd,
    command: path.join(installed, "node_modules", ".bin", "c360"),
    env: {
      XDG_DATA_HOME: home,
      ETL_DB_HOST: "127.0.0.1",
      ETL_DB_USER: "postgres",
      ETL_DB_NAME: `${prefix}etl_control_db`,
      ...env,
    },
    timeoutMs: 300_000,
  });
}

describe("the packed package, installed elsewhere", () => {
  before(() => {
    // Packed as `npm publish` would, without rebuilding the dist/ the other tests run from.
    const packDir = emptyDir();
    const tarball = npm(
      ["pack", "--ignore-scripts", "--silent", "--pack-destination", packDir],
      projectRoot,
    ).trim();
    installed = emptyDir();
    home = emptyDir();
    npm(["init", "-y"], installed);
    npm(["install", "--no-fund", "--no-audit", path.join(packDir, tarball)], installed);
  });

  after(async () => dropDatabases(await databaseNames(prefix)));

  it("carries what its commands need, and --help runs", async () => {
    const root = path.join(installed, "node_modules", "c360");
    for (const file of [".env.example", "neo4j-local/pom.xml", "README.md", "docs/script-format.md"])
      assert.ok(existsSync(path.join(root, file)), `${file} is not in the package`);
    const help = await c360(["--help"], emptyDir());
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: c360/m);
    const missing = await c360(["--env-file", "nowhere.env", "run"], emptyDir());
    assert.equal(missing.code, ExitCode.config, missing.stderr);
    assert.match(
      missing.stderr,
      new RegExp(`${path.join(root, ".env.example").replaceAll(".", "\\.")} documents`),
    );
  });

  it("starts its own Neo4j, runs the job from another directory, and stops on Ctrl-C with 130", async () => {
    const engine = spawn(
      path.join(installed, "node_modules", ".bin", "c360"),
      ["neo4j", "--home", path.join(emptyDir(), "store"), "--port", "0"],
      // HOME stays: Maven finds its local repository there.
      { cwd: emptyDir(), env: process.env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    engine.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => engine.once("close", resolve));
    try {
      // The first start builds the launcher with Maven inside the installed package.
      const boltUri = await new Promise<string>((resolve, reject) => {
        let stdout = "";
        engine.stdout.setEncoding("utf8").on("data", (chunk: string) => {
          stdout += chunk;
          const uri = /^(bolt:\/\/\S+)$/m.exec(stdout)?.[1];
          if (uri !== undefined) resolve(uri);
        });
        void exited.then((code) => reject(new Error(`c360 neo4j exited with ${String(code)}:\n${stderr}`)));
      });
      assert.ok(existsSync(path.join(installed, "node_modules", "c360", "neo4j-local", "target")));

      const cwd = emptyDir();
      const init = await c360(["sample", "load", "--prefix", prefix], cwd);
      assert.equal(init.code, 0, init.stderr);
      // As cron would: another working directory, no output directory given.
      const elsewhere = emptyDir();
      const run = await c360(["run"], elsewhere, { NEO4J_URI: boltUri });
      assert.equal(run.code, 0, run.stderr);
      const script = run.stdout.split("\n")[0] as string;
      assert.equal(path.dirname(script), path.join(home, "c360", "scripts"));
      assert.equal(statSync(script).mode & 0o777, 0o600);
      assert.deepEqual(readdirSync(elsewhere), [], "nothing is written to the working directory");
      const nodes = await query<{ n: string }>(
        `${prefix}etl_control_db`,
        "SELECT sum(nodes_created) AS n FROM etl_run_logs WHERE command = 'load'",
      );
      assert.equal(Number(nodes[0]?.n), 2560, "the sample universe's nodes");

      const chosen = path.join(emptyDir(), "scripts");
      const generate = await c360(["generate"], emptyDir(), { C360_OUTPUT_DIR: chosen });
      assert.equal(generate.code, 0, generate.stderr);
      assert.equal(path.dirname(generate.stdout.trim()), chosen);
    } finally {
      engine.kill("SIGINT");
    }
    assert.equal(await exited, ExitCode.interrupted, stderr);
  });
});
