-- A run that failed before it could start its work (the run lock was held): on record all the
-- same. $1 command, $2 tool_version, $3 exit_code, $4 error_message.
INSERT INTO "etl_run_logs"
  ("run_start_time", "run_end_time", "status", "command", "tool_version", "exit_code", "error_message")
VALUES (now(), now(), 'failed', $1, $2, $3, $4);
