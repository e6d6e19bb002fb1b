-- $1 table_log_id, $2 empty_join_keys
UPDATE "etl_table_logs" SET "empty_join_keys" = $2 WHERE "table_log_id" = $1;
