-- Schema 2: the live feed. Alarm acknowledgements, and indexes for the feed's filters and search
-- and for matching the partial UIDs that keyboard-wedge readers type (Wiegand-26, cascade tag).
CREATE TABLE alarm_ack (
    event_id INTEGER NOT NULL PRIMARY KEY REFERENCES access_event (id),
    guard_id INTEGER REFERENCES guard (id),
    guard_name TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ix_access_event_decision ON access_event (decision, id);
CREATE INDEX ix_access_event_person ON access_event (person_id, id);
CREATE INDEX ix_access_event_card ON access_event (card_id, id);
CREATE INDEX ix_card_uid_first3 ON card (substr(uid, 1, 6));
CREATE INDEX ix_card_uid_last3 ON card (substr(uid, -6));
