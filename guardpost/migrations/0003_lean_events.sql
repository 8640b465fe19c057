-- Schema 3: what the reader sent, kept beside the UID (a wedge's digits, a bad read), and a lean
-- event table: an allowed swipe now writes its row and nothing else (it updated five B-trees).
-- The filters read one partial index over the refused and alarm rows; manual admissions (no card)
-- have their own partial index by person; time ranges are found through the row id, which grows
-- with time (guardpost.events.first_id_since). A card's events are found through event_card,
-- which the booth's writer fills in batches while it is idle (guardpost.events.index_cards); the
-- few newest events not in it yet are read from the end of the table.
ALTER TABLE access_event ADD COLUMN as_read TEXT;
ALTER TABLE access_event ADD COLUMN detail TEXT;
-- derived from access_event (an index kept by hand), so no foreign keys: checking two of them for
-- each of five million rows would make this migration ten times slower for nothing
CREATE TABLE event_card (
    card_id INTEGER NOT NULL,
    event_id INTEGER NOT NULL,
    PRIMARY KEY (card_id, event_id)
) WITHOUT ROWID;
CREATE TABLE event_card_upto (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    event_id INTEGER NOT NULL
);
-- filled from the old card index, read in its own order: every entry lands at the end of the new
-- B-tree (five million in about two seconds; a plain SELECT would sort them first, ten times slower)
INSERT INTO event_card SELECT card_id, id FROM access_event INDEXED BY ix_access_event_card
    WHERE card_id IS NOT NULL;
INSERT INTO event_card_upto (id, event_id) SELECT 1, coalesce(max(id), 0) FROM access_event;
DROP INDEX ix_access_event_at;
DROP INDEX ix_access_event_decision;
DROP INDEX ix_access_event_person;
DROP INDEX ix_access_event_card;
CREATE INDEX ix_event_refused ON access_event (id) WHERE decision <> 'allow';
CREATE INDEX ix_event_manual ON access_event (person_id, id) WHERE card_id IS NULL AND person_id IS NOT NULL;
