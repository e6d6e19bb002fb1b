-- A registered script whose content c360 has (re)hashed: $1 script_id, $2 sha256, $3 statement_count, $4 size_bytes
UPDATE "cypher_scripts"
SET "sha256" = $2, "statement_count" = $3, "file_size_bytes" = $4::bigint,
    "file_size_kb" = ceil($4::bigint / 1024.0)::int, "last_updated_at" = now()
WHERE "script_id" = $1;
