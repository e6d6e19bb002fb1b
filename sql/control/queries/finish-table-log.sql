-- $1 table_log_id, $2 status, $3 rows_processed, $4 error_message
UPDATE "etl_table_logs"
SET "status" = $2::varchar, "rows_processed" = $3, "error_message" = $4, "end_time" = now(),
    "is_progressing" = false, "is_done" = ($2::varchar = 'completed')
WHERE "table_log_id" = $1;
