-- The newest registered script, for `c360 status`.
SELECT "script_id", "script_name", "file_path", "file_size_bytes", "statement_count", "sha256",
       "created_at", "last_run_time", "last_run_status", "removed_at"
FROM "cypher_scripts"
ORDER BY "script_id" DESC
LIMIT 1;
