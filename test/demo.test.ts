/**
 * `c360 demo` is contained: by default its own databases and its own local engine, never the
 * configured ones; it never clears a graph holding nodes it did not create (exit 9) unless told to
 * (--force); it ends with a summary per label and type; Ctrl-C is 130.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { demoPrefix } from "../src/run/demo.js";
import { ExitCode } from "../src/errors.js";
import { emptyDir, runCli, startCli } from "./helpers/cli.js";
import { databaseNames, dropDatabases } from "./helpers/postgres.js";
import { useSampleUniverse } from "./helpers/universe.js";

const suite = useSampleUniverse("demo");
const env = () => suite.env();

async function analysts(): Promise<number> {
  const result = await suite.driver.executeQuery("MATCH (n:Analyst) RETURN count(n) AS n");
  return Number(result.records[0]?.get("n"));
}

describe("c360 demo", () => {
  // The demo's own databases: dropped after, unless a developer's demo had them already.
  let hadDemoDatabases = true;
  after(async () => {
    if (!hadDemoDatabases) await dropDatabases(await databaseNames(demoPrefix));
  });

  it("refuses to clear a graph holding a node it did not create; --force clears it, then sums up", async () => {
    await suite.driver.executeQuery("CREATE (:Analyst {name: 'keep me'})");
    const refused = await runCli(["demo", "--use-config"], { env: env() });
    assert.equal(refused.code, ExitCode.refused, refused.stderr);
    assert.match(refused.stderr, /holds nodes the demo did not create \(a node labelled :Analyst\)/);
    assert.match(refused.stderr, /c360 demo --force/);
    assert.equal(await analysts(), 1, "the foreign node survives");

    // The bundled queries, written for the sample, whatever C360_QUERIES_DIR says.
    const forced = await runCli(["demo", "--use-config", "--force"], {
      env: { ...env(), C360_QUERIES_DIR: emptyDir() },
      timeoutMs: 300_000,
    });
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(await analysts(), 0);
    assert.match(forced.stdout, /^label \/ type\s+from\s+rows read\s+nodes\s+relationships$/m);
    assert.match(forced.stdout, /^:Account\s+profiles_db\.accounts\s+40\s+40$/m);
    assert.match(forced.stdout, /^\[:WATCHED\]\s+2327 \(2327 created\)$/m);
    assert.match(forced.stdout, /^took \d+\.\d s$/m);
    assert.match(
      forced.stdout,
      /^== Payment fraud: which accounts share a credit card\? \(01-payment-fraud-shared-cards\)$/m,
    );
  });

  it("by default uses its own databases and engine, never the configured ones; Ctrl-C is 130", async () => {
    hadDemoDatabases = (await databaseNames(demoPrefix)).length > 0;
    await suite.driver.executeQuery("CREATE (:Analyst {name: 'keep me'})");
    const configured = { ...env(), ETL_DB_NAME: "c360t_demo_must_not_exist" };
    const demo = startCli(["demo"], { env: configured, timeoutMs: 300_000 });
    let stdout = "";
    demo.child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      // Interrupted while its run loads into its own engine.
      if (/fresh engine is cold/.test(stdout)) demo.child.kill("SIGINT");
    });
    const result = await demo.result;
    assert.equal(result.code, ExitCode.interrupted, result.stdout + result.stderr);
    assert.match(
      stdout,
      /created the sample universe \(c360demo_etl_control_db and its three sources\)|control database c360demo_etl_control_db found/,
    );
    assert.match(stdout, /starting the local Neo4j/);
    assert.match(stdout, /^Neo4j is up at bolt:\/\/127\.0\.0\.1:\d+ after \d+s$/m);
    assert.equal(await analysts(), 1, "the configured graph is not touched");
    assert.deepEqual(await databaseNames("c360t_demo_must_not_exist"), []);
    assert.ok((await databaseNames(`${demoPrefix}etl_control_db`)).length === 1);
  });
});
