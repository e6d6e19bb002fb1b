-- $1 log_id, $2 source_id, $3 table_name, $4 node_label, $5 excluded_columns, $6 properties
INSERT INTO "etl_table_logs" ("log_id", "source_id", "table_name", "node_label", "excluded_columns", "properties", "status")
VALUES ($1, $2, $3, $4, $5, $6, 'pending')
RETURNING "table_log_id";
