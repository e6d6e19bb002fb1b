SELECT "mapping_id", "source_id", "schema_name", "table_name", "node_label", "key_columns", "include_columns"
FROM "node_label_mappings"
WHERE "is_active"
ORDER BY "mapping_id";
