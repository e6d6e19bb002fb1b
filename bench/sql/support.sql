-- Synthetic support_db at bench scale: :tickets tickets, tagged once or twice each.
TRUNCATE "ticket_tag_link", "tickets", "ticket_tags" CASCADE;
INSERT INTO "ticket_tags" ("tag_id", "tag_name") SELECT n, 'Tag ' || n FROM generate_series(1, 8) n;
INSERT INTO "tickets" ("ticket_id", "customer_email", "agent_id", "subject", "status", "created_at")
SELECT 'T-' || n, 'user' || (1 + n % :accounts) || '@bench.example', 100 + n % 20, 'Subject ' || n || '; with ''quotes''',
       'open', timestamptz '2025-01-01 00:00:00+00' + n * interval '1 minute'
FROM generate_series(1, :tickets) n;
INSERT INTO "ticket_tag_link" ("ticket_id", "tag_id")
SELECT 'T-' || n, 1 + (n + k) % 8 FROM generate_series(1, :tickets) n CROSS JOIN generate_series(0, (n % 2)) k;
