-- Scripts hold source data, so a successful run prunes the oldest (C360_KEEP_SCRIPTS): the row
-- stays, as the record of what ran, and says when its file was removed.
ALTER TABLE "cypher_scripts"
  ADD COLUMN IF NOT EXISTS "removed_at" timestamptz NULL;
