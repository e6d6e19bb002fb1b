import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ExitCode } from "../src/errors.js";
import { runCli } from "./helpers/cli.js";
import { controlDbEnv, databaseNames, dropDatabases, query, uniqueName } from "./helpers/postgres.js";

const prefix = `${uniqueName("sample")}_`;
const control = `${prefix}etl_control_db`;
const profiles = `${prefix}profiles_db`;
const streaming = `${prefix}streaming_db`;
const support = `${prefix}support_db`;
const env = controlDbEnv(control);

after(async () => dropDatabases(await databaseNames(prefix)));

async function count(database: string, sql: string): Promise<number> {
  const rows = await query<{ n: string }>(database, sql);
  return Number(rows[0]?.n);
}

describe("c360 sample load", () => {
  let elapsedMs = 0;
  before(async () => {
    const started = Date.now();
    const result = await runCli(["sample", "load", "--prefix", prefix], { env });
    elapsedMs = Date.now() - started;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /sample universe ready/);
  });

  it("loads in under a minute", () => {
    assert.ok(elapsedMs < 60_000, `took ${elapsedMs} ms`);
  });

  it("creates the three sources with the expected row counts", async () => {
    const expected: Array<[string, string, number]> = [
      [profiles, "accounts", 40],
      [profiles, "plans", 5],
      [profiles, "payment_methods", 48],
      [profiles, "subscriptions", 36],
      [streaming, "media_content", 30],
      [streaming, "play_events", 2332],
      [support, "tickets", 27],
      [support, "ticket_tags", 8],
      [support, "ticket_tag_link", 34],
    ];
    for (const [database, table, rows] of expected) {
      assert.equal(
        await count(database, `SELECT count(*) AS n FROM "${table}"`),
        rows,
        `${database}.${table}`,
      );
    }
  });

  it("writes the control metadata in the original's conventions", async () => {
    const sources = await query<{ source_name: string; db_name: string; is_active: boolean }>(
      control,
      "SELECT source_name, db_name, is_active FROM source_databases ORDER BY source_id",
    );
    assert.deepEqual(sources, [
      { source_name: "profiles_db", db_name: profiles, is_active: true },
      { source_name: "streaming_db", db_name: streaming, is_active: true },
      { source_name: "support_db", db_name: support, is_active: true },
    ]);
    const exclusions = await query(
      control,
      "SELECT table_name, column_name, is_excluded FROM field_exclusion_rules",
    );
    assert.deepEqual(exclusions, [
      { table_name: "accounts", column_name: "hashed_password", is_excluded: true },
    ]);
    assert.equal(await count(control, "SELECT count(*) AS n FROM node_label_mappings WHERE is_active"), 9);
    const relationships = await query<{ relationship_type: string; junction_label: string | null }>(
      control,
      "SELECT relationship_type, junction_label FROM relationship_mappings ORDER BY execution_order",
    );
    assert.deepEqual(
      relationships.map((r) => r.relationship_type),
      [
        "HAS_PAYMENT_METHOD",
        "HAS_SUBSCRIPTION",
        "SUBSCRIBED_TO",
        "PLAYED",
        "TAGGED_WITH",
        "SUBMITTED",
        "WATCHED",
      ],
    );
    assert.equal(relationships[4]?.junction_label, "TicketTagLink");
  });

  it("holds the cases the analytics queries look for", async () => {
    // Query 1: card fingerprints shared by several accounts.
    assert.ok(
      (await count(
        profiles,
        `SELECT count(*) AS n FROM (SELECT card_fingerprint FROM payment_methods GROUP BY 1
         HAVING count(DISTINCT account_id) > 1) s`,
      )) >= 3,
    );
    // Query 2: every activity segment (>20, 11-20, 1-10 and no plays).
    const perAccount = `SELECT a, count(*) AS plays FROM (SELECT account_id_from_token AS a FROM play_events) e GROUP BY a`;
    assert.ok((await count(streaming, `SELECT count(*) AS n FROM (${perAccount}) s WHERE plays > 20`)) > 0);
    assert.ok(
      (await count(streaming, `SELECT count(*) AS n FROM (${perAccount}) s WHERE plays BETWEEN 11 AND 20`)) >
        0,
    );
    assert.ok(
      (await count(streaming, `SELECT count(*) AS n FROM (${perAccount}) s WHERE plays BETWEEN 1 AND 10`)) >
        0,
    );
    assert.ok(
      (await count(streaming, `SELECT 40 - count(DISTINCT account_id_from_token) AS n FROM play_events`)) > 0,
    );
    // Query 3: accounts active and inactive in the 30 days before 2025-11-03.
    const recent = `event_timestamp > timestamptz '2025-11-03 00:00:00+00' - interval '30 days'`;
    assert.ok(
      (await count(
        streaming,
        `SELECT count(DISTINCT account_id_from_token) AS n FROM play_events WHERE ${recent}`,
      )) > 5,
    );
    assert.ok(
      (await count(
        streaming,
        `SELECT count(*) AS n FROM (SELECT account_id_from_token FROM play_events GROUP BY 1
         HAVING bool_and(NOT (${recent}))) s`,
      )) > 0,
    );
    // Both status spellings; both action vocabularies.
    assert.equal(
      await count(
        profiles,
        `SELECT count(DISTINCT status) AS n FROM subscriptions WHERE status IN ('active', 'Active')`,
      ),
      2,
    );
    assert.equal(await count(streaming, `SELECT count(DISTINCT action) AS n FROM play_events`), 4);
    // Query 7: devices shared by several accounts; Technical and Playback tags in use.
    assert.ok(
      (await count(
        streaming,
        `SELECT count(*) AS n FROM (SELECT device_fingerprint FROM play_events GROUP BY 1
         HAVING count(DISTINCT account_id_from_token) > 1) s`,
      )) >= 2,
    );
    // Query 8: john.smith@email.com has everything.
    const john = await query<{ account_id: string }>(
      profiles,
      "SELECT account_id FROM accounts WHERE email = 'john.smith@email.com'",
    );
    const johnId = john[0]?.account_id;
    assert.ok(johnId !== undefined);
    assert.equal(
      await count(profiles, `SELECT count(*) AS n FROM subscriptions WHERE account_id = '${johnId}'`),
      1,
    );
    assert.ok(
      (await count(profiles, `SELECT count(*) AS n FROM payment_methods WHERE account_id = '${johnId}'`)) >=
        1,
    );
    assert.ok(
      (await count(
        streaming,
        `SELECT count(*) AS n FROM play_events WHERE account_id_from_token = '${johnId}'`,
      )) > 20,
    );
    assert.ok(
      (await count(
        support,
        `SELECT count(DISTINCT g.tag_name) AS n FROM tickets t JOIN ticket_tag_link l USING (ticket_id)
         JOIN ticket_tags g USING (tag_id) WHERE t.customer_email = 'john.smith@email.com'`,
      )) >= 2,
    );
    // Query 10: plays in every hour of the day, at every level of its heatmap (Low: 1 play,
    // Medium: 2-3, High: 4-5, Peak: more).
    const hours = await query<{ plays: string }>(
      streaming,
      `SELECT count(*) AS plays FROM play_events GROUP BY extract(hour FROM event_timestamp AT TIME ZONE 'UTC')`,
    );
    assert.equal(hours.length, 24);
    const level = (n: number) => (n > 5 ? "Peak" : n > 3 ? "High" : n > 1 ? "Medium" : "Low");
    assert.deepEqual([...new Set(hours.map((h) => level(Number(h.plays))))].sort(), [
      "High",
      "Low",
      "Medium",
      "Peak",
    ]);
    // Query 9: the ten most active streamers do not all watch the same genres.
    const genres = await query<{ genres: string }>(
      streaming,
      `SELECT string_agg(DISTINCT coalesce(m.genre, '-'), ',') AS genres
       FROM play_events p JOIN media_content m USING (media_id)
       GROUP BY p.account_id_from_token ORDER BY count(*) DESC LIMIT 10`,
    );
    assert.ok(new Set(genres.map((g) => g.genres)).size >= 8, "the top streamers' genres tell them apart");
  });

  it("contains the nasty values real data has", async () => {
    assert.equal(await count(profiles, `SELECT count(*) AS n FROM accounts WHERE full_name LIKE '%''%'`), 3);
    assert.ok((await count(profiles, `SELECT count(*) AS n FROM accounts WHERE full_name IS NULL`)) > 0);
    assert.ok(
      (await count(profiles, `SELECT count(*) AS n FROM accounts WHERE full_name ~ '[^\\x01-\\x7f]'`)) >= 4,
    );
    assert.ok(
      (await count(streaming, `SELECT count(*) AS n FROM media_content WHERE title LIKE '%"%'`)) >= 2,
    );
    assert.ok((await count(streaming, `SELECT count(*) AS n FROM media_content WHERE genre IS NULL`)) > 0);
    for (const needle of ["\n", ";", "//", "/*", "\\", "\r", "\t", "\u2028"]) {
      const rows = await query(support, "SELECT 1 FROM tickets WHERE strpos(subject, $1) > 0", [needle]);
      assert.ok(rows.length > 0, `no ticket subject contains ${JSON.stringify(needle)}`);
    }
    const injection = await query(support, "SELECT 1 FROM tickets WHERE subject = $1", [
      "x;\nMATCH (n) DETACH DELETE n;\n//",
    ]);
    assert.equal(injection.length, 1, "the original's injection payload is in the sample");
  });

  it("refuses to overwrite existing databases without --force, and changes nothing", async () => {
    await query(
      control,
      "UPDATE source_databases SET description = 'marker' WHERE source_name = 'support_db'",
    );
    const result = await runCli(["sample", "load", "--prefix", prefix], { env });
    assert.equal(result.code, ExitCode.refused);
    assert.match(
      result.stderr,
      new RegExp(`already exist: ${control}, ${profiles}, ${streaming}, ${support}`),
    );
    assert.match(result.stderr, /--force/);
    assert.equal(
      await count(control, "SELECT count(*) AS n FROM source_databases WHERE description = 'marker'"),
      1,
    );
  });

  it("refuses names PostgreSQL would cut short, before creating anything", async () => {
    // Cut at 63 bytes, the streaming and support databases would be one and the same.
    const long = `${prefix}${"x".repeat(62 - prefix.length)}`;
    const result = await runCli(["sample", "load", "--prefix", long], { env: controlDbEnv(`${prefix}c`) });
    assert.equal(result.code, ExitCode.config, result.stderr);
    assert.match(result.stderr, /database name \S+streaming_db is longer than PostgreSQL's 63 bytes/);
    assert.match(result.stderr, /Nothing was created/);
    assert.deepEqual((await databaseNames(prefix)).sort(), [control, profiles, streaming, support].sort());
  });

  it("recreates everything with --force", async () => {
    const result = await runCli(["sample", "load", "--prefix", prefix, "--force"], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      await count(control, "SELECT count(*) AS n FROM source_databases WHERE description = 'marker'"),
      0,
    );
    assert.equal(await count(streaming, "SELECT count(*) AS n FROM play_events"), 2332);
  });
});
