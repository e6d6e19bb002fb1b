-- The latest load of a script: where a --resume continues from.
SELECT "log_id", "status", "statements_executed", "statements_total"
FROM "etl_run_logs"
WHERE "script_id" = $1 AND "command" = 'load'
ORDER BY "log_id" DESC
LIMIT 1;
