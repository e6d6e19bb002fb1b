-- $1 the run of the last completed load. Per label, the properties that run and every run after
-- it wrote, or may have begun to write (a load that did not finish): all a label's c360 nodes can
-- hold. Runs before it do not count: a completed load removed what it no longer wrote.
SELECT t."node_label", array_agg(DISTINCT p."property" ORDER BY p."property") AS "properties"
FROM "etl_table_logs" t
CROSS JOIN LATERAL unnest(t."properties") AS p("property")
WHERE t."log_id" >= $1 AND t."node_label" IS NOT NULL
GROUP BY t."node_label";
