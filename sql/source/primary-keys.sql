-- Primary-key columns of the given tables in the public schema, in key order. $1: table names.
SELECT c.relname AS table_name, a.attname AS column_name, k.ord AS key_position
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k (attnum, ord)
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
WHERE i.indisprimary
  AND n.nspname = 'public'
  AND c.relname = ANY ($1::text[])
ORDER BY c.relname, k.ord;
