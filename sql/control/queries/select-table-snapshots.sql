SELECT "source_id", "table_name", "columns", "excluded_columns", "key_columns"
FROM "c360_table_snapshots";
