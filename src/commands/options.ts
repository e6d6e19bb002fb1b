/**
 * What more than one command shares: the flags `load` and `run` take for --bulk, and the
 * --batch-size of `generate` and `run`. Not a command: commands import this, never each other.
 */
import path from "node:path";
import { Option, type Command } from "commander";
import type { BulkTarget } from "../load/bulk/bulk.js";
import { defaultLocalHome } from "../neo4j-local/launcher.js";

/** The --batch-size flag as a number, or NaN when it is not a whole number from 1 to 100000. */
export function parseBatchSize(command: Command, text: string): number {
  const batchSize = Number(text);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
    command.error(`--batch-size must be a whole number from 1 to 100000, not ${text}`, { exitCode: 2 });
    return NaN;
  }
  return batchSize;
}

export interface BulkFlags {
  bulk?: boolean;
  neo4jHome: string;
  heap: string;
  pageCache: string;
}

/** `--bulk` and the local store it writes, shared by `load` and `run`. */
export function addBulkOptions(command: Command): Command {
  return command
    .option(
      "--bulk",
      "load offline with neo4j-admin import into the local engine's store (stopped), replacing its graph",
    )
    .addOption(
      new Option("--neo4j-home <dir>", "with --bulk: the local engine's home").default(defaultLocalHome),
    )
    .addOption(
      new Option("--heap <size>", "with --bulk: heap of the importer and of the engine").default("1g"),
    )
    .addOption(new Option("--page-cache <size>", "with --bulk: the engine's page cache").default("512m"));
}

export function bulkTarget(flags: BulkFlags): BulkTarget | undefined {
  return flags.bulk === true
    ? { home: path.resolve(flags.neo4jHome), heap: flags.heap, pageCache: flags.pageCache }
    : undefined;
}
