/**
 * The live progress line on a terminal, and the log lines around it. A progress line has no
 * newline (it is redrawn in place), so a log line written meanwhile would run into it
 * (`…0 entities/s[08:35:42] INFO: load section completed`). Everything a person reads on stderr
 * goes through here instead: a log line first clears the progress line, then the line is drawn
 * again below it.
 */
import { Writable } from "node:stream";

const clearLine = "\r\x1b[2K";

export class LiveLine {
  private current = "";

  constructor(private readonly out: NodeJS.WritableStream) {}

  /** Draws (or redraws) the progress line. */
  update(text: string): void {
    this.current = text;
    this.out.write(`${clearLine}${text}`);
  }

  /** Draws the line a last time and moves below it: it stays as it is, a line like the others. */
  finish(text: string): void {
    this.current = "";
    this.out.write(`${clearLine}${text}\n`);
  }

  /** Leaves an unfinished progress line as it stands, on a line of its own (at exit). */
  settle(): void {
    if (this.current === "") return;
    this.current = "";
    this.out.write("\n");
  }

  /** Writes whole lines above the progress line, which is drawn again after them. */
  writeAbove(text: string): void {
    if (this.current === "") {
      this.out.write(text);
      return;
    }
    this.out.write(`${clearLine}${text}${text.endsWith("\n") ? "" : "\n"}${this.current}`);
  }

  /** A stream of whole log lines that writes them above the progress line (for the logger). */
  logStream(): Writable {
    return new Writable({
      write: (chunk: Buffer | string, _encoding, done) => {
        this.writeAbove(chunk.toString());
        done();
      },
    });
  }
}

/** The one live line of this process's stderr. */
export const stderrLine = new LiveLine(process.stderr);
