-- Runs still 'running' when a new run holds the run lock: one run at a time means their process
-- is gone (kill -9, the OOM killer, a reboot) without a word. $1: the message to record.
UPDATE "etl_run_logs"
SET "status" = 'failed', "run_end_time" = now(), "error_message" = $1
WHERE "status" = 'running'
RETURNING "log_id", "command", "run_start_time";
