/**
 * A graph's content, comparable across loads: every node with its labels and properties, every
 * relationship with its type, its ends' properties and its own property names. The run stamps
 * differ between loads by design; everything else, the row hashes included, must not.
 */
import type { Driver } from "neo4j-driver";

const withoutRun = (props: Record<string, unknown>) =>
  JSON.stringify(
    Object.entries(props)
      .filter(([key]) => key !== "c360_run")
      .sort(([a], [b]) => (a < b ? -1 : 1)),
    (_key, value: unknown) => (typeof value === "bigint" ? `${value}n` : value),
  );

export async function graphContent(driver: Driver): Promise<string[]> {
  const nodes = await driver.executeQuery("MATCH (n) RETURN labels(n) AS labels, properties(n) AS p");
  const relationships = await driver.executeQuery(
    "MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(a) AS a, properties(b) AS b, keys(r) AS keys",
  );
  return [
    ...nodes.records.map(
      (r) => `${String(r.get("labels"))} ${withoutRun(r.get("p") as Record<string, unknown>)}`,
    ),
    ...relationships.records.map(
      (r) =>
        `${String(r.get("type"))} ${withoutRun(r.get("a") as Record<string, unknown>)} -> ` +
        `${withoutRun(r.get("b") as Record<string, unknown>)} ${String(r.get("keys"))}`,
    ),
  ].sort();
}
