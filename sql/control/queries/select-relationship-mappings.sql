SELECT "relationship_id", "source_db", "relationship_type", "from_label", "to_label", "join_condition",
       "junction_schema", "junction_table", "junction_label", "description", "execution_order",
       "from_alias", "to_alias", "junction_alias"
FROM "relationship_mappings"
WHERE "is_active"
ORDER BY "execution_order", "relationship_id";
