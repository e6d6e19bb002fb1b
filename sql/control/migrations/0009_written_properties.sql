-- What each run wrote on its label's nodes: the properties of the columns it read. A sync owns
-- exactly those on c360's nodes (and its c360_ ones), so a property that earlier runs wrote and
-- this one does not (a newly excluded column, one left out of include_columns, one gone from the
-- source) is removed, and nothing else on the node is touched. NULL for runs before this column.
ALTER TABLE "etl_table_logs" ADD COLUMN IF NOT EXISTS "properties" text[] NULL;
