/**
 * The check before a sync script runs: the graph must still be in the state the script was
 * computed against. A sync script lists what to create, update and delete relative to that state;
 * applied to another (after another run, a --clear, or someone's edits), it could delete nodes a
 * newer run wrote, or miss changes.
 */
import type { Driver } from "neo4j-driver";
import { RefusedError, ScriptFileError } from "../errors.js";
import { parseStateLine, readStateOf, stateDifferences } from "./graph.js";

export async function assertGraphUnchanged(
  driver: Driver,
  database: string,
  stateLine: string,
  file: string,
): Promise<void> {
  const expected = parseStateLine(stateLine);
  if (expected === undefined)
    throw new ScriptFileError(`${file}: its graph state line is not what c360 writes`, {
      hint: "Restore the line, or generate a new sync script with `c360 generate --sync`.",
    });
  const actual = await readStateOf(
    driver,
    database,
    Object.keys(expected.labels),
    Object.keys(expected.types),
  );
  const differences = stateDifferences(expected, actual);
  if (differences.length === 0) return;
  throw new RefusedError(
    `${file} is a sync computed against another graph state; the graph has moved on since:\n` +
      differences.map((d) => `  - ${d}`).join("\n"),
    {
      hint: "Nothing was loaded. Compute a new sync against the graph as it is now: `c360 run`, or `c360 generate --sync` to review it first.",
    },
  );
}
