-- $1 log_id, $2 nodes_created, $3 nodes_updated, $4 nodes_deleted, $5 relationships_created, $6 relationships_deleted
UPDATE "etl_run_logs"
SET "nodes_created" = $2, "nodes_updated" = $3, "nodes_deleted" = $4,
    "relationships_created" = $5, "relationships_deleted" = $6
WHERE "log_id" = $1;
