-- The newest run whose script was loaded to the end: the run stamp a sync re-derives
-- relationships after (nodes stamped later were written by loads that did not complete).
SELECT coalesce(max(g."log_id"), 0) AS "run_id"
FROM "etl_run_logs" l
JOIN "etl_run_logs" g ON g."script_id" = l."script_id" AND g."command" IN ('generate', 'run')
WHERE l."command" = 'load' AND l."status" = 'completed';
