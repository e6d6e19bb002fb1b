-- Night :night of change in profiles_db (each night touches other rows), about 1% of each
-- table: accounts leave (with their cards and subscriptions) and join, names change or become
-- NULL, cards move to another account.
WITH leaving AS (SELECT account_id FROM accounts WHERE abs(hashtext(account_id::text)) % 400 = :night - 1),
  s AS (DELETE FROM subscriptions WHERE account_id IN (SELECT account_id FROM leaving)),
  p AS (DELETE FROM payment_methods WHERE account_id IN (SELECT account_id FROM leaving))
DELETE FROM accounts WHERE account_id IN (SELECT account_id FROM leaving);
INSERT INTO accounts (account_id, email, hashed_password, full_name, created_at)
SELECT md5('bench-joiner-' || :night || '-' || n)::uuid, 'joiner' || :night || '-' || n || '@bench.example', 'x', 'Joiner ' || n,
       timestamptz '2026-11-30 00:00:00+00'
FROM generate_series(1, greatest(1, :accounts / 400)) n;
UPDATE accounts SET full_name = full_name || ' (renamed)' WHERE abs(hashtext(email)) % 300 = 2 * :night - 1;
UPDATE accounts SET full_name = NULL WHERE abs(hashtext(email)) % 300 = 2 * :night;
UPDATE payment_methods SET account_id = (SELECT account_id FROM accounts ORDER BY account_id OFFSET :night LIMIT 1)
WHERE abs(hashtext(payment_method_id::text)) % 100 = 5 * :night - 2
  -- One card per fingerprint moves: two with one fingerprint cannot both join the account.
  AND payment_method_id::text IN (SELECT min(payment_method_id::text) FROM payment_methods GROUP BY card_fingerprint)
  AND NOT EXISTS (SELECT 1 FROM payment_methods q
                  WHERE q.account_id = (SELECT account_id FROM accounts ORDER BY account_id OFFSET :night LIMIT 1)
                    AND q.card_fingerprint = payment_methods.card_fingerprint);
UPDATE subscriptions SET plan_id = 1 + plan_id % 5 WHERE abs(hashtext(subscription_id::text)) % 100 = 5 * :night - 1;
