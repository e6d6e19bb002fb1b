-- streaming_db: media and play events (the original's schema). play_events.account_id_from_token
-- points into profiles_db, so it has no foreign key.
CREATE TABLE "media_content" (
  "media_id"         varchar(50) PRIMARY KEY,
  "title"            varchar(255) NOT NULL,
  "media_type"       varchar(20) NOT NULL,
  "genre"            varchar(50) NULL,
  "release_date"     date NULL,
  "duration_minutes" int NULL
);

CREATE TABLE "play_events" (
  "event_id"             bigserial PRIMARY KEY,
  "session_id"           varchar(100) NOT NULL,
  "account_id_from_token" uuid NOT NULL,
  "media_id"             varchar(50) REFERENCES "media_content" ("media_id"),
  "event_timestamp"      timestamptz NOT NULL DEFAULT now(),
  "action"               varchar(20) NOT NULL,
  "ip_address"           inet NOT NULL,
  "device_fingerprint"   varchar(100) NOT NULL
);
