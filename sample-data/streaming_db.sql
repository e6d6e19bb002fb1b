-- Sample data for streaming_db. Account ids are md5('c360-sample-account-' || n)::uuid, the same
-- formula as in profiles_db.

CREATE FUNCTION pg_temp.sample_hash(seed text) RETURNS int
  LANGUAGE sql IMMUTABLE AS $$ SELECT ('x' || lpad(substr(md5(seed), 1, 7), 8, '0'))::bit(32)::int $$;

INSERT INTO "media_content" ("media_id", "title", "media_type", "genre", "release_date", "duration_minutes") VALUES
  ('MOV-001', 'Ocean''s Eleven', 'movie', 'Heist', '2001-12-07', 116),
  ('MOV-002', 'The "Quoted" Story', 'movie', 'Drama', '2019-03-15', 101),
  ('MOV-003', 'Amélie', 'movie', 'Romance', '2001-04-25', 122),
  ('MOV-004', 'Crouching Tiger; Hidden Dragon', 'movie', 'Action', '2000-07-06', 120),
  ('MOV-005', '// Not A Comment', 'movie', 'Comedy', '2022-10-01', 95),
  ('MOV-006', '千と千尋の神隠し', 'movie', 'Animation', '2001-07-20', 125),
  ('MOV-007', 'Back\slash: The Path', 'movie', 'Thriller', '2018-05-11', 99),
  ('MOV-008', 'Night /* Shift */', 'movie', 'Horror', '2016-10-28', 88),
  ('MOV-009', 'Untitled Director''s Cut', 'movie', NULL, NULL, NULL),
  ('MOV-010', 'Mad Max: Fury Road', 'movie', 'Action', '2015-05-15', 120),
  ('SER-001', 'Stranger Things S01E01', 'episode', 'Sci-Fi', '2016-07-15', 47),
  ('SER-002', 'Stranger Things S01E02', 'episode', 'Sci-Fi', '2016-07-15', 55),
  ('SER-003', 'The Office: "Pilot"', 'episode', 'Comedy', '2005-03-24', 23),
  ('SER-004', 'Dark S01E01', 'episode', 'Sci-Fi', '2017-12-01', 51),
  ('SER-005', 'Planet Earth II: Islands', 'episode', 'Documentary', '2016-11-06', 58),
  ('SER-006', 'Breaking Bad: Pilot', 'episode', 'Drama', '2008-01-20', 58),
  ('SER-007', 'La Casa de Papel E01', 'episode', 'Heist', '2017-05-02', 47),
  ('SER-008', 'Chef''s Table: Massimo', 'episode', 'Documentary', '2015-04-26', 50),
  ('DOC-001', 'Free Solo', 'documentary', 'Documentary', '2018-09-28', 100),
  ('DOC-002', 'My Octopus Teacher', 'documentary', 'Documentary', '2020-09-07', 85),
  ('KID-001', 'Bluey: Keepy Uppy', 'episode', 'Kids', '2018-10-01', 7),
  ('KID-002', 'Paw Patrol: "Pups" Save', 'episode', 'Kids', '2013-08-12', 22),
  ('LIV-001', 'Live: Championship Final', 'live', 'Sports', '2025-06-10', NULL),
  ('LIV-002', 'Live: Election Night', 'live', 'News', NULL, NULL),
  ('MOV-011', 'Everything Everywhere All at Once', 'movie', 'Sci-Fi', '2022-03-25', 139),
  ('MOV-012', 'Parasite (기생충)', 'movie', 'Thriller', '2019-05-30', 132),
  ('MOV-013', 'The Grand Budapest Hotel', 'movie', 'Comedy', '2014-03-28', 99),
  ('MOV-014', 'Coco', 'movie', 'Animation', '2017-11-22', 105),
  ('MOV-015', 'Heat', 'movie', 'Heist', '1995-12-15', 170),
  ('MOV-016', 'Arrival', 'movie', 'Sci-Fi', '2016-11-11', 116);

