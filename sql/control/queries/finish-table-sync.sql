-- $1 table_log_id, $2 nodes_created, $3 nodes_updated, $4 nodes_deleted
UPDATE "etl_table_logs"
SET "nodes_created" = $2, "nodes_updated" = $3, "nodes_deleted" = $4
WHERE "table_log_id" = $1;
