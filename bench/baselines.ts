/**
 * What c360 is measured against, on the same data and the same Neo4j:
 * - the original tool's approach: one CREATE statement per row, each its own auto-commit
 *   transaction (measured on a sample, extrapolated, and labelled so);
 * - a minimal hand-written loader: parameterized `UNWIND $rows` batches over Bolt with
 *   constraints first, the best a careful engineer writes in an afternoon.
 */
import neo4j, { type Driver } from "neo4j-driver";
import pg from "pg";
import type { PostgresTarget } from "../src/config.js";
import { encodeValue } from "../src/script/literals.js";

export interface TableSpec {
  database: "profiles_db" | "streaming_db" | "support_db";
  table: string;
  label: string;
  key: string[];
  skip?: string[];
}

/** The sample universe's mapping, written out by hand as a hand-written loader would. */
export const tables: TableSpec[] = [
  {
    database: "profiles_db",
    table: "accounts",
    label: "Account",
    key: ["account_id"],
    skip: ["hashed_password"],
  },
  { database: "profiles_db", table: "plans", label: "Plan", key: ["plan_id"] },
  { database: "profiles_db", table: "payment_methods", label: "PaymentMethod", key: ["payment_method_id"] },
  { database: "profiles_db", table: "subscriptions", label: "Subscription", key: ["subscription_id"] },
  { database: "streaming_db", table: "media_content", label: "Media", key: ["media_id"] },
  { database: "streaming_db", table: "play_events", label: "PlayEvent", key: ["event_id"] },
  { database: "support_db", table: "tickets", label: "Ticket", key: ["ticket_id"] },
  { database: "support_db", table: "ticket_tags", label: "Tag", key: ["tag_id"] },
  { database: "support_db", table: "ticket_tag_link", label: "TicketTagLink", key: ["ticket_id", "tag_id"] },
];

const relationships = [
  "MATCH (a:Account), (x:PaymentMethod {account_id: a.account_id}) MERGE (a)-[:HAS_PAYMENT_METHOD]->(x)",
  "MATCH (a:Account), (x:Subscription {account_id: a.account_id}) MERGE (a)-[:HAS_SUBSCRIPTION]->(x)",
  "MATCH (s:Subscription), (p:Plan {plan_id: s.plan_id}) MERGE (s)-[:SUBSCRIBED_TO]->(p)",
  "MATCH (e:PlayEvent), (m:Media {media_id: e.media_id}) MERGE (e)-[:PLAYED]->(m)",
  "MATCH (l:TicketTagLink), (t:Ticket {ticket_id: l.ticket_id}), (g:Tag {tag_id: l.tag_id}) MERGE (t)-[:TAGGED_WITH]->(g)",
  "MATCH (a:Account), (t:Ticket {customer_email: a.email}) MERGE (a)-[:SUBMITTED]->(t)",
  "MATCH (e:PlayEvent), (a:Account {account_id: e.account_id_from_token}) MERGE (a)-[:WATCHED]->(e)",
];

const indexes = [
  "CREATE INDEX FOR (n:PaymentMethod) ON (n.account_id)",
  "CREATE INDEX FOR (n:Subscription) ON (n.account_id)",
  "CREATE INDEX FOR (n:Ticket) ON (n.customer_email)",
];

/** pg's JavaScript values to driver values: what a careful engineer converts by hand. */
function toParam(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return neo4j.types.DateTime.fromStandardDate(value);
  if (typeof value === "string" && /^-?\d+$/.test(value) && value.length > 15) return neo4j.int(value);
  return value;
}

function typesFor(): pg.CustomTypesConfig {
  return {
    getTypeParser: (oid: number, format?: "text" | "binary") => {
      if (oid === 20) return (v: string) => BigInt(v); // int8
      if (oid === 1700) return (v: string) => Number(v); // numeric
      if (oid === 1082)
        return (v: string) =>
          new neo4j.types.Date(Number(v.slice(0, 4)), Number(v.slice(5, 7)), Number(v.slice(8, 10))); // date
      return pg.types.getTypeParser(oid, format ?? "text") as (value: string) => unknown;
    },
  };
}

