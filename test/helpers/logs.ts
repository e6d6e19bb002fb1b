import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/logger.js";

/** A real JSON logger whose lines are kept in memory, so a test can search them. */
export function capturingLogger(): { logger: Logger; text: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString("utf8"));
      callback();
    },
  });
  return { logger: createLogger({ level: "trace", destination }), text: () => chunks.join("") };
}
