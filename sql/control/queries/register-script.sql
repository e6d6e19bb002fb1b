-- $1 script_name, $2 file_path, $3 size_bytes, $4 sha256, $5 statement_count
INSERT INTO "cypher_scripts"
  ("script_name", "file_path", "file_size_kb", "file_size_bytes", "sha256", "statement_count", "last_updated_at", "created_at")
VALUES ($1, $2, ceil($3::numeric / 1024)::int, $3, $4, $5, now(), now())
RETURNING "script_id";
