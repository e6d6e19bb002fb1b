-- support_db: the legacy support desk (the original's schema). tickets.customer_email matches
-- accounts.email in profiles_db by convention only.
CREATE TABLE "ticket_tags" (
  "tag_id"   serial PRIMARY KEY,
  "tag_name" varchar(50) NOT NULL UNIQUE
);

CREATE TABLE "tickets" (
  "ticket_id"       varchar(20) PRIMARY KEY,
  "customer_email"  varchar(255) NOT NULL,
  "agent_id"        int NOT NULL,
  "subject"         text NOT NULL,
  "status"          varchar(20) NOT NULL,
  "created_at"      timestamptz NOT NULL DEFAULT now(),
  "last_updated_at" timestamptz NULL
);

CREATE TABLE "ticket_tag_link" (
  "ticket_id" varchar(20) REFERENCES "tickets" ("ticket_id"),
  "tag_id"    int REFERENCES "ticket_tags" ("tag_id"),
  PRIMARY KEY ("ticket_id", "tag_id")
);
