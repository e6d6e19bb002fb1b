-- Synthetic streaming_db at bench scale: :events play events over :media titles and :accounts accounts.
TRUNCATE "play_events", "media_content" CASCADE;
INSERT INTO "media_content" ("media_id", "title", "media_type", "genre", "release_date", "duration_minutes")
SELECT 'M-' || n, 'Title ' || n, 'movie', (ARRAY['Drama', 'Comedy', 'Sci-Fi', 'Kids'])[1 + n % 4],
       date '2000-01-01' + n % 9000, 60 + n % 90
FROM generate_series(1, :media) n;
INSERT INTO "play_events" ("event_id", "session_id", "account_id_from_token", "media_id", "event_timestamp", "action",
                           "ip_address", "device_fingerprint")
SELECT n, 'sess-' || n / 4, md5('bench-account-' || (1 + n % :accounts))::uuid, 'M-' || (1 + n % :media),
       timestamptz '2025-01-01 00:00:00+00' + (n % 26000000) * interval '1 second',
       CASE WHEN n % 2 = 0 THEN 'play' ELSE 'stop' END,
       ('10.' || (n % 250) || '.' || (n / 250 % 250) || '.' || (1 + n % 200))::inet, 'dev-' || n % (:accounts * 2)
FROM generate_series(1, :events) n;
