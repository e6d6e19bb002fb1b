-- $1 log_id, $2 script_kind ('full' or 'sync')
UPDATE "etl_run_logs" SET "script_kind" = $2 WHERE "log_id" = $1;
