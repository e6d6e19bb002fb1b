-- $1 log_id, $2 relationship_type, $3 relationships_created, $4 relationships_deleted
INSERT INTO "etl_relationship_logs" ("log_id", "relationship_type", "relationships_created", "relationships_deleted")
VALUES ($1, $2, $3, $4)
ON CONFLICT ("log_id", "relationship_type") DO UPDATE
SET "relationships_created" = excluded."relationships_created",
    "relationships_deleted" = excluded."relationships_deleted";
