/**
 * What c360 writes into the graph about its own work. Every name c360 gives a property, an index
 * or a constraint starts with `c360_`, and no mapped column may (src/metadata/plan.ts refuses one):
 * a node of a mapped label that carries these properties is c360's, and so is a relationship of a
 * mapped type that carries `c360_run`. Anything else in the graph is someone else's, and a sync
 * leaves it alone.
 */

/** The prefix of every property, index and constraint name c360 owns. */
export const reservedPrefix = "c360_";

/** On nodes: a 64-bit digest of the source row (and its mapping), computed by PostgreSQL. */
export const hashProperty = "c360_hash";

/** On nodes and relationships: the generate run that last wrote it (etl_run_logs.log_id). */
export const runProperty = "c360_run";

/** Whether a column's name would collide with c360's own properties. */
export function isReservedName(name: string): boolean {
  return name.toLowerCase().startsWith(reservedPrefix);
}
