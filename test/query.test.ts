/**
 * `c360 query`: query files from anywhere (a path, a folder, C360_QUERIES_DIR), titled with their
 * question, printed for a person (aligned by display width, floats rounded, headers without
 * Cypher prefixes) or exactly as JSON; an unknown name is a usage error listing the names.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { ExitCode } from "../src/errors.js";
import { displayHeader, displayWidth, formatTable } from "../src/query/queries.js";
import { emptyDir, runCli } from "./helpers/cli.js";
import { testNeo4j } from "./helpers/neo4j.js";

const env = () => ({ NEO4J_URI: testNeo4j().uri });

function queryFolder(): string {
  const dir = emptyDir();
  writeFileSync(
    path.join(dir, "01-spend.cypher"),
    "// What did each customer spend?\nUNWIND [{email: 'ana@example.com', spent: 755.5799999999999}, {email: '山田太郎', spent: 12.5}] AS a\nRETURN a.email, a.spent AS spent ORDER BY spent DESC",
  );
  writeFileSync(path.join(dir, "02-count.cypher"), "RETURN 2 AS answer");
  return dir;
}

describe("c360 query", () => {
  it("measures text as a terminal draws it", () => {
    assert.equal(displayWidth("José"), 4);
    assert.equal(displayWidth("日本語"), 6);
    assert.equal(displayWidth("👍🏽"), 2);
    assert.equal(displayWidth("👨‍👩‍👧"), 2);
    assert.equal(displayWidth("e\u0301"), 1);
    assert.equal(displayHeader("a.email"), "email");
    assert.equal(displayHeader("count(n)"), "count(n)");
    const table = formatTable({
      columns: ["a.email", "spent"],
      rows: [
        ["山田太郎", 755.5799999999999],
        ["ana@example.com", 12],
      ],
    }).split("\n");
    assert.equal(table[0], "email            spent");
    assert.equal(table[2], "山田太郎         755.58");
    assert.equal(table[3], "ana@example.com  12.0");
    const columnStart = (line: string, value: string) => displayWidth(line.slice(0, line.indexOf(value)));
    assert.equal(columnStart(table[2] as string, "755.58"), columnStart(table[3] as string, "12.0"));
  });

  it("runs a query file by its path, titled with its question", async () => {
    const dir = queryFolder();
    const result = await runCli(["query", path.join(dir, "01-spend.cypher")], { env: env() });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^== What did each customer spend\? \(01-spend\)$/m);
    assert.match(result.stdout, /^email\s+spent$/m);
    assert.match(result.stdout, /^ana@example\.com {2}755\.58$/m);
    assert.match(result.stdout, /^山田太郎 {9}12\.5$/m, "aligned by display width");
  });

  it("runs a folder with --dir or C360_QUERIES_DIR; JSON keeps exact values", async () => {
    const dir = queryFolder();
    const byFlag = await runCli(["query", "--dir", dir], { env: env() });
    assert.equal(byFlag.code, 0, byFlag.stderr);
    assert.match(byFlag.stdout, /== What did each customer spend\?/);
    assert.match(byFlag.stdout, /^== 02-count$/m, "a file without a title comment is named by its file");
    const bySetting = await runCli(["query", "count", "--json"], {
      env: { ...env(), C360_QUERIES_DIR: dir },
    });
    assert.equal(bySetting.code, 0, bySetting.stderr);
    assert.deepEqual(JSON.parse(bySetting.stdout), [
      { query: "02-count", title: null, rows: [{ answer: 2 }] },
    ]);
    const exact = await runCli(["query", "spend", "--json", "--dir", dir], { env: env() });
    const rows = (JSON.parse(exact.stdout) as Array<{ rows: Array<Record<string, unknown>> }>)[0]?.rows;
    assert.equal(rows?.[0]?.spent, 755.5799999999999);
    assert.equal(rows?.[0]?.["a.email"], "ana@example.com");
  });

  it("an unknown name is a usage error that lists the names it knows", async () => {
    const dir = queryFolder();
    const result = await runCli(["query", "revenue", "--dir", dir], { env: env() });
    assert.equal(result.code, ExitCode.usage, result.stderr);
    assert.match(result.stderr, /no query in \S+ matches \\"revenue\\"/);
    assert.match(result.stderr, /Known queries: 01-spend, 02-count/);
    const bundled = await runCli(["query", "nonsense"], { env: env() });
    assert.equal(bundled.code, ExitCode.usage);
    assert.match(bundled.stderr, /08-customer-journey/);
  });
});
