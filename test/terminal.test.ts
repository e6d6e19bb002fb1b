/**
 * On a terminal (a pseudo-terminal from `script`), log lines and the live progress line never
 * share a line: a log line clears the progress line first, and it is drawn again below. And a
 * hand-written script's RETURN rows are shown: a table on a terminal, JSON lines otherwise.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { projectRoot } from "../src/version.js";
import { emptyDir, runCli } from "./helpers/cli.js";
import { useSampleUniverse } from "./helpers/universe.js";

const suite = useSampleUniverse("terminal");

/**
 * What a terminal shows of each line: the text after its last carriage return, colours removed
 * (the pseudo-terminal turns each newline into CR LF).
 */
function visibleLines(raw: string): string[] {
  return raw
    .replaceAll("\r\n", "\n")
    .split("\n")
    .map((line) => line.slice(line.lastIndexOf("\r") + 1))
    .map((line) => line.replace(escapeSequences, ""));
}

/** ESC [ ... letter: colours and line clearing (built from its code: a literal reads as a mistake). */
const escapeSequences = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, "g");

function onTerminal(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const command = [path.join(projectRoot, "bin", "c360"), ...args].map((a) => `'${a}'`).join(" ");
  const child = spawn("script", ["-qec", command, "/dev/null"], {
    cwd: emptyDir(),
    env: { ...process.env, ...env, TERM: "xterm" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, output })));
}

describe("a calm terminal", () => {
  it("never runs a log line into the progress line", async () => {
    const { code, output } = await onTerminal(
      ["run", "--clear", "--batch-size", "50", "--output-dir", emptyDir()],
      suite.env(),
    );
    assert.equal(code, 0, output);
    const lines = visibleLines(output);
    assert.ok(
      lines.some((line) => / INFO: load section completed/.test(line)),
      "readable log lines on a terminal",
    );
    assert.ok(
      lines.some((line) => /statements \d+\/\d+ {2}nodes/.test(line)),
      "a progress line",
    );
    const mixed = lines.filter((line) =>
      /(entities\/s|\d rows).*INFO:|INFO:.*(entities\/s|\/ \d+ rows)/.test(line),
    );
    assert.deepEqual(mixed, [], "a log line ran into the progress line");
  });
});

describe("a hand-written script's RETURN rows", () => {
  const script = () => {
    const file = path.join(emptyDir(), "notes.cypher");
    writeFileSync(
      file,
      [
        "CREATE (:Note {n: 1, text: '日本語'});",
        "CREATE (:Note {n: 2, text: 'plain'});",
        "MATCH (note:Note) RETURN note.n, note.text AS text ORDER BY note.n;",
        "UNWIND range(1, 50) AS i RETURN i;",
        "MATCH (note:Note) DETACH DELETE note;",
        "",
      ].join("\n"),
    );
    return file;
  };

  it("prints them as JSON lines when stdout is not a terminal, the first 20 of each", async () => {
    const result = await runCli(["load", script()], { env: suite.env() });
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split("\n");
    assert.deepEqual(JSON.parse(lines[0] as string), {
      statement: 3,
      rows: [
        { "note.n": 1, text: "日本語" },
        { "note.n": 2, text: "plain" },
      ],
      total: 2,
    });
    const many = JSON.parse(lines[1] as string) as { statement: number; rows: unknown[]; total: number };
    assert.equal(many.statement, 4);
    assert.equal(many.rows.length, 20);
    assert.equal(many.total, 50);
    assert.match(lines[2] as string, /^loaded 5 statements/);
  });

  it("prints them as titled tables on a terminal", async () => {
    const { code, output } = await onTerminal(["load", script()], suite.env());
    assert.equal(code, 0, output);
    const lines = visibleLines(output);
    assert.ok(
      lines.includes("== statement 3: MATCH (note:Note) RETURN note.n, note.text AS text ORDER BY note.n"),
      output,
    );
    assert.ok(lines.includes("n  text"), "headers without the Cypher prefix");
    assert.ok(lines.includes("1  日本語"));
    assert.ok(lines.includes("(50 rows; the first 20 shown)"));
  });
});
