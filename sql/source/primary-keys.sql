-- Primary-key columns of the given tables, in key order. $1: schema names, $2: table names (pairs).
SELECT n.nspname AS schema_name, c.relname AS table_name, a.attname AS column_name, k.ord AS key_position
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k (attnum, ord)
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
WHERE i.indisprimary
  AND (n.nspname, c.relname) IN (SELECT s, t FROM unnest($1::text[], $2::text[]) AS wanted (s, t))
ORDER BY n.nspname, c.relname, k.ord;
