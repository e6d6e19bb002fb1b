-- Tables in any schema, not only public: a label mapping names its table's schema, and a
-- relationship its junction table's (which must be the junction label's mapping's).
ALTER TABLE "node_label_mappings"
  ADD COLUMN IF NOT EXISTS "schema_name" varchar(63) NOT NULL DEFAULT 'public';
ALTER TABLE "relationship_mappings"
  ADD COLUMN IF NOT EXISTS "junction_schema" varchar(63) NOT NULL DEFAULT 'public';
