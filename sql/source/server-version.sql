-- The source server's version, as a number (150004 for 15.4): row hashes need 14 or later.
SELECT current_setting('server_version_num')::int AS version,
       current_setting('server_version') AS name;
