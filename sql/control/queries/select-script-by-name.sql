SELECT "script_id" FROM "cypher_scripts" WHERE "script_name" = $1;
