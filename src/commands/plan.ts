/**
 * `c360 plan`: prints what `c360 run` would change in the graph, per label and relationship type,
 * without changing anything. With --detailed-exitcode its exit code says whether anything would
 * change (0: nothing, 12: changes pending), in the manner of `terraform plan -detailed-exitcode`.
 */
import type { Command } from "commander";
import { phaseSettings } from "../config.js";
import { describeRetired } from "../control/ownership.js";
import { ExitCode } from "../errors.js";
import { previewSync, type SyncPreview } from "../sync/preview.js";
import { guarded } from "../control/run-lock.js";
import { contextFrom } from "./context.js";

function keysText(keys: ReadonlyArray<readonly string[]>): string {
  return keys.map((key) => (key.length === 1 ? (key[0] as string) : `(${key.join(", ")})`)).join(", ");
}

/** The plan for a person: one line per label and type, sample keys beneath. */
export function formatPreview(preview: SyncPreview): string {
  const lines: string[] = [];
  if (preview.kind === "full") {
    lines.push("the graph holds nothing c360 wrote: `c360 run` would load it in full");
    for (const [table, rows] of preview.rowCounts) lines.push(`:${table.label}: ${rows} to create`);
    return lines.join("\n") + "\n";
  }
  const unchanged: string[] = [];
  for (const [table, c] of preview.changes) {
    if (c.created + c.updated + c.deleted === 0) {
      unchanged.push(`:${table.label}`);
      continue;
    }
    const detached = preview.detached.get(table.label) ?? 0;
    lines.push(
      `:${table.label}: ${c.created} to create, ${c.updated} to update, ${c.deleted} to delete` +
        (detached > 0 ? ` (with ${detached} of their relationships)` : ""),
    );
    const retired = describeRetired(table);
    if (retired !== undefined) lines.push(`    stops writing: ${retired}`);
    const samples = preview.samples.get(table);
    for (const kind of ["create", "update", "delete"] as const) {
      const keys = samples?.[kind] ?? [];
      const more = c[`${kind}d`] > keys.length ? ", ..." : "";
      if (keys.length > 0) lines.push(`    ${kind}: ${keysText(keys)}${more}`);
    }
  }
  for (const [type, c] of preview.relationships) {
    if (c.created + c.deleted === 0) unchanged.push(`:${type}`);
    else lines.push(`:${type}: ${c.created} to create, ${c.deleted} to delete`);
  }
  if (unchanged.length > 0 && preview.changed) lines.push(`unchanged: ${unchanged.join(", ")}`);
  lines.push(preview.changed ? "a run would change the graph" : "no changes: the graph equals the sources");
  if (preview.recheck.length > 0)
    lines.push(
      `a run re-checks the relationships around the ${preview.recheck.map((l) => `:${l}`).join(", ")} nodes ` +
        "written by a load no completed run accounts for (a sync stopped part way, or a copy of a script loaded by hand)",
    );
  return lines.join("\n") + "\n";
}

/** The plan for a machine. */
export function previewJson(preview: SyncPreview): object {
  return {
    kind: preview.kind,
    changed: preview.changed,
    refused: preview.refusal?.message ?? null,
    recheck: preview.recheck,
    labels: [...preview.changes].map(([table, c]) => ({
      label: table.label,
      table: `${table.source.sourceName}.${table.table}`,
      created: c.created,
      updated: c.updated,
      deleted: c.deleted,
      relationshipsDeletedWithNodes: preview.detached.get(table.label) ?? 0,
      retired: table.retired ?? [],
      samples: preview.samples.get(table),
    })),
    relationships: [...preview.relationships].map(([type, c]) => ({ type, ...c })),
    ...(preview.kind === "full"
      ? { rows: [...preview.rowCounts].map(([table, rows]) => ({ label: table.label, rows })) }
      : {}),
  };
}

export function registerPlan(program: Command): void {
  program
    .command("plan")
    .summary("preview what `c360 run` would change in the graph, changing nothing")
    .description(
      "Compare the sources with the live graph as a sync does, and print per label what would be created, " +
        "updated and deleted (with sample keys), and per relationship type what would be created and deleted. " +
        "Relationships are counted by running the sync in one Neo4j transaction that is rolled back. " +
        "Nothing is written to the graph, nor any run row for the plan itself. Like every command, it takes the run " +
        "lock: if another run holds it, that refused attempt is recorded (exit 8); holding it, it marks failed the " +
        "rows of runs whose process vanished. Exits 9 if a run would refuse (too many deletes).",
    )
    .option("--json", "print JSON for machines")
    .option("--detailed-exitcode", "exit 0 when nothing would change, 12 when a run would change the graph")
    .option("--allow-deletes", "plan as `run --allow-deletes` would (no refusal for mass deletes)")
    .addHelpText("after", "\nExamples:\n  $ c360 plan\n  $ c360 plan --json --detailed-exitcode")
    .action(
      async (
        options: { json?: boolean; detailedExitcode?: boolean; allowDeletes?: boolean },
        command: Command,
      ) => {
        const context = contextFrom(command);
        const { config, logger } = context;
        const preview = await guarded(context, "plan", (stop) =>
          // The same settings as the run's: C360_EMPTY_JOIN_KEYS, for one, is in every row's hash.
          previewSync({
            ...phaseSettings(config),
            logger,
            stop,
            allowDeletes: options.allowDeletes === true,
          }),
        );
        process.stdout.write(
          options.json === true
            ? `${JSON.stringify(previewJson(preview), null, 2)}\n`
            : formatPreview(preview),
        );
        if (preview.refusal !== undefined) throw preview.refusal;
        if (options.detailedExitcode === true && preview.changed) process.exitCode = ExitCode.changesPending;
      },
    );
}
