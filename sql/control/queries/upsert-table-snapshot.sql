-- $1 source_id, $2 table_name, $3 columns (json), $4 excluded_columns, $5 key_columns (json), $6 log_id
INSERT INTO "c360_table_snapshots"
  ("source_id", "table_name", "columns", "excluded_columns", "key_columns", "log_id", "taken_at")
VALUES ($1, $2, $3::jsonb, $4, $5::jsonb, $6, now())
ON CONFLICT ("source_id", "table_name") DO UPDATE
SET "columns" = EXCLUDED."columns", "excluded_columns" = EXCLUDED."excluded_columns",
    "key_columns" = EXCLUDED."key_columns", "log_id" = EXCLUDED."log_id", "taken_at" = now();
