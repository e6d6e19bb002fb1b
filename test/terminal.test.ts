/**
 * On a terminal (a pseudo-terminal from `script`), log lines and the live progress line never
 * share a line: a log line clears the progress line first, and it is drawn again below.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { projectRoot } from "../src/version.js";
import { emptyDir } from "./helpers/cli.js";
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
    .map((line) => line.replace(/\u001b\[[0-9;]*[A-Za-z]/g, ""));
}

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
