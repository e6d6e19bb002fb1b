SELECT "script_id", "script_name", "sha256", "statement_count" FROM "cypher_scripts" WHERE "file_path" = $1;
