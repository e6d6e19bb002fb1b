import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "./version.js";

/** The folder of SQL c360 runs: migrations and runtime queries live as .sql files, not strings. */
export const sqlRoot = path.join(projectRoot, "sql");

const cache = new Map<string, string>();

/** Reads `sql/<relativePath>` once per process. */
export function sqlFile(relativePath: string): string {
  let text = cache.get(relativePath);
  if (text === undefined) {
    text = readFileSync(path.join(sqlRoot, relativePath), "utf8");
    cache.set(relativePath, text);
  }
  return text;
}

export function listSqlFiles(relativeDir: string): string[] {
  return readdirSync(path.join(sqlRoot, relativeDir))
    .filter((name) => name.endsWith(".sql"))
    .sort();
}
