-- $1 log_id, $2 status, $3 error_message, $4 exit_code, $5 script_id, $6 rows_extracted, $7 statements_total
UPDATE "etl_run_logs"
SET "run_end_time" = now(), "status" = $2, "error_message" = $3, "exit_code" = $4,
    "script_id" = COALESCE($5, "script_id"), "rows_extracted" = COALESCE($6, "rows_extracted"),
    "statements_total" = COALESCE($7, "statements_total")
WHERE "log_id" = $1;
