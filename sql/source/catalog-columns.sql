-- Columns of the given tables, in table order, with their types resolved through domains, and
-- the element type of arrays. $1: schema names, $2: table names (pairs, by position).
SELECT n.nspname AS schema_name,
       c.relname AS table_name,
       a.attname AS column_name,
       a.attnum AS position,
       a.attnotnull AS not_null,
       base.typname AS type_name,
       CASE WHEN base.typcategory = 'A' THEN element.typname END AS element_type_name
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type base ON base.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
LEFT JOIN pg_type element ON element.oid = base.typelem AND base.typcategory = 'A'
WHERE (n.nspname, c.relname) IN (SELECT s, t FROM unnest($1::text[], $2::text[]) AS wanted (s, t))
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
ORDER BY n.nspname, c.relname, a.attnum;
