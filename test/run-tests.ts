/**
 * `npm test`: starts one real Neo4j for the whole run (free port, temporary store), runs every
 * *.test.js file with node's test runner, one file at a time, then stops Neo4j.
 *
 * PostgreSQL is the machine's own; each test file creates and drops its own databases.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger } from "../src/logger.js";
import { startLocalNeo4j } from "../src/neo4j-local/launcher.js";

const testDir = path.dirname(fileURLToPath(import.meta.url));

function testFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...testFiles(full));
    else if (entry.name.endsWith(".test.js")) files.push(full);
  }
  return files.sort();
}

async function main(): Promise<number> {
  const logger = createLogger({ level: "info" });
  // Arguments narrow the run to files whose path contains one of them: `npm test -- config`.
  const filters = process.argv.slice(2);
  const files = testFiles(testDir).filter(
    (file) => filters.length === 0 || filters.some((filter) => file.includes(filter)),
  );
  const home = mkdtempSync(path.join(tmpdir(), "c360-test-neo4j-"));
  logger.info("starting the test Neo4j");
  const neo4j = await startLocalNeo4j({ home, port: 0, heap: "1g", pageCache: "512m", logger });
  logger.info({ boltUri: neo4j.boltUri }, "test Neo4j is ready");
  try {
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ["--test", "--test-concurrency=1", "--test-reporter=spec", ...files],
        {
          stdio: "inherit",
          env: { ...process.env, C360_TEST_NEO4J_URI: neo4j.boltUri, C360_TEST_NEO4J_HOME: home },
        },
      );
      child.once("error", reject);
      child.once("exit", (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
    });
  } finally {
    await neo4j.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

process.exitCode = await main();
