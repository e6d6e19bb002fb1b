import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { generate } from "../src/generate/generate.js";
import { ExitCode, MetadataError } from "../src/errors.js";
import { silentLogger } from "../src/logger.js";
import { emptyDir, logLines, runCli } from "./helpers/cli.js";
import { controlDbEnv, query } from "./helpers/postgres.js";
import { createSampleUniverse, type TestUniverse } from "./helpers/universe.js";

let universe: TestUniverse;
let control: string;

before(async () => {
  universe = await createSampleUniverse("meta");
  control = universe.controlDb.database;
  // Tables that only bad mappings use: one without a primary key, one with an unusable column name.
  await query(universe.source("support_db"), 'CREATE TABLE "nokey" ("x" int)');
  await query(universe.source("support_db"), 'CREATE TABLE "odd" ("id" int PRIMARY KEY, "we`ird" text)');
  await query(universe.source("support_db"), 'CREATE TABLE "ctrl" ("id" int PRIMARY KEY, "bad\ncol" text)');
});
after(() => universe.drop());

interface Mistake {
  name: string;
  /** SQL against the control database that introduces the mistake... */
  apply: string;
  /** ...and takes it back. */
  revert: string;
  problem: RegExp;
  exitCode?: number;
}

const mistakes: Mistake[] = [
  {
    name: "a mapped table that does not exist",
    apply: "UPDATE node_label_mappings SET table_name = 'acounts' WHERE node_label = 'Account'",
    revert: "UPDATE node_label_mappings SET table_name = 'accounts' WHERE node_label = 'Account'",
    problem:
      /node_label_mappings row \d+ \(acounts -> Account\): table acounts does not exist in profiles_db/,
  },
  {
    name: "a key column that does not exist",
    apply: "UPDATE node_label_mappings SET key_columns = '{plan_code}' WHERE node_label = 'Plan'",
    revert: "UPDATE node_label_mappings SET key_columns = NULL WHERE node_label = 'Plan'",
    problem: /node_label_mappings row \d+ \(plans -> Plan\): key column plan_code does not exist in plans/,
  },
  {
    name: "a join on an excluded column",
    apply: `INSERT INTO field_exclusion_rules (source_id, table_name, column_name, reason)
            SELECT source_id, 'payment_methods', 'account_id', 'test' FROM source_databases WHERE source_name = 'profiles_db'`,
    revert: "DELETE FROM field_exclusion_rules WHERE table_name = 'payment_methods'",
    problem:
      /relationship_mappings row \d+ \(HAS_PAYMENT_METHOD\): join_condition uses pm\.account_id, which field_exclusion_rules excludes from payment_methods/,
  },
  {
    name: "a label that is not a valid identifier",
    apply: "UPDATE node_label_mappings SET node_label = 'Ticket Tag' WHERE node_label = 'Tag'",
    revert: "UPDATE node_label_mappings SET node_label = 'Tag' WHERE node_label = 'Ticket Tag'",
    problem:
      /node_label_mappings row \d+ \(ticket_tags -> Ticket Tag\): node_label "Ticket Tag" is not a valid label/,
  },
  {
    name: "a relationship type that is not a valid identifier",
    apply:
      "UPDATE relationship_mappings SET relationship_type = 'HAS-SUB`) DETACH DELETE n //' WHERE relationship_type = 'HAS_SUBSCRIPTION'",
    revert:
      "UPDATE relationship_mappings SET relationship_type = 'HAS_SUBSCRIPTION' WHERE relationship_type LIKE 'HAS-SUB%'",
    problem:
      /relationship_mappings row \d+ \(HAS-SUB`\) DETACH DELETE n \/\/\): relationship_type .* is not a valid relationship type/,
  },
  {
    name: "an alias that binds to nothing",
    apply:
      "UPDATE relationship_mappings SET join_condition = 'a.account_id = sub.account_id' WHERE relationship_type = 'HAS_SUBSCRIPTION'",
    revert:
      "UPDATE relationship_mappings SET join_condition = 'a.account_id = s.account_id' WHERE relationship_type = 'HAS_SUBSCRIPTION'",
    problem:
      /relationship_mappings row \d+ \(HAS_SUBSCRIPTION\): alias sub in join_condition binds to nothing; bound aliases: a \(from\), s \(to\)/,
  },
  {
    name: "a relationship whose label is not mapped",
    apply: "UPDATE relationship_mappings SET to_label = 'Movie' WHERE relationship_type = 'PLAYED'",
    revert: "UPDATE relationship_mappings SET to_label = 'Media' WHERE relationship_type = 'PLAYED'",
    problem:
      /relationship_mappings row \d+ \(PLAYED\): to_label "Movie" is not the label of any active node_label_mappings row/,
  },
  {
    name: "two tables on one label",
    apply: "UPDATE node_label_mappings SET node_label = 'PlayEvent' WHERE node_label = 'Media'",
    revert: "UPDATE node_label_mappings SET node_label = 'Media' WHERE table_name = 'media_content'",
    problem:
      /node_label_mappings row \d+ \(play_events -> PlayEvent\): label PlayEvent is also mapped by node_label_mappings row \d+ \(media_content\)/,
  },
  {
    name: "a mapping that names an unknown source",
    apply: "UPDATE relationship_mappings SET source_db = 'billing_db' WHERE relationship_type = 'SUBMITTED'",
    revert: "UPDATE relationship_mappings SET source_db = 'support_db' WHERE relationship_type = 'SUBMITTED'",
    problem:
      /relationship_mappings row \d+ \(SUBMITTED\): source_db "billing_db" names no source_databases row/,
  },
  {
    name: "a mapping on an inactive source",
    apply: "UPDATE source_databases SET is_active = false WHERE source_name = 'support_db'",
    revert: "UPDATE source_databases SET is_active = true WHERE source_name = 'support_db'",
    problem: /node_label_mappings row \d+ \(tickets -> Ticket\): its source support_db is inactive/,
  },
  {
    name: "a source that cannot be reached",
    apply: "UPDATE source_databases SET db_port = 1 WHERE source_name = 'streaming_db'",
    revert: "UPDATE source_databases SET db_port = 5432 WHERE source_name = 'streaming_db'",
    problem:
      /source_databases row \d+ \(streaming_db\): cannot be reached: cannot connect to PostgreSQL at postgres@127\.0\.0\.1:1\//,
    exitCode: ExitCode.source,
  },
  {
    name: "Cypher smuggled into join_condition",
    apply:
      "UPDATE relationship_mappings SET join_condition = 'a.email = t.customer_email}) MATCH (n) DETACH DELETE n //' WHERE relationship_type = 'SUBMITTED'",
    revert:
      "UPDATE relationship_mappings SET join_condition = 'a.email = t.customer_email' WHERE relationship_type = 'SUBMITTED'",
    problem: /relationship_mappings row \d+ \(SUBMITTED\): join_condition ".*" is refused: unexpected "}"/,
  },
  {
    name: "a comparison that is not an equality",
    apply:
      "UPDATE relationship_mappings SET join_condition = 's.plan_id <> p.plan_id' WHERE relationship_type = 'SUBSCRIBED_TO'",
    revert:
      "UPDATE relationship_mappings SET join_condition = 's.plan_id = p.plan_id' WHERE relationship_type = 'SUBSCRIBED_TO'",
    problem: /relationship_mappings row \d+ \(SUBSCRIBED_TO\): join_condition .* is refused: unexpected "<"/,
  },
  {
    name: "a join on a column that does not exist",
    apply:
      "UPDATE relationship_mappings SET join_condition = 'p.media_ref = m.media_id' WHERE relationship_type = 'PLAYED'",
    revert:
      "UPDATE relationship_mappings SET join_condition = 'p.media_id = m.media_id' WHERE relationship_type = 'PLAYED'",
    problem:
      /relationship_mappings row \d+ \(PLAYED\): join_condition uses p\.media_ref, but play_events has no column media_ref/,
  },
  {
    name: "a join between different types",
    apply:
      "UPDATE relationship_mappings SET join_condition = 's.plan_id = p.plan_name' WHERE relationship_type = 'SUBSCRIBED_TO'",
    revert:
      "UPDATE relationship_mappings SET join_condition = 's.plan_id = p.plan_id' WHERE relationship_type = 'SUBSCRIBED_TO'",
    problem:
      /s\.plan_id \(INTEGER\) = p\.plan_name \(STRING\) compares different types and would never match/,
  },
  {
    name: "a junction table without its label",
    apply: "UPDATE relationship_mappings SET junction_label = NULL WHERE relationship_type = 'TAGGED_WITH'",
    revert:
      "UPDATE relationship_mappings SET junction_label = 'TicketTagLink' WHERE relationship_type = 'TAGGED_WITH'",
    problem:
      /relationship_mappings row \d+ \(TAGGED_WITH\): junction_table and junction_label must be set together/,
  },
  {
    name: "a password variable that is not set",
    apply:
      "UPDATE source_databases SET db_password_env = 'C360_TEST_SURELY_UNSET' WHERE source_name = 'profiles_db'",
    revert: "UPDATE source_databases SET db_password_env = NULL WHERE source_name = 'profiles_db'",
    problem:
      /source_databases row \d+ \(profiles_db\): db_password_env names C360_TEST_SURELY_UNSET, which is not set/,
  },
  {
    name: "a table without a primary key",
    apply: `INSERT INTO node_label_mappings (source_id, table_name, node_label)
            SELECT source_id, 'nokey', 'NoKey' FROM source_databases WHERE source_name = 'support_db'`,
    revert: "DELETE FROM node_label_mappings WHERE table_name = 'nokey'",
    problem:
      /node_label_mappings row \d+ \(nokey -> NoKey\): table nokey has no primary key; set key_columns/,
  },
  {
    name: "a column name that cannot be a property key",
    apply: `INSERT INTO node_label_mappings (source_id, table_name, node_label)
            SELECT source_id, 'odd', 'Odd' FROM source_databases WHERE source_name = 'support_db'`,
    revert: "DELETE FROM node_label_mappings WHERE table_name = 'odd'",
    problem:
      /node_label_mappings row \d+ \(odd -> Odd\): column "we`ird" cannot be a property key: it contains a backtick/,
  },
  {
    name: "a label that tries to close its backticks",
    apply:
      "UPDATE node_label_mappings SET node_label = 'Plan`) DETACH DELETE n //' WHERE node_label = 'Plan'",
    revert: "UPDATE node_label_mappings SET node_label = 'Plan' WHERE table_name = 'plans'",
    problem:
      /node_label_mappings row \d+ \(plans -> Plan`\) DETACH DELETE n \/\/\): node_label .* is not a valid label/,
  },
  {
    name: "a label with unusual Unicode",
    apply: "UPDATE node_label_mappings SET node_label = 'Ｐlan' WHERE node_label = 'Plan'",
    revert: "UPDATE node_label_mappings SET node_label = 'Plan' WHERE table_name = 'plans'",
    problem: /node_label "Ｐlan" is not a valid label/,
  },
  {
    name: "a relationship type with a semicolon",
    apply:
      "UPDATE relationship_mappings SET relationship_type = 'PLAYED;' WHERE relationship_type = 'PLAYED'",
    revert:
      "UPDATE relationship_mappings SET relationship_type = 'PLAYED' WHERE relationship_type = 'PLAYED;'",
    problem:
      /relationship_mappings row \d+ \(PLAYED;\): relationship_type "PLAYED;" is not a valid relationship type/,
  },
  {
    name: "a comment in join_condition",
    apply:
      "UPDATE relationship_mappings SET join_condition = 'a.email = t.customer_email /* anything */' WHERE relationship_type = 'SUBMITTED'",
    revert:
      "UPDATE relationship_mappings SET join_condition = 'a.email = t.customer_email' WHERE relationship_type = 'SUBMITTED'",
    problem: /relationship_mappings row \d+ \(SUBMITTED\): join_condition .* is refused: unexpected "\/"/,
  },
  {
    name: "a string literal in join_condition",
    apply:
      "UPDATE relationship_mappings SET join_condition = 'a.email = ''x''' WHERE relationship_type = 'SUBMITTED'",
    revert:
      "UPDATE relationship_mappings SET join_condition = 'a.email = t.customer_email' WHERE relationship_type = 'SUBMITTED'",
    problem: /relationship_mappings row \d+ \(SUBMITTED\): join_condition .* is refused: unexpected "'"/,
  },
  {
    name: "OR in join_condition",
    apply:
      "UPDATE relationship_mappings SET join_condition = 'a.email = t.customer_email OR a.email = t.customer_email' WHERE relationship_type = 'SUBMITTED'",
    revert:
      "UPDATE relationship_mappings SET join_condition = 'a.email = t.customer_email' WHERE relationship_type = 'SUBMITTED'",
    problem: /join_condition .* is refused: expected AND between comparisons/,
  },
  {
    name: "an explicit alias that is not an identifier",
    apply: "UPDATE relationship_mappings SET from_alias = 'a b' WHERE relationship_type = 'SUBMITTED'",
    revert: "UPDATE relationship_mappings SET from_alias = NULL WHERE relationship_type = 'SUBMITTED'",
    problem: /relationship_mappings row \d+ \(SUBMITTED\): from_alias "a b" is not a plain identifier/,
  },
  {
    name: "a column name with a line break",
    apply: `INSERT INTO node_label_mappings (source_id, table_name, node_label)
            SELECT source_id, 'ctrl', 'Ctrl' FROM source_databases WHERE source_name = 'support_db'`,
    revert: "DELETE FROM node_label_mappings WHERE table_name = 'ctrl'",
    problem:
      /node_label_mappings row \d+ \(ctrl -> Ctrl\): column "bad\\ncol" cannot be a property key: it contains a control/,
  },
  {
    name: "nothing to export",
    apply: "UPDATE node_label_mappings SET is_active = false",
    revert: "UPDATE node_label_mappings SET is_active = true",
    problem: /node_label_mappings has no active row: there is nothing to export/,
  },
];

async function runCount(): Promise<number> {
  const rows = await query<{ n: string }>(control, "SELECT count(*) AS n FROM etl_run_logs");
  return Number(rows[0]?.n);
}

/** The newest run row: a refused attempt is on record too. */
async function lastRun(): Promise<{ status: string; exit_code: number; error_message: string } | undefined> {
  const rows = await query<{ status: string; exit_code: number; error_message: string }>(
    control,
    "SELECT status, exit_code, error_message FROM etl_run_logs ORDER BY log_id DESC LIMIT 1",
  );
  return rows[0];
}

describe("metadata mistakes are refused before any extraction, naming the row", () => {
  for (const mistake of mistakes) {
    it(mistake.name, async () => {
      const outputDir = emptyDir();
      const runsBefore = await runCount();
      await query(control, mistake.apply);
      try {
        await assert.rejects(
          generate({ controlDb: universe.controlDb, outputDir, logger: silentLogger() }),
          (error: unknown) => {
            assert.ok(error instanceof MetadataError, String(error));
            assert.ok(
              error.problems.some((p) => mistake.problem.test(p)),
              `no problem matched ${mistake.problem}:\n${error.problems.join("\n")}`,
            );
            assert.equal(error.exitCode, mistake.exitCode ?? ExitCode.config);
            return true;
          },
        );
      } finally {
        await query(control, mistake.revert);
      }
      assert.deepEqual(readdirSync(outputDir), [], "no file was written");
      assert.equal(await runCount(), runsBefore + 1, "the attempt was logged");
      const run = await lastRun();
      assert.equal(run?.status, "failed");
      assert.equal(run?.exit_code, mistake.exitCode ?? ExitCode.config);
      assert.match(run?.error_message ?? "", mistake.problem);
    });
  }

  it("reports every problem at once, through the CLI with the metadata exit code", async () => {
    const independent = [6, 8, 12]; // three mistakes in three different mappings
    for (const index of independent) await query(control, mistakes[index]?.apply ?? "");
    try {
      const outputDir = emptyDir();
      const result = await runCli(["generate", "--output-dir", outputDir], { env: controlDbEnv(control) });
      assert.equal(result.code, ExitCode.config, result.stderr);
      const problems = logLines(result.stderr).find((line) => Array.isArray(line.problems))
        ?.problems as string[];
      for (const index of independent) {
        const expected = mistakes[index]?.problem as RegExp;
        assert.ok(
          problems.some((p) => expected.test(p)),
          `missing ${expected}`,
        );
      }
      assert.equal(result.stdout, "");
      assert.deepEqual(readdirSync(outputDir), []);
    } finally {
      for (const index of independent) await query(control, mistakes[index]?.revert ?? "");
    }
  });

  it("the repaired metadata is accepted again (the reverts above are complete)", async () => {
    const result = await runCli(["generate", "--dry-run"], { env: controlDbEnv(control) });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /:Account {2}<- {2}profiles_db\.public\.accounts {2}\(key: account_id\)/);
    assert.match(result.stdout, /hashed_password {2}EXCLUDED \(Credential hash/);
    assert.match(
      result.stdout,
      /5\. \(:Ticket\)-\[:TAGGED_WITH\]->\(:Tag\) {2}on from\.ticket_id = link\.ticket_id AND link\.tag_id = to\.tag_id \(through :TicketTagLink\)/,
    );
  });
});
