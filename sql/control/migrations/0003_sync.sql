-- What a sync changed, per run, per table and per relationship type. A full load fills the
-- created counts; a sync also the updated and deleted ones. A run refused before it wrote
-- anything (too many deletes, a graph that moved on) has status 'refused'.

ALTER TABLE "etl_run_logs"
  -- 'full' or 'sync': which kind of script the run generated or loaded.
  ADD COLUMN IF NOT EXISTS "script_kind" varchar(10) NULL,
  ADD COLUMN IF NOT EXISTS "nodes_updated" bigint NULL,
  ADD COLUMN IF NOT EXISTS "nodes_deleted" bigint NULL,
  ADD COLUMN IF NOT EXISTS "relationships_deleted" bigint NULL;

ALTER TABLE "etl_table_logs"
  ADD COLUMN IF NOT EXISTS "nodes_created" bigint NULL,
  ADD COLUMN IF NOT EXISTS "nodes_updated" bigint NULL,
  ADD COLUMN IF NOT EXISTS "nodes_deleted" bigint NULL;

-- One row per relationship type a load wrote: what it created and deleted.
CREATE TABLE IF NOT EXISTS "etl_relationship_logs" (
  "relationship_log_id" serial PRIMARY KEY,
  "log_id" int NOT NULL REFERENCES "etl_run_logs" ("log_id") ON DELETE CASCADE,
  "relationship_type" varchar(255) NOT NULL,
  "relationships_created" bigint NOT NULL DEFAULT 0,
  "relationships_deleted" bigint NOT NULL DEFAULT 0,
  UNIQUE ("log_id", "relationship_type")
);
