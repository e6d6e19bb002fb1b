-- The control schema of the original tool, column for column. Control databases created by the
-- original already have these tables, so every statement is IF NOT EXISTS: on such a database
-- this migration changes nothing and later migrations upgrade it in place.

CREATE TABLE IF NOT EXISTS "source_databases" (
  "source_id"     serial PRIMARY KEY,
  "source_name"   varchar(100) NOT NULL UNIQUE,
  "db_host"       varchar(255) NOT NULL,
  "db_port"       int NOT NULL DEFAULT 5432,
  "db_name"       varchar(100) NOT NULL,
  "db_user"       varchar(100) NOT NULL,
  "db_password"   varchar(255) NULL,
  "is_active"     boolean NOT NULL DEFAULT true,
  "last_accessed" timestamptz NULL
);

CREATE TABLE IF NOT EXISTS "field_exclusion_rules" (
  "rule_id"     serial PRIMARY KEY,
  "source_id"   int NOT NULL REFERENCES "source_databases" ("source_id") ON DELETE CASCADE,
  "table_name"  varchar(255) NOT NULL,
  "column_name" varchar(255) NOT NULL,
  "is_excluded" boolean NOT NULL DEFAULT true,
  "reason"      text NULL,
  UNIQUE ("source_id", "table_name", "column_name")
);

CREATE TABLE IF NOT EXISTS "node_label_mappings" (
  "mapping_id" serial PRIMARY KEY,
  "table_name" varchar(255) NOT NULL UNIQUE,
  "node_label" varchar(255) NOT NULL,
  "is_active"  boolean NOT NULL DEFAULT true
);

CREATE TABLE IF NOT EXISTS "relationship_mappings" (
  "relationship_id"   serial PRIMARY KEY,
  "source_db"         varchar(100) NOT NULL,
  "relationship_type" varchar(100) NOT NULL,
  "from_label"        varchar(255) NOT NULL,
  "to_label"          varchar(255) NOT NULL,
  "join_condition"    text NOT NULL,
  "junction_table"    varchar(255) NULL,
  "junction_label"    varchar(255) NULL,
  "is_active"         boolean NOT NULL DEFAULT true,
  "description"       text NULL,
  "execution_order"   int NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS "etl_run_logs" (
  "log_id"         serial PRIMARY KEY,
  "run_start_time" timestamptz NOT NULL DEFAULT now(),
  "run_end_time"   timestamptz NULL,
  "status"         varchar(50) NOT NULL DEFAULT 'pending'
);

CREATE TABLE IF NOT EXISTS "etl_table_logs" (
  "table_log_id"   serial PRIMARY KEY,
  "log_id"         int NOT NULL REFERENCES "etl_run_logs" ("log_id") ON DELETE CASCADE,
  "source_id"      int NULL REFERENCES "source_databases" ("source_id"),
  "table_name"     varchar(255) NOT NULL,
  "status"         varchar(50) NOT NULL DEFAULT 'pending',
  "is_progressing" boolean NOT NULL DEFAULT false,
  "is_done"        boolean NOT NULL DEFAULT false,
  "start_time"     timestamptz NULL,
  "end_time"       timestamptz NULL,
  "rows_processed" int NOT NULL DEFAULT 0,
  "error_message"  text NULL
);

CREATE TABLE IF NOT EXISTS "cypher_scripts" (
  "script_id"       serial PRIMARY KEY,
  "script_name"     varchar(255) NOT NULL UNIQUE,
  "file_path"       varchar(1024) NOT NULL UNIQUE,
  "file_size_kb"    int NULL,
  "last_updated_at" timestamptz NULL,
  "last_run_time"   timestamptz NULL
);
