-- Which control-schema migrations have been applied. Created before anything else by `c360 init`.
CREATE TABLE IF NOT EXISTS "c360_schema_migrations" (
  "version"    int PRIMARY KEY,
  "name"       text NOT NULL,
  "sha256"     char(64) NOT NULL,
  "applied_at" timestamptz NOT NULL DEFAULT now()
);
