-- $1 source_name, $2 db_host, $3 db_port, $4 db_name, $5 db_user, $6 db_password_env, $7 description
INSERT INTO "source_databases"
  ("source_name", "db_host", "db_port", "db_name", "db_user", "db_password", "db_password_env", "is_active", "description")
VALUES ($1, $2, $3, $4, $5, NULL, $6, true, $7)
RETURNING "source_id";
