UPDATE "etl_table_logs" SET "rows_processed" = $2 WHERE "table_log_id" = $1;
