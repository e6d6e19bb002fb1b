SELECT "rule_id", "source_id", "table_name", "column_name", "reason"
FROM "field_exclusion_rules"
WHERE "is_excluded"
ORDER BY "rule_id";
