-- The newest runs, newest first, for `c360 status`. $1 how many.
SELECT r."log_id", r."parent_log_id", r."command", r."script_kind", r."status", r."exit_code",
       r."run_start_time", r."run_end_time", r."rows_extracted", r."nodes_created", r."nodes_updated",
       r."nodes_deleted", r."relationships_created", r."relationships_deleted", r."error_message"
FROM "etl_run_logs" AS r
ORDER BY r."log_id" DESC
LIMIT $1;
