-- profiles_db: accounts, plans, payment methods, subscriptions (the original's schema).
CREATE TABLE "accounts" (
  "account_id"      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "email"           varchar(255) NOT NULL UNIQUE,
  "hashed_password" text NOT NULL,
  "full_name"       varchar(100) NULL,
  "created_at"      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE "plans" (
  "plan_id"     serial PRIMARY KEY,
  "plan_name"   varchar(50) NOT NULL UNIQUE,
  "monthly_fee" numeric(5, 2) NOT NULL,
  "max_devices" int NOT NULL
);

CREATE TABLE "payment_methods" (
  "payment_method_id" uuid PRIMARY KEY,
  "account_id"        uuid NOT NULL REFERENCES "accounts" ("account_id"),
  "card_fingerprint"  varchar(100) NOT NULL,
  "card_type"         varchar(20) NULL,
  "card_last_four"    varchar(4) NOT NULL,
  UNIQUE ("account_id", "card_fingerprint")
);

CREATE TABLE "subscriptions" (
  "subscription_id" uuid PRIMARY KEY,
  "account_id"      uuid REFERENCES "accounts" ("account_id"),
  "plan_id"         int REFERENCES "plans" ("plan_id"),
  "status"          varchar(20) NOT NULL,
  "starts_at"       timestamptz NOT NULL,
  "renews_at"       timestamptz NULL
);
