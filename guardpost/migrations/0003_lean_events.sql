-- Schema 3: what the reader sent, kept beside the UID (a wedge's digits, a bad read), and a leaner
-- event table. An allowed swipe now updates two B-trees (the row and the card index) instead of
-- five: the filters read one partial index over the refused and alarm rows, manual admissions (no
-- card) have their own partial index by person, and time ranges are found through the row id,
-- which grows with time (guardpost.events.first_id_since).
ALTER TABLE access_event ADD COLUMN as_read TEXT;
ALTER TABLE access_event ADD COLUMN detail TEXT;
DROP INDEX ix_access_event_at;
DROP INDEX ix_access_event_decision;
DROP INDEX ix_access_event_person;
DROP INDEX ix_access_event_card;
CREATE INDEX ix_event_card ON access_event (card_id, id) WHERE card_id IS NOT NULL;
CREATE INDEX ix_event_refused ON access_event (id) WHERE decision <> 'allow';
CREATE INDEX ix_event_manual ON access_event (person_id, id) WHERE card_id IS NULL AND person_id IS NOT NULL;
