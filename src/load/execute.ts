/**
 * Executes statements against Neo4j one at a time, each in its own auto-commit transaction
 * (CALL { } IN TRANSACTIONS needs one), consuming every result so that an error is reported
 * against the statement that caused it.
 */
import type { Driver } from "neo4j-driver";
import { TargetError, messageOf } from "../errors.js";
import type { Statement } from "./splitter.js";

export interface LoadCounters {
  statements: number;
  nodesCreated: number;
  nodesDeleted: number;
  relationshipsCreated: number;
  relationshipsDeleted: number;
  propertiesSet: number;
}

export function emptyCounters(): LoadCounters {
  return {
    statements: 0,
    nodesCreated: 0,
    nodesDeleted: 0,
    relationshipsCreated: 0,
    relationshipsDeleted: 0,
    propertiesSet: 0,
  };
}

export function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "" && !l.trim().startsWith("//")) ?? "";
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

export async function executeStatements(
  driver: Driver,
  database: string,
  statements: AsyncIterable<Statement> | Iterable<Statement>,
  onStatement?: (statement: Statement, counters: LoadCounters) => void | Promise<void>,
): Promise<LoadCounters> {
  const counters = emptyCounters();
  const session = driver.session({ database, defaultAccessMode: "WRITE" });
  try {
    for await (const statement of statements) {
      let summary;
      try {
        summary = await session.run(statement.text).summary();
      } catch (error) {
        const code = (error as { code?: string }).code;
        throw new TargetError(
          `statement ${statement.index} (line ${statement.line}: ${firstLine(statement.text)}) failed` +
            `${code === undefined ? "" : ` [${code}]`}: ${messageOf(error)}`,
          { cause: error },
        );
      }
      const updates = summary.counters.updates();
      counters.statements++;
      counters.nodesCreated += updates.nodesCreated;
      counters.nodesDeleted += updates.nodesDeleted;
      counters.relationshipsCreated += updates.relationshipsCreated;
      counters.relationshipsDeleted += updates.relationshipsDeleted;
      counters.propertiesSet += updates.propertiesSet;
      await onStatement?.(statement, counters);
    }
  } finally {
    await session.close();
  }
  return counters;
}
