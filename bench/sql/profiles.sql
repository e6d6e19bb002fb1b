-- Synthetic profiles_db at bench scale. :accounts is replaced by a validated integer.
TRUNCATE "subscriptions", "payment_methods", "accounts", "plans" CASCADE;
INSERT INTO "plans" ("plan_id", "plan_name", "monthly_fee", "max_devices")
SELECT n, 'Plan ' || n, 4.99 + n * 3, 1 + n % 6 FROM generate_series(1, 5) n;
INSERT INTO "accounts" ("account_id", "email", "hashed_password", "full_name", "created_at")
SELECT md5('bench-account-' || n)::uuid, 'user' || n || '@bench.example', md5('pw' || n), 'Bench User ' || n,
       timestamptz '2022-01-01 00:00:00+00' + (n % 1000) * interval '1 day'
FROM generate_series(1, :accounts) n;
INSERT INTO "payment_methods" ("payment_method_id", "account_id", "card_fingerprint", "card_type", "card_last_four")
SELECT md5('bench-pm-' || n || '-' || k)::uuid, md5('bench-account-' || n)::uuid,
       'fp-' || (n * 7 + k) % (:accounts), 'Visa', lpad(((n * 13 + k) % 10000)::text, 4, '0')
FROM generate_series(1, :accounts) n CROSS JOIN generate_series(1, 1 + (n % 5 = 0)::int) k;
INSERT INTO "subscriptions" ("subscription_id", "account_id", "plan_id", "status", "starts_at", "renews_at")
SELECT md5('bench-sub-' || n)::uuid, md5('bench-account-' || n)::uuid, 1 + n % 5,
       CASE WHEN n % 2 = 0 THEN 'active' ELSE 'Active' END,
       timestamptz '2023-01-01 00:00:00+00', timestamptz '2026-01-01 00:00:00+00'
FROM generate_series(1, :accounts) n WHERE n % 10 <> 0;
