-- $1 log_id, $2 status, $3 error_message, $4 exit_code: a command whose first phase completed and
-- a later one failed (run: generate, then load).
UPDATE "etl_run_logs"
SET "status" = $2, "error_message" = $3, "exit_code" = $4, "run_end_time" = now()
WHERE "log_id" = $1;
