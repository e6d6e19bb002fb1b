-- $1 command, $2 tool_version, $3 script_id, $4 statements_total, $5 parent_log_id, $6 statements_executed (resume point)
INSERT INTO "etl_run_logs"
  ("run_start_time", "status", "command", "tool_version", "script_id", "statements_total", "parent_log_id",
   "statements_executed", "nodes_created", "relationships_created", "properties_set")
VALUES (now(), 'running', $1, $2, $3, $4, $5, $6, 0, 0, 0)
RETURNING "log_id";
