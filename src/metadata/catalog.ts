/**
 * Reads what the metadata refers to from the real source catalogs: the mapped tables' columns,
 * types and primary keys. A source that cannot be reached is recorded, not thrown, so that
 * validation can report it together with every other problem.
 */
import type { Timeouts } from "../config.js";
import { SourceError, messageOf } from "../errors.js";
import type { Logger } from "../logger.js";
import { withClient } from "../postgres/connection.js";
import { sqlFile } from "../sql-files.js";
import { catalogKey, type CatalogTable, type SourceCatalog } from "./plan.js";
import { sourcePassword, sourceTarget } from "./plan.js";
import type { ControlMetadata } from "./read.js";

export interface CatalogOptions {
  env: Readonly<Record<string, string | undefined>>;
  timeouts?: Timeouts;
  logger: Logger;
}

export async function readSourceCatalogs(
  metadata: ControlMetadata,
  options: CatalogOptions,
): Promise<Map<number, SourceCatalog>> {
  // Every (schema, table) a mapping names, asked of every source: which one holds it is settled later.
  const wanted = [
    ...new Map(metadata.labelMappings.map((m) => [catalogKey(m.schema_name, m.table_name), m])).values(),
  ];
  const pairs = [wanted.map((m) => m.schema_name), wanted.map((m) => m.table_name)];
  const catalogs = new Map<number, SourceCatalog>();
  for (const source of metadata.sources.filter((s) => s.is_active)) {
    const password = sourcePassword(source, options.env);
    if ("problem" in password) continue; // reported by buildPlan
    try {
      const tables = await withClient(
        sourceTarget(source, password.password),
        (message, cause) => new SourceError(message, { cause }),
        async (client) => {
          const columns = await client.query<{
            schema_name: string;
            table_name: string;
            column_name: string;
            not_null: boolean;
            type_name: string;
            element_type_name: string | null;
          }>(sqlFile("source/catalog-columns.sql"), pairs);
          const keys = await client.query<{ schema_name: string; table_name: string; column_name: string }>(
            sqlFile("source/primary-keys.sql"),
            pairs,
          );
          const result = new Map<string, CatalogTable>();
          for (const row of columns.rows) {
            const key = catalogKey(row.schema_name, row.table_name);
            let table = result.get(key);
            if (table === undefined) {
              table = { columns: [], primaryKey: [] };
              result.set(key, table);
            }
            table.columns.push({
              name: row.column_name,
              notNull: row.not_null,
              typeName: row.type_name,
              elementTypeName: row.element_type_name ?? undefined,
            });
          }
          for (const row of keys.rows)
            result.get(catalogKey(row.schema_name, row.table_name))?.primaryKey.push(row.column_name);
          return result;
        },
        { timeouts: options.timeouts, applicationName: "c360 catalog" },
      );
      catalogs.set(source.source_id, { tables });
    } catch (error) {
      options.logger.debug({ source: source.source_name, err: messageOf(error) }, "source unreachable");
      catalogs.set(source.source_id, { error: messageOf(error) });
    }
  }
  return catalogs;
}
