-- An allow-list per label mapping: when set, only these columns (and the key) reach the graph, so
-- a column added to the source stays out until someone adds it here. NULL: every column that no
-- field_exclusion_rules row excludes.
ALTER TABLE "node_label_mappings"
  ADD COLUMN IF NOT EXISTS "include_columns" text[] NULL;
