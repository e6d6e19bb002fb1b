-- Schema drift. After each successful generate, the shape of every mapped table as c360 read it:
-- its columns and types, the columns left out, its key. The next run compares the source with it.
CREATE TABLE IF NOT EXISTS "c360_table_snapshots" (
  "source_id"        int NOT NULL REFERENCES "source_databases" ("source_id") ON DELETE CASCADE,
  "table_name"       varchar(255) NOT NULL,
  -- [{"name": ..., "type": ...}], the columns read, in table order.
  "columns"          jsonb NOT NULL,
  "excluded_columns" text[] NOT NULL,
  "key_columns"      jsonb NOT NULL,
  "log_id"           int NULL REFERENCES "etl_run_logs" ("log_id") ON DELETE SET NULL,
  "taken_at"         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("source_id", "table_name")
);

-- What changed since the snapshot, per run: 'added', 'dropped', 'retyped' columns and 'key' changes.
CREATE TABLE IF NOT EXISTS "c360_schema_drift" (
  "drift_id"    serial PRIMARY KEY,
  "log_id"      int NOT NULL REFERENCES "etl_run_logs" ("log_id") ON DELETE CASCADE,
  "source_id"   int NULL,
  "table_name"  varchar(255) NOT NULL,
  "change"      varchar(20) NOT NULL,
  "column_name" varchar(255) NULL,
  "old_type"    text NULL,
  "new_type"    text NULL,
  -- What the run did about it: 'loaded', 'blocked', 'refused', 'accepted' or 'noted'.
  "outcome"     varchar(20) NOT NULL
);
