-- $1 script_id: its file is gone (removed by pruning, or found missing).
UPDATE "cypher_scripts" SET "removed_at" = now() WHERE "script_id" = $1;
