UPDATE "source_databases" SET "last_accessed" = now() WHERE "source_id" = $1;
