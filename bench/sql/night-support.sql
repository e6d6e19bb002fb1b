-- Night :night in support_db (each night touches other rows): about 1% of tickets lose their tag
-- links, 1% move to another customer, and 1% get a new tag.
DELETE FROM ticket_tag_link WHERE abs(hashtext(ticket_id)) % 100 = 5 * :night + 1;
UPDATE tickets SET customer_email = 'user1@bench.example', status = 'moved' WHERE abs(hashtext(ticket_id)) % 100 = 5 * :night + 3;
INSERT INTO ticket_tag_link ("ticket_id", "tag_id")
SELECT t.ticket_id, 8 FROM tickets t
WHERE abs(hashtext(t.ticket_id)) % 100 = 5 * :night + 4
  AND NOT EXISTS (SELECT 1 FROM ticket_tag_link l WHERE l.ticket_id = t.ticket_id AND l.tag_id = 8);
