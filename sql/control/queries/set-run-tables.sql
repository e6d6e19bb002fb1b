-- $1 log_id, $2 tables_total: known once the run's metadata is validated.
UPDATE "etl_run_logs" SET "tables_total" = $2 WHERE "log_id" = $1;
