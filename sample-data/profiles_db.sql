-- Sample data for profiles_db. Deterministic: ids and times are derived from row numbers, so
-- every load gives the same rows (and c360 the same script). The account ids are recomputed
-- the same way in streaming_db, which is how play events point at accounts across databases.

-- A stable pseudo-random integer in [0, 2^28) from a text seed.
CREATE FUNCTION pg_temp.sample_hash(seed text) RETURNS int
  LANGUAGE sql IMMUTABLE AS $$ SELECT ('x' || lpad(substr(md5(seed), 1, 7), 8, '0'))::bit(32)::int $$;

INSERT INTO "plans" ("plan_id", "plan_name", "monthly_fee", "max_devices") VALUES
  (1, 'Basic', 8.99, 1),
  (2, 'Standard', 13.99, 2),
  (3, 'Premium', 17.99, 4),
  (4, 'Family "Plus"', 22.50, 6),
  (5, 'Student''s Lite', 4.99, 1);
SELECT setval(pg_get_serial_sequence('"plans"', 'plan_id'), 5);

-- Accounts 1-10 are hand-picked characters; 11-40 are ordinary users.
-- Activity tiers (see streaming_db.sql): 1-10 power users, 11-20 regular, 21-30 casual, 31-40 none.
CREATE TEMPORARY TABLE sample_people (n int PRIMARY KEY, email text, full_name text);
INSERT INTO sample_people VALUES
  (1, 'john.smith@email.com', 'John Smith'),
  (2, 'maria.garcia@email.com', 'María García'),
  (3, 'sean.obrien@email.com', 'Seán O''Brien'),
  (4, 'zoe.muller@email.com', 'Zoë "Zee" Müller'),
  (5, 'li.wei@email.com', '李伟'),
  (6, 'hacked.account@email.com', 'Compromised ''Account'' \ (reported)'),
  (7, 'ana.lima@email.com', 'Ana 🎬 Lima'),
  (8, 'bobby.tables@email.com', 'Robert''); DROP TABLE accounts;--'),
  (9, 'anonymous@email.com', NULL),
  (10, 'aevar.thorsson@email.com', 'Ævar Þórsson');
INSERT INTO sample_people
SELECT n, 'user' || n || '@example.com', CASE WHEN n % 7 = 0 THEN NULL ELSE 'Sample User ' || n END
FROM generate_series(11, 40) AS n;

INSERT INTO "accounts" ("account_id", "email", "hashed_password", "full_name", "created_at")
SELECT md5('c360-sample-account-' || n)::uuid,
       email,
       '$2b$12$' || md5('secret-' || n) || md5('salt-' || n),
       full_name,
       timestamptz '2023-01-15 09:30:00+00' + n * interval '19 days 5 hours 17 minutes'
FROM sample_people
ORDER BY n;

-- Card fingerprints shared across accounts (the fraud query's payoff):
-- fp-shared-0001: the hacked account 6 with 8 and 15; fp-shared-0002: 1 and 30;
-- fp-shared-0003: 3, 7, 21 and 33. Everyone else has their own card.
INSERT INTO "payment_methods" ("payment_method_id", "account_id", "card_fingerprint", "card_type", "card_last_four")
SELECT md5('c360-sample-pm-' || n || '-1')::uuid,
       md5('c360-sample-account-' || n)::uuid,
       CASE
         WHEN n IN (6, 8, 15) THEN 'fp-shared-0001'
         WHEN n IN (1, 30) THEN 'fp-shared-0002'
         WHEN n IN (3, 7, 21, 33) THEN 'fp-shared-0003'
         ELSE 'fp-' || substr(md5('card-' || n), 1, 16)
       END,
       CASE WHEN n % 9 = 0 THEN NULL ELSE (ARRAY['Visa', 'Mastercard', 'Amex', 'Discover'])[1 + n % 4] END,
       lpad((pg_temp.sample_hash('last4-' || n) % 10000)::text, 4, '0')
FROM generate_series(1, 40) AS n
ORDER BY n;

-- A second card for every fifth account.
INSERT INTO "payment_methods" ("payment_method_id", "account_id", "card_fingerprint", "card_type", "card_last_four")
SELECT md5('c360-sample-pm-' || n || '-2')::uuid,
       md5('c360-sample-account-' || n)::uuid,
       'fp-' || substr(md5('second-card-' || n), 1, 16),
       'Visa',
       lpad((pg_temp.sample_hash('second-last4-' || n) % 10000)::text, 4, '0')
FROM generate_series(5, 40, 5) AS n
ORDER BY n;

-- Subscriptions: accounts 1-36 have one; 37-40 never subscribed. Both spellings of active
-- are in use (two producers), plus cancelled and past_due ones.
INSERT INTO "subscriptions" ("subscription_id", "account_id", "plan_id", "status", "starts_at", "renews_at")
SELECT md5('c360-sample-sub-' || n)::uuid,
       md5('c360-sample-account-' || n)::uuid,
       1 + n % 5,
       CASE
         WHEN n IN (31, 32) THEN 'cancelled'
         WHEN n = 33 THEN 'past_due'
         WHEN n % 2 = 0 THEN 'active'
         ELSE 'Active'
       END,
       timestamptz '2023-02-01 00:00:00+00' + n * interval '19 days',
       CASE WHEN n IN (31, 32) THEN NULL ELSE timestamptz '2025-12-01 00:00:00+00' + n * interval '1 day' END
FROM generate_series(1, 36) AS n
ORDER BY n;
