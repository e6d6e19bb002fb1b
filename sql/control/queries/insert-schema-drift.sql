-- $1 log_id, $2 source_id, $3 table_name, $4 change, $5 column_name, $6 old_type, $7 new_type, $8 outcome
INSERT INTO "c360_schema_drift"
  ("log_id", "source_id", "table_name", "change", "column_name", "old_type", "new_type", "outcome")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);
