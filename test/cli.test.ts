import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { ExitCode } from "../src/errors.js";
import { projectRoot, toolVersion } from "../src/version.js";
import { runCli } from "./helpers/cli.js";

const commands = [
  "demo",
  "run",
  "plan",
  "generate",
  "load",
  "query",
  "status",
  "model",
  "doctor",
  "init",
  "sample load",
  "neo4j",
];

describe("command line", () => {
  it("--help lists every command with a one-line description", async () => {
    const result = await runCli(["--help"]);
    assert.equal(result.code, 0);
    for (const name of new Set(commands.map((command) => command.split(" ")[0] as string))) {
      assert.match(result.stdout, new RegExp(`^  ${name}\\b.*\\S.*$`, "m"), `${name} missing from --help`);
    }
    assert.match(result.stdout, /--db-host/);
    assert.doesNotMatch(result.stdout, /--.*password/i, "passwords are never flags");
  });

  it("--version prints the package version", async () => {
    const result = await runCli(["--version"]);
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim(), toolVersion);
  });

  for (const command of commands) {
    it(`${command} --help shows an example`, async () => {
      const result = await runCli([...command.split(" "), "--help"]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Examples?:\n\s+\$ (npx )?c360 /);
    });
  }

  it("a missing --env-file is c360's configuration error, naming the file, in either spelling", async () => {
    for (const args of [
      ["--env-file", "missing.env", "run"],
      ["--env-file=missing.env", "run"],
    ]) {
      const result = await runCli(args);
      assert.equal(result.code, ExitCode.config, result.stderr);
      assert.match(result.stderr, /env file \S*missing\.env does not exist \(given with --env-file\)/);
      assert.doesNotMatch(result.stderr, /^node:/m, "Node must not read the flag itself");
    }
  });

  it("a reader that closes stdout early is no crash", () => {
    // `true` exits without reading: c360, starting later, writes into a closed pipe every time.
    const bin = path.join(projectRoot, "bin", "c360");
    const piped = spawnSync("sh", ["-c", `{ "${bin}" plan --help; echo "exit=$?" >&2; } | true`], {
      encoding: "utf8",
    });
    assert.match(piped.stderr, /^exit=0$/m, piped.stderr);
    assert.doesNotMatch(piped.stderr, /EPIPE|Unhandled/);
  });

  it("an unknown command or option is a usage error", async () => {
    const unknownCommand = await runCli(["frobnicate"]);
    assert.equal(unknownCommand.code, ExitCode.usage);
    assert.match(unknownCommand.stderr, /unknown command 'frobnicate'/);
    const unknownOption = await runCli(["init", "--no-such-flag"]);
    assert.equal(unknownOption.code, ExitCode.usage);
    assert.match(unknownOption.stderr, /unknown option '--no-such-flag'/);
  });
});
