/**
 * The type matrix: one table with a column of every PostgreSQL type c360 maps, and rows at the
 * edges of each (NULLs, infinities, NaN, -0, BC dates, empty and nested arrays, hostile text).
 */
export const typeMatrixSchema = `
CREATE TYPE mood AS ENUM ('happy', 'it''s complicated');
CREATE DOMAIN positive_int AS int CHECK (VALUE > 0);
CREATE TABLE typed (
  id bigint PRIMARY KEY,
  c_smallint smallint, c_int integer, c_bigint bigint, c_numeric numeric(30, 10),
  c_real real, c_double double precision, c_bool boolean,
  c_text text, c_varchar varchar(10), c_char char(5), c_enum mood, c_uuid uuid,
  c_inet inet, c_cidr cidr, c_macaddr macaddr,
  c_date date, c_timestamptz timestamptz, c_timestamp timestamp, c_time time, c_timetz timetz,
  c_interval interval, c_json json, c_jsonb jsonb, c_bytea bytea,
  c_int_array bigint[], c_text_array text[], c_nested int[], c_date_array date[], c_domain positive_int
);
INSERT INTO typed VALUES
  (1, -32768, 2147483647, 9007199254740993, 12345.6789, 1.5, 0.1, true,
   E'multi\\nline; // \\'quoted\\'', 'short', 'ab', 'it''s complicated', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
   '192.168.0.1', '10.0.0.0/8', '08:00:2b:01:02:03',
   '2025-01-02', '2025-01-02 03:04:05.123456+05:30', '2025-01-02 03:04:05.5', '13:14:15.25', '13:14:15+05:30',
   '1 year 2 months 3 days 04:05:06.5', '{"a": [1, "x"]}', '{"b": null}', '\\x0102ff',
   '{1, NULL, 9223372036854775807}', '{"a\\"b", NULL, "c,d"}', '{{1,2},{3,4}}', '{2025-01-01, infinity}', 7),
  (2, 0, 0, -9223372036854775808, 'NaN', 'Infinity', 'NaN', false,
   '', '', '', 'happy', '00000000-0000-0000-0000-000000000000',
   '::1', '2001:db8::/32', 'ff:ff:ff:ff:ff:ff',
   'infinity', '-infinity', 'infinity', '24:00:00', '00:00:00-12',
   '-1 day -00:00:00.000001', '[]', '[]', '\\x',
   '{}', '{}', '{}', '{}', 1),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL),
  (4, 1, 1, 1, '1e-5', '-Infinity', '-0', true,
   'x', 'x', 'x', 'happy', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12',
   '10.1.2.3', '10.1.0.0/16', '01:02:03:04:05:06',
   '0044-03-15 BC', '0044-03-15 12:00:00+00 BC', '1999-12-31 23:59:59.999999', '00:00:00', '23:59:59.999999+14',
   'P0D', 'null', '"just a string"', '\\x00',
   '{-1}', '{"🎬"}', '{5}', '{-infinity}', 2147483647);
`;
