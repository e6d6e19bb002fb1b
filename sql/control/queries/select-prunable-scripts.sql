-- Registered scripts whose files are still kept, beyond the newest $1: the ones to remove.
SELECT "script_id", "file_path", "file_size_bytes"
FROM "cypher_scripts"
WHERE "removed_at" IS NULL
ORDER BY "script_id" DESC
OFFSET $1;
