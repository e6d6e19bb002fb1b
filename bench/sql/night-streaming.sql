-- Night :night in streaming_db (each night touches other rows): about 0.5% of play events
-- deleted, 0.5% moved to another title, and 0.5% new ones (ids above the existing ones).
DELETE FROM play_events WHERE event_id % 200 = 5 + 2 * :night;
UPDATE play_events SET media_id = 'M-' || (1 + (event_id + 1) % :media) WHERE event_id % 200 = 9 + 2 * :night;
INSERT INTO play_events ("event_id", "session_id", "account_id_from_token", "media_id", "event_timestamp", "action",
                         "ip_address", "device_fingerprint")
SELECT :events * :night + n, 'sess-new-' || :night || '-' || n, md5('bench-account-' || (1 + n % :accounts))::uuid, 'M-' || (1 + n % :media),
       timestamptz '2026-11-30 00:00:00+00' + n * interval '1 second', 'play', '10.9.9.9', 'dev-new'
FROM generate_series(1, :events / 200) n;
UPDATE media_content SET genre = 'Documentary' WHERE abs(hashtext(media_id)) % 100 = 4 + :night;
