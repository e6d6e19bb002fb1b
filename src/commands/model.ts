/**
 * `c360 model`: the graph model as a Mermaid flowchart or arrows.app JSON.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { ExitCode, ScriptFileError, messageOf } from "../errors.js";
import { dryRun } from "../generate/generate.js";
import { arrows, graphModel, mermaid } from "../model/model.js";
import { contextFrom } from "./context.js";

const formats = { mermaid, arrows } as const;

export function registerModel(program: Command): void {
  program
    .command("model")
    .summary("print the graph model (labels, keys, relationships, sources) as Mermaid or arrows.app JSON")
    .description(
      "Draw the graph c360 builds, from the metadata checked against the sources' real catalogs: each label " +
        "with its key, properties and source database, schema and table, excluded columns marked; each " +
        "relationship type with its join, dotted where it crosses databases. Mermaid (the default) renders on " +
        "GitHub, GitLab and in most docs tools; --format arrows writes the JSON that arrows.app imports. " +
        "Needs the control database and the sources, not Neo4j.",
    )
    .option("--format <format>", "mermaid or arrows", "mermaid")
    .option("--output <file>", "write it to this file instead of stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ c360 model\n  $ c360 model --output docs/graph-model.mmd\n  $ c360 model --format arrows --output model.json",
    )
    .action(async (options: { format: string; output?: string }, command: Command) => {
      if (!(options.format in formats))
        command.error(`--format must be mermaid or arrows, not ${options.format}`, {
          exitCode: ExitCode.usage,
        });
      const { config, logger } = contextFrom(command);
      const { plan } = await dryRun({
        controlDb: config.controlDb,
        timeouts: config.timeouts,
        emptyJoinKeys: config.emptyJoinKeys,
        logger,
      });
      const text = formats[options.format as keyof typeof formats](graphModel(plan));
      if (options.output === undefined) {
        process.stdout.write(text);
        return;
      }
      const file = path.resolve(options.output);
      try {
        writeFileSync(file, text);
      } catch (error) {
        throw new ScriptFileError(`cannot write the model to ${file}: ${messageOf(error)}`);
      }
      logger.info({ file, format: options.format }, "wrote the graph model");
    });
}
