-- Sample data for support_db. customer_email matches profiles_db's accounts by convention;
-- a few tickets come from people who have no account (the legacy desk takes anyone).

INSERT INTO "ticket_tags" ("tag_id", "tag_name") VALUES
  (1, 'Technical'),
  (2, 'Playback'),
  (3, 'Billing'),
  (4, 'Account'),
  (5, 'Fraud'),
  (6, 'Feature Request'),
  (7, 'Bug''s & "Quirks"'),
  (8, 'Ünïcödé ✓');
SELECT setval(pg_get_serial_sequence('"ticket_tags"', 'tag_id'), 8);

-- Hand-written tickets: the awkward subjects a real desk receives.
INSERT INTO "tickets" ("ticket_id", "customer_email", "agent_id", "subject", "status", "created_at", "last_updated_at") VALUES
  ('TCK-0001', 'john.smith@email.com', 101, 'Can''t play "Ocean''s Eleven" on my TV', 'closed',
   '2025-07-02 14:05:00+00', '2025-07-03 09:00:00+00'),
  ('TCK-0002', 'john.smith@email.com', 102, E'Buffering every evening\nStarted after the update; tried restarting the router', 'open',
   '2025-10-20 19:45:00+00', NULL),
  ('TCK-0003', 'john.smith@email.com', 103, 'Charged twice; refund please // urgent', 'pending',
   '2025-10-28 08:10:00+00', '2025-10-29 10:00:00+00'),
  ('TCK-0004', 'hacked.account@email.com', 104, E'x;\nMATCH (n) DETACH DELETE n;\n//', 'open',
   '2025-10-15 03:33:00+00', NULL),
  ('TCK-0005', 'bobby.tables@email.com', 101, 'Robert''); DROP TABLE tickets;-- cannot log in', 'closed',
   '2025-08-11 11:11:00+00', '2025-08-12 11:11:00+00'),
  ('TCK-0006', 'sean.obrien@email.com', 102, E'Subtitles wrong on \'Amélie\' /* French */ version', 'open',
   '2025-09-30 17:00:00+00', NULL),
  ('TCK-0007', 'zoe.muller@email.com', 103, E'Path C:\\Users\\zoe\\Videos not found\tplease help', 'closed',
   '2025-06-20 10:00:00+00', '2025-06-21 10:00:00+00'),
  ('TCK-0008', 'li.wei@email.com', 104, '无法播放视频 — playback fails 🙁', 'open',
   '2025-10-05 02:00:00+00', NULL),
  ('TCK-0009', 'ana.lima@email.com', 101, E'Audio out of sync\r\nOn every episode', 'pending',
   '2025-10-25 21:30:00+00', '2025-10-26 08:00:00+00'),
  ('TCK-0010', 'maria.garcia@email.com', 102, 'App crashes: "Error 0x80070005"; reinstall didn''t help', 'closed',
   '2025-05-14 16:20:00+00', '2025-05-20 16:20:00+00'),
  ('TCK-0011', 'aevar.thorsson@email.com', 103, 'Line separator here: ' || chr(8232) || ' and a paragraph one: ' || chr(8233), 'open',
   '2025-10-30 12:00:00+00', NULL),
  ('TCK-0012', 'anonymous@email.com', 104, 'Stream freezes at 1080p :begin :commit', 'closed',
   '2025-04-01 09:00:00+00', '2025-04-02 09:00:00+00'),
  ('TCK-0013', 'walk-in.customer@legacy-desk.example', 105, 'Question about a gift card', 'closed',
   '2024-12-24 15:00:00+00', '2024-12-27 15:00:00+00'),
  ('TCK-0014', 'user16@example.com', 105, 'Video keeps stopping; considering cancelling', 'open',
   '2025-10-22 18:00:00+00', NULL),
  ('TCK-0015', 'user17@example.com', 101, 'No sound since last week', 'open',
   '2025-10-18 20:00:00+00', NULL);

-- One ordinary ticket for every account from 11 to 36 whose number is divisible by 3 or 5,
-- spread over 2025.
INSERT INTO "tickets" ("ticket_id", "customer_email", "agent_id", "subject", "status", "created_at", "last_updated_at")
SELECT 'TCK-' || lpad((100 + n)::text, 4, '0'),
       'user' || n || '@example.com',
       101 + n % 5,
       (ARRAY['Playback stutters on mobile', 'Update my billing address', 'How do I add a profile?',
              'Download limit reached', 'Password reset e-mail never arrives'])[1 + n % 5],
       (ARRAY['open', 'closed', 'pending'])[1 + n % 3],
       timestamptz '2025-01-05 10:00:00+00' + n * interval '8 days 7 hours',
       CASE WHEN n % 3 = 0 THEN NULL ELSE timestamptz '2025-01-06 10:00:00+00' + n * interval '8 days 7 hours' END
FROM generate_series(11, 36) AS n
WHERE n % 3 = 0 OR n % 5 = 0
ORDER BY n;

-- Tags. Several tickets carry two or three tags: a composite key the original could not load.
INSERT INTO "ticket_tag_link" ("ticket_id", "tag_id") VALUES
  ('TCK-0001', 1), ('TCK-0001', 2),
  ('TCK-0002', 1), ('TCK-0002', 2), ('TCK-0002', 7),
  ('TCK-0003', 3),
  ('TCK-0004', 5), ('TCK-0004', 4),
  ('TCK-0005', 4),
  ('TCK-0006', 2), ('TCK-0006', 8),
  ('TCK-0007', 1),
  ('TCK-0008', 2), ('TCK-0008', 1),
  ('TCK-0009', 2),
  ('TCK-0010', 1), ('TCK-0010', 7),
  ('TCK-0011', 8),
  ('TCK-0012', 2),
  ('TCK-0014', 2), ('TCK-0014', 1),
  ('TCK-0015', 1);

INSERT INTO "ticket_tag_link" ("ticket_id", "tag_id")
SELECT ticket_id,
       CASE subject
         WHEN 'Playback stutters on mobile' THEN 2
         WHEN 'Update my billing address' THEN 3
         WHEN 'Download limit reached' THEN 1
         ELSE 4
       END
FROM "tickets"
WHERE ticket_id >= 'TCK-0100'
ORDER BY ticket_id;
