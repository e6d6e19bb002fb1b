UPDATE "cypher_scripts" SET "last_run_time" = now(), "last_run_status" = $2 WHERE "script_id" = $1;
