/**
 * `c360 model`: the graph model from the metadata and the real catalogs, as Mermaid and as
 * arrows.app JSON, naming every label and relationship type.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { ExitCode } from "../src/errors.js";
import { emptyDir, runCli } from "./helpers/cli.js";
import { useSampleUniverse } from "./helpers/universe.js";

const suite = useSampleUniverse("model");
const env = () => suite.env();

const labels = [
  "Account",
  "Plan",
  "PaymentMethod",
  "Subscription",
  "Media",
  "PlayEvent",
  "Ticket",
  "Tag",
  "TicketTagLink",
];
const types = [
  "HAS_PAYMENT_METHOD",
  "HAS_SUBSCRIPTION",
  "SUBSCRIBED_TO",
  "PLAYED",
  "TAGGED_WITH",
  "SUBMITTED",
  "WATCHED",
];

describe("c360 model", () => {
  it("draws every label and type as a Mermaid flowchart, sources, keys, joins and exclusions shown", async () => {
    const result = await runCli(["model"], { env: env() });
    assert.equal(result.code, 0, result.stderr);
    const text = result.stdout;
    assert.match(text, /^flowchart LR$/m);
    for (const label of labels) assert.match(text, new RegExp(`<b>:${label}</b>`), label);
    for (const type of types) assert.match(text, new RegExp(`<b>${type}</b>`), type);
    assert.match(text, /<b>:Account<\/b><br\/>profiles_db\.public\.accounts<br\/>key account_id: STRING/);
    assert.match(text, /<s>hashed_password<\/s> excluded/);
    assert.match(
      text,
      /L\d+ -\. "<b>SUBMITTED<\/b> \(across databases\)<br\/>from\.email = to\.customer_email" \.-> L\d+/,
    );
    assert.match(text, /L\d+ -- "<b>PLAYED<\/b><br\/>from\.media_id = to\.media_id" --> L\d+/);
    assert.match(text, /through :TicketTagLink/);
  });

  it("writes arrows.app JSON to a file", async () => {
    const file = path.join(emptyDir(), "model.json");
    const result = await runCli(["model", "--format", "arrows", "--output", file], { env: env() });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "");
    const model = JSON.parse(readFileSync(file, "utf8")) as {
      nodes: Array<{ id: string; labels: string[]; caption: string; properties: Record<string, string> }>;
      relationships: Array<{
        fromId: string;
        toId: string;
        type: string;
        properties: Record<string, string>;
      }>;
    };
    assert.deepEqual(
      model.nodes.map((n) => n.labels[0]),
      labels,
    );
    assert.deepEqual(
      model.relationships.map((r) => r.type),
      types,
    );
    const account = model.nodes.find((n) => n.labels[0] === "Account");
    assert.equal(account?.caption, "profiles_db.public.accounts");
    assert.equal(account?.properties.account_id, "STRING (key)");
    assert.match(account?.properties.hashed_password ?? "", /^excluded/);
    const watched = model.relationships.find((r) => r.type === "WATCHED");
    assert.equal(watched?.fromId, account?.id);
    assert.equal(watched?.properties.crosses, "databases");
  });

  it("refuses an unknown format", async () => {
    const result = await runCli(["model", "--format", "png"], { env: env() });
    assert.equal(result.code, ExitCode.usage);
    assert.match(result.stderr, /--format must be mermaid or arrows/);
  });
});
