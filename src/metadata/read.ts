/**
 * Reads the control metadata: sources, exclusion rules, label and relationship mappings.
 */
import type { PgClient } from "../postgres/connection.js";
import { sqlFile } from "../sql-files.js";

export interface SourceRow {
  source_id: number;
  source_name: string;
  db_host: string;
  db_port: number;
  db_name: string;
  db_user: string;
  db_password: string | null;
  db_password_env: string | null;
  is_active: boolean;
}

export interface ExclusionRow {
  rule_id: number;
  source_id: number;
  table_name: string;
  column_name: string;
  reason: string | null;
}

export interface LabelMappingRow {
  mapping_id: number;
  source_id: number | null;
  /** The table's schema (default public). */
  schema_name: string;
  table_name: string;
  node_label: string;
  key_columns: string[] | null;
  /** The allow-list: only these columns (and the key) are read; null for every column. */
  include_columns: string[] | null;
}

export interface RelationshipMappingRow {
  relationship_id: number;
  source_db: string;
  relationship_type: string;
  from_label: string;
  to_label: string;
  join_condition: string;
  junction_schema: string;
  junction_table: string | null;
  junction_label: string | null;
  description: string | null;
  execution_order: number;
  from_alias: string | null;
  to_alias: string | null;
  junction_alias: string | null;
}

export interface ControlMetadata {
  sources: SourceRow[];
  exclusions: ExclusionRow[];
  labelMappings: LabelMappingRow[];
  relationshipMappings: RelationshipMappingRow[];
}

export async function readControlMetadata(client: PgClient): Promise<ControlMetadata> {
  const sources = await client.query<SourceRow>(sqlFile("control/queries/select-sources.sql"));
  const exclusions = await client.query<ExclusionRow>(sqlFile("control/queries/select-exclusions.sql"));
  const labels = await client.query<LabelMappingRow>(sqlFile("control/queries/select-label-mappings.sql"));
  const relationships = await client.query<RelationshipMappingRow>(
    sqlFile("control/queries/select-relationship-mappings.sql"),
  );
  return {
    sources: sources.rows,
    exclusions: exclusions.rows,
    labelMappings: labels.rows,
    relationshipMappings: relationships.rows,
  };
}
