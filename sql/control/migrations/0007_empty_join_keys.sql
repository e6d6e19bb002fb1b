-- Per table and run: how many rows had an empty string in a join column (C360_EMPTY_JOIN_KEYS).
ALTER TABLE "etl_table_logs"
  ADD COLUMN IF NOT EXISTS "empty_join_keys" int NOT NULL DEFAULT 0;
