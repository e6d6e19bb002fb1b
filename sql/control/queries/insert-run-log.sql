-- $1 command, $2 tool_version, $3 tables_total
INSERT INTO "etl_run_logs" ("run_start_time", "status", "command", "tool_version", "tables_total")
VALUES (now(), 'running', $1, $2, $3)
RETURNING "log_id";
