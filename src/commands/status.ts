/**
 * `c360 status`: the recent runs and the newest script, from the control database.
 */
import type { Command } from "commander";
import { ExitCode } from "../errors.js";
import { readStatus, type RunSummary, type ScriptSummary, type Status } from "../control/status.js";
import { formatTable } from "../query/queries.js";
import { contextFrom } from "./context.js";

/** `+3 ~1 -2`: what a run created, updated and deleted (blank where it did not say). */
function changes(created: number | null, updated: number | null, deleted: number | null): string {
  const parts = [
    created !== null ? `+${created}` : "",
    updated !== null && updated > 0 ? `~${updated}` : "",
    deleted !== null && deleted > 0 ? `-${deleted}` : "",
  ];
  return parts.filter((p) => p !== "").join(" ");
}

function runCells(run: RunSummary): string[] {
  return [
    String(run.id),
    run.parentId !== null ? `${run.command ?? "?"} (of ${run.parentId})` : (run.command ?? "?"),
    run.kind ?? "",
    run.status,
    run.exitCode === null ? "" : String(run.exitCode),
    run.startedAt.replace("T", " ").replace(/\.\d+Z$/, "Z"),
    run.seconds === null ? "" : `${run.seconds} s`,
    run.rows === null ? "" : String(run.rows),
    changes(run.nodes.created, run.nodes.updated, run.nodes.deleted),
    changes(run.relationships.created, null, run.relationships.deleted),
    errorCell(run.error),
  ];
}

/** An error as one line: its first listed problem if it lists some (they are the news), else its first line. */
function errorCell(error: string | null): string {
  const lines = (error ?? "").split("\n");
  const problem = lines.find((line) => line.trimStart().startsWith("- "));
  return problem !== undefined ? problem.trim().slice(2) : (lines[0] ?? "");
}

function scriptLines(script: ScriptSummary | undefined): string {
  if (script === undefined) return "no script registered yet";
  const loaded =
    script.lastLoadedAt === null
      ? "never loaded"
      : `last loaded ${script.lastLoadedAt} (${script.lastLoadStatus ?? "unknown"})`;
  return [
    `last script: ${script.name} (#${script.id}), ${script.statements ?? "?"} statements, ${loaded}`,
    `  ${script.path} [file ${script.file}]`,
  ].join("\n");
}

export function formatStatus(status: Status): string {
  const table = formatTable(
    {
      columns: [
        "id",
        "command",
        "kind",
        "status",
        "exit",
        "started (UTC)",
        "took",
        "rows",
        "nodes",
        "relationships",
        "error",
      ],
      rows: status.runs.map(runCells),
    },
    120,
  );
  return `${status.runs.length === 0 ? "no runs yet" : table}\n\n${scriptLines(status.lastScript)}\n`;
}

export function registerStatus(program: Command): void {
  program
    .command("status")
    .summary("show the recent runs and the last script, from the control database")
    .description(
      "Print the newest runs in etl_run_logs (id, command, status, exit code, start, duration, rows, and the " +
        "nodes and relationships created (+), updated (~) and deleted (-)), then the newest registered script " +
        "and its state. Reads only the control database. --json gives the same as data.",
    )
    .option("--limit <n>", "how many runs", "10")
    .option("--json", "print JSON for machines instead of a table")
    .addHelpText("after", "\nExamples:\n  $ c360 status\n  $ c360 status --limit 50 --json")
    .action(async (options: { limit: string; json?: boolean }, command: Command) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1)
        command.error(`--limit must be a whole number of runs, 1 or more, not ${options.limit}`, {
          exitCode: ExitCode.usage,
        });
      const { config } = contextFrom(command);
      const status = await readStatus(config.controlDb, config.timeouts, limit);
      process.stdout.write(
        options.json === true ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status),
      );
    });
}