/** The table's columns in order, without the ones the mapping leaves out. */
export async function exportedColumns(
  client: pg.Client,
  spec: TableSpec,
): Promise<Array<{ column_name: string; data_type: string }>> {
  const columns = await client.query<{ column_name: string; data_type: string }>(
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
    [spec.table],
  );
  return columns.rows.filter((c) => !(spec.skip ?? []).includes(c.column_name));
}

async function* readRows(
  target: PostgresTarget,
  spec: TableSpec,
  batch: number,
): AsyncGenerator<Record<string, unknown>[]> {
  const client = new pg.Client({ ...target, types: typesFor() });
  await client.connect();
  try {
    const select = (await exportedColumns(client, spec)).map((c) =>
      c.data_type === "inet" ? `host("${c.column_name}") AS "${c.column_name}"` : `"${c.column_name}"`,
    );
    await client.query("BEGIN");
    await client.query(`DECLARE c NO SCROLL CURSOR FOR SELECT ${select.join(", ")} FROM "${spec.table}"`);
    for (;;) {
      const result = await client.query(`FETCH ${batch} FROM c`);
      if (result.rows.length === 0) break;
      yield result.rows.map((row: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(row).flatMap(([k, v]) => (v === null ? [] : [[k, toParam(v)]]))),
      );
    }
    await client.query("COMMIT");
  } finally {
    await client.end();
  }
}

export interface BaselineResult {
  entities: number;
  seconds: number;
  entitiesPerSecond: number;
}

/** The hand-written parameterized loader: constraints, UNWIND $rows batches, indexed relationship MERGEs. */
export async function handWrittenUnwind(
  driver: Driver,
  source: (db: TableSpec["database"]) => PostgresTarget,
): Promise<BaselineResult> {
  const started = Date.now();
  let entities = 0;
  for (const spec of tables) {
    await driver.executeQuery(
      `CREATE CONSTRAINT FOR (n:${spec.label}) REQUIRE (${spec.key.map((k) => `n.${k}`).join(", ")}) IS UNIQUE`,
    );
  }
  for (const statement of indexes) await driver.executeQuery(statement);
  await driver.executeQuery("CALL db.awaitIndexes(600)");
  for (const spec of tables) {
    const key = spec.key.map((k) => `${k}: row.${k}`).join(", ");
    for await (const rows of readRows(source(spec.database), spec, 10_000)) {
      const result = await driver.executeQuery(
        `UNWIND $rows AS row MERGE (n:${spec.label} {${key}}) SET n += row`,
        { rows },
      );
      entities += result.summary.counters.updates().nodesCreated;
    }
  }
  const session = driver.session();
  try {
    for (const statement of relationships) {
      const [match, merge] = statement.split(" MERGE ");
      const bound = match?.replace(/^MATCH \((\w+):(\w+)\), /, "MATCH ($1:$2) CALL { WITH $1 MATCH ");
      const result = await session.run(`${bound} MERGE ${merge} } IN TRANSACTIONS OF 10000 ROWS`).summary();
      entities += result.counters.updates().relationshipsCreated;
    }
  } finally {
    await session.close();
  }
  const seconds = (Date.now() - started) / 1000;
  return { entities, seconds, entitiesPerSecond: Math.round(entities / seconds) };
}

/**
 * The original tool's approach on a sample: one literal CREATE per row, each its own auto-commit
 * transaction, no constraints. Returns the steady rate; the caller extrapolates.
 */
export async function originalApproachRate(
  driver: Driver,
  source: PostgresTarget,
  sampleRows: number,
): Promise<BaselineResult> {
  const client = new pg.Client({ ...source, types: { getTypeParser: () => (v: string) => v } });
  await client.connect();
  let rows: Array<Record<string, string | null>>;
  try {
    await client.query("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'");
    rows = (
      await client.query<Record<string, string | null>>(`SELECT * FROM play_events LIMIT ${sampleRows}`)
    ).rows;
  } finally {
    await client.end();
  }
  const session = driver.session();
  const started = Date.now();
  try {
    for (const row of rows) {
      const props = Object.entries(row)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => `${k}: ${k === "event_id" ? v : encodeValue("string", v as string)}`);
      await session.run(`CREATE (n:OriginalPlayEvent {${props.join(", ")}})`).summary();
    }
  } finally {
    await session.close();
  }
  const seconds = (Date.now() - started) / 1000;
  return { entities: rows.length, seconds, entitiesPerSecond: Math.round(rows.length / seconds) };
}
