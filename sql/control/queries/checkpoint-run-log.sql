-- The load checkpoint: every statement up to $2 is committed in Neo4j.
UPDATE "etl_run_logs"
SET "statements_executed" = $2, "nodes_created" = $3, "relationships_created" = $4, "properties_set" = $5
WHERE "log_id" = $1;
