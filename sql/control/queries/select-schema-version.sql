SELECT coalesce(max("version"), 0) AS version FROM "c360_schema_migrations";
