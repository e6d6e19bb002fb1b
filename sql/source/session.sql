-- Pins down the text format of every value c360 reads, whatever the server's defaults:
-- src/cypher/encode.ts parses exactly these formats.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'iso_8601';
SET extra_float_digits = 1;
SET bytea_output = 'hex';
SET search_path = public;
