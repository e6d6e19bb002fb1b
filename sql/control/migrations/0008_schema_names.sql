-- Tables in any schema, not only public: a label mapping names its table's schema, and a
-- relationship its junction table's (which must be the junction label's mapping's).
ALTER TABLE "node_label_mappings"
  ADD COLUMN IF NOT EXISTS "schema_name" varchar(63) NOT NULL DEFAULT 'public';
ALTER TABLE "relationship_mappings"
  ADD COLUMN IF NOT EXISTS "junction_schema" varchar(63) NOT NULL DEFAULT 'public';

-- One mapping per table: per source, schema and name (two schemas may each hold an "orders").
ALTER TABLE "node_label_mappings" DROP CONSTRAINT IF EXISTS "node_label_mappings_source_table_key";
ALTER TABLE "node_label_mappings"
  ADD CONSTRAINT "node_label_mappings_source_schema_table_key"
  UNIQUE NULLS NOT DISTINCT ("source_id", "schema_name", "table_name");
