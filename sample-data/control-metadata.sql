-- The sample universe's control metadata (source_databases rows are written by `c360 sample load`,
-- which knows the server and database names it created). Relationship mappings follow the
-- original tool's conventions: implicit aliases, source_db by source_name, a junction label.

INSERT INTO "field_exclusion_rules" ("source_id", "table_name", "column_name", "is_excluded", "reason")
SELECT "source_id", 'accounts', 'hashed_password', true, 'Credential hash: must never leave profiles_db'
FROM "source_databases" WHERE "source_name" = 'profiles_db';

INSERT INTO "node_label_mappings" ("source_id", "table_name", "node_label", "is_active", "description")
SELECT s."source_id", m.table_name, m.node_label, true, m.description
FROM (VALUES
  (1, 'profiles_db', 'accounts', 'Account', 'A customer account'),
  (2, 'profiles_db', 'plans', 'Plan', 'A subscription plan'),
  (3, 'profiles_db', 'payment_methods', 'PaymentMethod', 'A card on file'),
  (4, 'profiles_db', 'subscriptions', 'Subscription', 'An account''s subscription to a plan'),
  (5, 'streaming_db', 'media_content', 'Media', 'A title in the catalogue'),
  (6, 'streaming_db', 'play_events', 'PlayEvent', 'One play/stop event from a device'),
  (7, 'support_db', 'tickets', 'Ticket', 'A support ticket'),
  (8, 'support_db', 'ticket_tags', 'Tag', 'A ticket tag'),
  (9, 'support_db', 'ticket_tag_link', 'TicketTagLink', 'Junction rows between tickets and tags')
) AS m (position, source_name, table_name, node_label, description)
JOIN "source_databases" s ON s."source_name" = m.source_name
ORDER BY m.position;

INSERT INTO "relationship_mappings"
  ("source_db", "relationship_type", "from_label", "to_label", "join_condition", "junction_table", "junction_label",
   "is_active", "description", "execution_order")
VALUES
  ('profiles_db', 'HAS_PAYMENT_METHOD', 'Account', 'PaymentMethod', 'a.account_id = pm.account_id', NULL, NULL,
   true, 'Cards on file for an account', 1),
  ('profiles_db', 'HAS_SUBSCRIPTION', 'Account', 'Subscription', 'a.account_id = s.account_id', NULL, NULL,
   true, 'An account''s subscriptions', 2),
  ('profiles_db', 'SUBSCRIBED_TO', 'Subscription', 'Plan', 's.plan_id = p.plan_id', NULL, NULL,
   true, 'The plan a subscription is for', 3),
  ('streaming_db', 'PLAYED', 'PlayEvent', 'Media', 'p.media_id = m.media_id', NULL, NULL,
   true, 'The title a play event played', 4),
  ('support_db', 'TAGGED_WITH', 'Ticket', 'Tag', 't.ticket_id = link.ticket_id AND link.tag_id = tag.tag_id',
   'ticket_tag_link', 'TicketTagLink', true, 'Ticket tags, through the junction table', 5),
  ('support_db', 'SUBMITTED', 'Account', 'Ticket', 'a.email = t.customer_email', NULL, NULL,
   true, 'Cross-database: support tickets by e-mail address', 6),
  ('streaming_db', 'WATCHED', 'Account', 'PlayEvent', 'a.account_id = pe.account_id_from_token', NULL, NULL,
   true, 'Cross-database: play events by the account id in the token', 7);
