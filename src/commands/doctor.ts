/**
 * `c360 doctor`: one command that says what is broken, as a checklist.
 */
import type { Command } from "commander";
import { ConfigError } from "../errors.js";
import { diagnose, type CheckResult } from "../doctor/doctor.js";
import { contextFrom, type CommandContext } from "./context.js";

const marks: Record<CheckResult["status"], string> = { ok: "✓", failed: "✗", skipped: "-", note: "!" };

function line(check: CheckResult): string {
  const detail = check.detail.split("\n");
  const hint = check.error?.hint !== undefined ? `\n    fix: ${check.error.hint}` : "";
  return `${marks[check.status]} ${check.name}: ${detail.map((l) => l.trim()).join(" ")}${hint}\n`;
}

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .summary("check the configuration, control database, sources, Neo4j and Java, as a checklist")
    .description(
      "Check everything a run needs and print a checklist: the configuration; the control database and its " +
        "schema; the metadata and every active source (reachable, every mapped table and column readable); " +
        "Neo4j (reachable, writable, version and edition); Java and Maven, which only the local engine and " +
        "--bulk need. Exits 0 only when a `c360 run` would start; otherwise with the exit code of the first " +
        "thing that is broken, naming it and how to fix it.",
    )
    .addHelpText("after", "\nExamples:\n  $ c360 doctor\n  $ c360 --env-file /etc/c360/c360.env doctor")
    .action(async (_options: unknown, command: Command) => {
      let context: CommandContext;
      try {
        context = contextFrom(command);
      } catch (error) {
        if (error instanceof ConfigError)
          process.stdout.write(
            line({ name: "configuration", status: "failed", detail: error.problems.join("; "), error }),
          );
        throw error;
      }
      const { config, logger } = context;
      process.stdout.write(
        line({
          name: "configuration",
          status: "ok",
          detail:
            config.envFile !== undefined
              ? `read ${config.envFile}`
              : "defaults and the environment (no .env)",
        }),
      );
      const checks = await diagnose(config, logger, (check) => process.stdout.write(line(check)));
      const broken = checks.find((check) => check.status === "failed");
      if (broken?.error !== undefined) throw broken.error;
      process.stdout.write("all good: a `c360 run` would start\n");
    });
}
