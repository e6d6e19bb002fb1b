/**
 * Writes a script file safely: through a stream that respects backpressure, to a temporary name
 * beside the target, hashed as it goes, and moved to its final name only when complete. The
 * final name is never overwritten: if it exists, a numbered suffix is added.
 */
import { createHash, type Hash } from "node:crypto";
import { createWriteStream, rmSync, type WriteStream } from "node:fs";
import { link, mkdir, realpath, stat, unlink } from "node:fs/promises";
import { once } from "node:events";
import path from "node:path";
import { ScriptFileError, messageOf } from "../errors.js";
import { onForcedExit } from "../signals.js";

/**
 * Scripts and the files made from them hold source data, PII included: only their owner may read
 * them (the umask can only take bits away from this).
 */
export const privateFileMode = 0o600;

export interface WrittenScript {
  path: string;
  name: string;
  sizeBytes: number;
  sha256: string;
  statementCount: number;
}

/** graph_output_YYYYMMDD_HHMMSS.cypher, in UTC. */
export function scriptFileName(at: Date, suffix = 0): string {
  const iso = at.toISOString(); // 2025-11-03T02:00:00.000Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return `graph_output_${stamp}${suffix === 0 ? "" : `_${suffix}`}.cypher`;
}

export class ScriptWriter {
  private readonly stream: WriteStream;
  private readonly hash: Hash = createHash("sha256");
  private statements = 0;
  private failed: Error | undefined;
  private closed = false;
  private readonly forgetCleanup: () => void;

  private constructor(
    private readonly tempPath: string,
    private readonly directory: string,
    private readonly createdAt: Date,
  ) {
    this.stream = createWriteStream(tempPath, { flags: "wx", encoding: "utf8", mode: privateFileMode });
    this.stream.on("error", (error) => (this.failed = error));
    // Even a forced exit (a second Ctrl-C) must not leave a partial script behind.
    this.forgetCleanup = onForcedExit(() => rmSync(tempPath, { force: true }));
  }

  static async create(directory: string, createdAt: Date): Promise<ScriptWriter> {
    try {
      await mkdir(directory, { recursive: true });
      const tempPath = path.join(directory, `.${scriptFileName(createdAt)}.${process.pid}.partial`);
      const writer = new ScriptWriter(tempPath, directory, createdAt);
      await once(writer.stream, "open");
      return writer;
    } catch (error) {
      throw new ScriptFileError(`cannot write a script in ${directory}: ${messageOf(error)}`, {
        cause: error,
        hint: "Choose a writable directory with --output-dir.",
      });
    }
  }

  get statementCount(): number {
    return this.statements;
  }

  get temporaryPath(): string {
    return this.tempPath;
  }

  /** Writes text as is (comments, blank lines). Waits when the stream's buffer is full. */
  async write(text: string): Promise<void> {
    if (this.failed !== undefined) throw this.writeError(this.failed);
    // Encoded once, for the hash and the file alike.
    const bytes = Buffer.from(text, "utf8");
    this.hash.update(bytes);
    // events.once rejects if the stream emits 'error' while we wait.
    if (!this.stream.write(bytes))
      await once(this.stream, "drain").catch((error: unknown) => {
        throw this.writeError(error);
      });
  }

  /** Writes one statement, terminated by `;` and a newline. */
  async statement(cypher: string): Promise<void> {
    this.statements++;
    await this.write(`${cypher};\n`);
  }

  /**
   * Completes the file and gives it its final name: the first of graph_output_<stamp>.cypher,
   * graph_output_<stamp>_1.cypher, ... that exists neither on disk nor, per `nameTaken`, elsewhere
   * (the script registry's names are unique across output directories).
   */
  async finish(
    nameTaken: (name: string) => Promise<boolean> = () => Promise.resolve(false),
  ): Promise<WrittenScript> {
    await this.close().catch((error: unknown) => {
      throw this.writeError(error);
    });
    if (this.failed !== undefined) throw this.writeError(this.failed);
    let finalPath = "";
    for (let suffix = 0; ; suffix++) {
      finalPath = path.join(this.directory, scriptFileName(this.createdAt, suffix));
      if (await nameTaken(path.basename(finalPath))) continue;
      try {
        await link(this.tempPath, finalPath); // fails if the name exists: never overwrite
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
    await unlink(this.tempPath);
    this.forgetCleanup();
    // Registered under its real path, the one `c360 load` looks it up by.
    finalPath = await realpath(finalPath);
    const { size } = await stat(finalPath);
    return {
      path: finalPath,
      name: path.basename(finalPath),
      sizeBytes: size,
      sha256: this.hash.digest("hex"),
      statementCount: this.statements,
    };
  }

  /** Gives up: closes and removes the temporary file. Safe to call more than once. */
  async abort(): Promise<void> {
    await this.close().catch(() => undefined);
    await unlink(this.tempPath).catch(() => undefined);
    this.forgetCleanup();
  }

  private writeError(error: unknown): ScriptFileError {
    return new ScriptFileError(`writing ${this.tempPath} failed: ${messageOf(error)}`, {
      cause: error,
      hint: "Check the free space and permissions of the output directory.",
    });
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve, reject) => {
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
  }
}
