-- The load checkpoint: every statement up to $2 is committed in Neo4j.
UPDATE "etl_run_logs"
SET "statements_executed" = $2, "nodes_created" = $3, "relationships_created" = $4, "properties_set" = $5,
    "nodes_deleted" = $6, "relationships_deleted" = $7
WHERE "log_id" = $1;
