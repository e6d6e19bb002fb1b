-- $1 log_id: a run row that did nothing and hands over to another (a sync finding an empty graph
-- becomes a full load, with its own row).
DELETE FROM "etl_run_logs" WHERE "log_id" = $1;
