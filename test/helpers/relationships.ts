/** Relationship fixtures and execution shared by the relationship-statement tests. */
import type { Driver } from "neo4j-driver";
import type { RelationshipPlan } from "../../src/metadata/plan.js";

/** A relationship mapping as the planner would produce it, joined directly or through a junction. */
export function relationshipPlan(
  type: string,
  fromLabel: string,
  toLabel: string,
  join: Pick<RelationshipPlan, "direct" | "junction">,
): RelationshipPlan {
  return {
    relationshipId: 1,
    type,
    fromLabel,
    toLabel,
    executionOrder: 1,
    description: null,
    sourceName: "test_db",
    ...join,
  };
}

/**
 * Runs one statement in an auto-commit transaction (what `IN TRANSACTIONS` needs) and returns
 * how many relationships it created.
 */
export async function runAutoCommit(driver: Driver, statement: string): Promise<number> {
  const session = driver.session();
  try {
    return (await session.run(statement)).summary.counters.updates().relationshipsCreated;
  } finally {
    await session.close();
  }
}
