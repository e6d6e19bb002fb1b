SELECT "source_id", "source_name", "db_host", "db_port", "db_name", "db_user", "db_password", "db_password_env", "is_active"
FROM "source_databases"
ORDER BY "source_id";
