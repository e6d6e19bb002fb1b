import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import path from "node:path";
import { after, describe, it } from "node:test";
import neo4j from "neo4j-driver";
import { ExitCode } from "../src/errors.js";
import { createDriver, serverVersion } from "../src/neo4j/driver.js";
import { projectRoot } from "../src/version.js";
import { emptyDir } from "./helpers/cli.js";
import { cleanGraph, testDriver, testNeo4j } from "./helpers/neo4j.js";

describe("the local Neo4j", () => {
  const driver = testDriver();
  after(() => driver.close());

  it("serves Bolt: a driver round trip writes and reads a node", async () => {
    await cleanGraph(driver);
    assert.match(await serverVersion(driver, "neo4j"), /^Neo4j\/5\.26\./);
    await driver.executeQuery("CREATE (:Probe {name: $name, big: $big})", {
      name: "round trip ☃",
      big: neo4j.int("9007199254740993"),
    });
    const { records } = await driver.executeQuery("MATCH (p:Probe) RETURN p.name AS name, p.big AS big");
    assert.equal(records.length, 1);
    assert.equal(records[0]?.get("name"), "round trip ☃");
    assert.equal(records[0]?.get("big"), 9007199254740993n, "integers come back exact, as BigInt");
    await cleanGraph(driver);
    const empty = await driver.executeQuery("MATCH (n) RETURN count(n) AS n");
    assert.equal(empty.records[0]?.get("n"), 0n);
  });

  it("`c360 neo4j` starts an engine, prints its Bolt URI and stops cleanly on SIGINT", async () => {
    const home = path.join(emptyDir(), "store");
    const child = spawn(
      process.execPath,
      [
        path.join(projectRoot, "bin", "c360.js"),
        "neo4j",
        "--home",
        home,
        "--port",
        "0",
        "--heap",
        "512m",
        "--page-cache",
        "64m",
      ],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, C360_LOG_LEVEL: "warn" } },
    );
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const uri = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once("line", resolve);
      void exited.then((code) => reject(new Error(`c360 neo4j exited early with ${code}`)));
    });
    assert.match(uri, /^bolt:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(uri, testNeo4j().uri);
    const own = createDriver({ uri, username: "neo4j", password: undefined, database: "neo4j" });
    try {
      const { records } = await own.executeQuery("RETURN 1 + 1 AS two");
      assert.equal(records[0]?.get("two"), 2n);
    } finally {
      await own.close();
    }
    child.kill("SIGINT");
    // Stopped by Ctrl-C: 130, as a shell reports a program SIGINT ended.
    assert.equal(await exited, ExitCode.interrupted);
  });
});
