-- What c360 adds to the original control schema. Only additions: every original column, row
-- and meaning stays, so a control database shared with the original keeps working.

-- Passwords can live in the environment instead of the table: a row names the variable.
-- When both are set, the environment variable wins; the plaintext column keeps working.
ALTER TABLE "source_databases"
  ADD COLUMN IF NOT EXISTS "db_password_env" varchar(255) NULL,
  ADD COLUMN IF NOT EXISTS "description" text NULL;

-- Label mappings are scoped to a source: two sources may both have a table called "users".
-- Rows written for the original have no source_id; c360 then finds the table in whichever
-- active source has it (and refuses ambiguity).
ALTER TABLE "node_label_mappings"
  ADD COLUMN IF NOT EXISTS "source_id" int NULL REFERENCES "source_databases" ("source_id") ON DELETE CASCADE,
  -- The node key, in order. NULL: the table's primary key, composite keys included.
  ADD COLUMN IF NOT EXISTS "key_columns" text[] NULL,
  ADD COLUMN IF NOT EXISTS "description" text NULL;

-- The original made table_name alone unique, which is exactly the clash above. Replace that
-- constraint (whatever it was named) by uniqueness per source.
DO $$
DECLARE
  constraint_name text;
BEGIN
  FOR constraint_name IN
    SELECT c.conname
    FROM pg_constraint c
    WHERE c.conrelid = '"node_label_mappings"'::regclass
      AND c.contype = 'u'
      AND c.conkey = ARRAY[(
        SELECT a.attnum FROM pg_attribute a
        WHERE a.attrelid = '"node_label_mappings"'::regclass AND a.attname = 'table_name'
      )]::int2[]
  LOOP
    EXECUTE format('ALTER TABLE "node_label_mappings" DROP CONSTRAINT %I', constraint_name);
  END LOOP;
END
$$;

ALTER TABLE "node_label_mappings"
  ADD CONSTRAINT "node_label_mappings_source_table_key" UNIQUE NULLS NOT DISTINCT ("source_id", "table_name");

-- Explicit aliases for join_condition. NULL keeps the original's implicit convention
-- (first letter of the label, with its documented exceptions; "link" for the junction).
ALTER TABLE "relationship_mappings"
  ADD COLUMN IF NOT EXISTS "from_alias" varchar(63) NULL,
  ADD COLUMN IF NOT EXISTS "to_alias" varchar(63) NULL,
  ADD COLUMN IF NOT EXISTS "junction_alias" varchar(63) NULL;

ALTER TABLE "cypher_scripts"
  ADD COLUMN IF NOT EXISTS "sha256" char(64) NULL,
  ADD COLUMN IF NOT EXISTS "statement_count" int NULL,
  ADD COLUMN IF NOT EXISTS "file_size_bytes" bigint NULL,
  ADD COLUMN IF NOT EXISTS "created_at" timestamptz NULL DEFAULT now(),
  ADD COLUMN IF NOT EXISTS "last_run_status" varchar(50) NULL;

-- A run row says what ran, on which script, how far it got and why it stopped.
-- Status values: running, completed, failed, aborted (and the original's pending).
ALTER TABLE "etl_run_logs"
  ADD COLUMN IF NOT EXISTS "command" varchar(20) NULL,
  ADD COLUMN IF NOT EXISTS "script_id" int NULL REFERENCES "cypher_scripts" ("script_id") ON DELETE SET NULL,
  ADD COLUMN IF NOT EXISTS "parent_log_id" int NULL REFERENCES "etl_run_logs" ("log_id") ON DELETE SET NULL,
  ADD COLUMN IF NOT EXISTS "tool_version" varchar(50) NULL,
  ADD COLUMN IF NOT EXISTS "tables_total" int NULL,
  ADD COLUMN IF NOT EXISTS "rows_extracted" bigint NULL,
  ADD COLUMN IF NOT EXISTS "statements_total" int NULL,
  ADD COLUMN IF NOT EXISTS "statements_executed" int NULL,
  ADD COLUMN IF NOT EXISTS "nodes_created" bigint NULL,
  ADD COLUMN IF NOT EXISTS "relationships_created" bigint NULL,
  ADD COLUMN IF NOT EXISTS "properties_set" bigint NULL,
  ADD COLUMN IF NOT EXISTS "exit_code" int NULL,
  ADD COLUMN IF NOT EXISTS "error_message" text NULL;

ALTER TABLE "etl_table_logs"
  ADD COLUMN IF NOT EXISTS "node_label" varchar(255) NULL,
  ADD COLUMN IF NOT EXISTS "excluded_columns" text[] NULL;
