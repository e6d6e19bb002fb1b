UPDATE "etl_table_logs"
SET "status" = 'running', "is_progressing" = true, "start_time" = now()
WHERE "table_log_id" = $1;
