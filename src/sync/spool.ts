/**
 * A sync's changes for one table, kept on disk between the comparison (which counts them, so the
 * header and the delete guard know the totals before anything is written) and the writing of the
 * script (which reads them back in batches). Memory stays flat however much changed.
 */
import { createReadStream, createWriteStream, rmSync, type WriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { privateFileMode } from "../script/writer.js";
import { onForcedExit } from "../signals.js";
import type { Change } from "./diff.js";
import type { Key } from "./keys.js";

const sampleSize = 5;

export class ChangeSpool {
  private readonly out: WriteStream;
  readonly counts = { create: 0, update: 0, delete: 0 };
  /** The first few keys of each kind of change, for a preview. */
  readonly samples: Record<Change["kind"], Key[]> = { create: [], update: [], delete: [] };

  private constructor(readonly file: string) {
    this.out = createWriteStream(file, { encoding: "utf8", mode: privateFileMode });
  }

  static async create(directory: string, name: string): Promise<ChangeSpool> {
    const spool = new ChangeSpool(path.join(directory, name));
    await once(spool.out, "open");
    return spool;
  }

  /** Spools a change; returns a promise only when the file needs the writer to wait. */
  add(change: Change): Promise<void> | undefined {
    this.counts[change.kind]++;
    if (this.samples[change.kind].length < sampleSize) this.samples[change.kind].push(change.key);
    if (this.out.write(`${change.kind[0]}${JSON.stringify(change.key)}\n`)) return undefined;
    return once(this.out, "drain").then(() => undefined);
  }

  async close(): Promise<void> {
    this.out.end();
    await once(this.out, "close");
  }

  /** The keys of the given kinds of change, in batches of up to `size`, in key order. */
  async *batches(kinds: ReadonlyArray<Change["kind"]>, size: number): AsyncGenerator<Key[]> {
    const wanted = new Set(kinds.map((kind) => kind[0]));
    let batch: Key[] = [];
    for await (const line of createInterface({ input: createReadStream(this.file), crlfDelay: Infinity })) {
      if (!wanted.has(line.charAt(0))) continue;
      batch.push(JSON.parse(line.slice(1)) as Key);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
}

/** A private directory for a run's spools, removed however the run ends. */
export async function withSpoolDirectory<T>(work: (directory: string) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "c360-sync-"));
  const forget = onForcedExit(() => rmSync(directory, { recursive: true, force: true }));
  try {
    return await work(directory);
  } finally {
    forget();
    await rm(directory, { recursive: true, force: true });
  }
}