-- How many events each account produced, and over which window:
--   1-10  power users: 140-260 events, 2025-06-01 .. 2025-11-02 (active in the last 30 days)
--   11-15 regular:     11-20 events, same window
--   16-20 regular:     11-20 events, but none after 2025-09-15 (no recent activity)
--   21-25 casual:      1-4 events, all in 2025-10-10 .. 2025-11-02 (low recent engagement)
--   26-30 casual:      5-10 events, 2025-03-01 .. 2025-08-01
--   31-40 no events at all.
-- Even-numbered accounts use the 'play'/'stop' producer, odd ones 'START'/'FINISH'.
CREATE TEMPORARY TABLE sample_activity AS
SELECT n,
       CASE
         WHEN n <= 10 THEN 140 + pg_temp.sample_hash('count-' || n) % 121
         WHEN n <= 20 THEN 11 + pg_temp.sample_hash('count-' || n) % 10
         WHEN n <= 25 THEN 1 + pg_temp.sample_hash('count-' || n) % 4
         ELSE 5 + pg_temp.sample_hash('count-' || n) % 6
       END AS events,
       CASE
         WHEN n <= 15 THEN timestamptz '2025-06-01 00:00:00+00'
         WHEN n <= 20 THEN timestamptz '2025-06-01 00:00:00+00'
         WHEN n <= 25 THEN timestamptz '2025-10-10 00:00:00+00'
         ELSE timestamptz '2025-03-01 00:00:00+00'
       END AS window_start,
       CASE
         WHEN n <= 15 THEN timestamptz '2025-11-02 23:59:59+00'
         WHEN n <= 20 THEN timestamptz '2025-09-15 00:00:00+00'
         WHEN n <= 25 THEN timestamptz '2025-11-02 23:59:59+00'
         ELSE timestamptz '2025-08-01 00:00:00+00'
       END AS window_end
FROM generate_series(1, 30) AS n;

-- Devices shared by several accounts (a living-room TV, a hotel TV), and an IP shared by a
-- household; everyone else streams from their own device and address.
INSERT INTO "play_events" ("session_id", "account_id_from_token", "media_id", "event_timestamp", "action",
                           "ip_address", "device_fingerprint")
SELECT 'sess-' || a.n || '-' || (i + 1) / 2,
       md5('c360-sample-account-' || a.n)::uuid,
       -- Each account watches its own six titles (a slice of the catalogue), so that the most
       -- active streamers (query 9) differ in their genres.
       (SELECT media_id FROM "media_content" ORDER BY media_id
        OFFSET (a.n * 7 + pg_temp.sample_hash('media-' || a.n || '-' || (i + 1) / 2) % 6) % 30 LIMIT 1),
       -- The day falls in the account's window; the hour is spread so that the heatmap (query 10)
       -- has every level: one event at 02h (Low), 2-3 at 03h-04h (Medium), 4-5 at 05h-06h
       -- (High), the rest over the other hours (Peak).
       date_trunc('day', a.window_start
         + (pg_temp.sample_hash('time-' || a.n || '-' || i)
            % GREATEST(1, extract(epoch FROM a.window_end - a.window_start)::int)) * interval '1 second', 'UTC')
         + CASE
             WHEN row_number() OVER (ORDER BY a.n, i) = 1 THEN 2
             WHEN row_number() OVER (ORDER BY a.n, i) <= 3 THEN 3
             WHEN row_number() OVER (ORDER BY a.n, i) <= 6 THEN 4
             WHEN row_number() OVER (ORDER BY a.n, i) <= 10 THEN 5
             WHEN row_number() OVER (ORDER BY a.n, i) <= 15 THEN 6
             ELSE (ARRAY[0, 1, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23])
                    [1 + pg_temp.sample_hash('hour-' || a.n || '-' || i) % 19]
           END * interval '1 hour'
         + pg_temp.sample_hash('second-' || a.n || '-' || i) % 3600 * interval '1 second',
       CASE
         WHEN a.n % 2 = 0 AND i % 2 = 1 THEN 'play'
         WHEN a.n % 2 = 0 THEN 'stop'
         WHEN i % 2 = 1 THEN 'START'
         ELSE 'FINISH'
       END,
       CASE
         WHEN a.n IN (1, 2, 3) THEN inet '203.0.113.10'
         WHEN a.n IN (6, 8, 15) AND i % 3 = 0 THEN inet '198.51.100.66'
         ELSE ('10.' || a.n || '.' || (i % 4) || '.' || (1 + a.n % 250))::inet
       END,
       CASE
         WHEN a.n IN (1, 2, 3) AND i % 2 = 0 THEN 'dev-shared-livingroom-tv'
         WHEN a.n IN (4, 5, 6, 7, 8) AND i % 5 = 0 THEN 'dev-shared-hotel-tv'
         ELSE 'dev-' || substr(md5('device-' || a.n || '-' || i % 2), 1, 12)
       END
FROM sample_activity AS a
CROSS JOIN LATERAL generate_series(1, a.events) AS i
ORDER BY a.n, i;

-- A few events whose token names no account in profiles_db (a deleted account): they become
-- PlayEvent nodes without a WATCHED relationship.
INSERT INTO "play_events" ("session_id", "account_id_from_token", "media_id", "event_timestamp", "action",
                           "ip_address", "device_fingerprint")
SELECT 'sess-orphan-' || i,
       md5('c360-sample-deleted-account')::uuid,
       'MOV-010',
       timestamptz '2025-10-01 12:00:00+00' + i * interval '1 hour',
       CASE WHEN i % 2 = 1 THEN 'play' ELSE 'stop' END,
       ('2001:db8::' || i)::inet,
       'dev-unknown'
FROM generate_series(1, 5) AS i;
