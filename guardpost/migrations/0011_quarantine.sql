-- Schema 11: the quarantine ledger of the closed level: households under home quarantine and
-- their temperatures twice a day.
-- A household: a unit under home quarantine from starts_on to ends_on (both days included), put on
-- the ledger by a squad leader or a supervisor (guardpost.quarantine); ended_at when it was ended
-- before its last day, by whom.
CREATE TABLE quarantine_household (
    id INTEGER NOT NULL PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES unit (id),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL CHECK (ends_on >= starts_on),
    note TEXT,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    ended_at TEXT,
    ended_by TEXT
);
CREATE INDEX ix_quarantine_household_unit ON quarantine_household (unit_id);
CREATE INDEX ix_quarantine_household_current ON quarantine_household (ends_on) WHERE ended_at IS NULL;
-- The people under quarantine in it: a resident of the unit (person_id, with their name as it was
-- then), or a name typed for someone the person table does not have (person_id empty).
CREATE TABLE quarantine_member (
    id INTEGER NOT NULL PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES quarantine_household (id),
    person_id INTEGER REFERENCES person (id),
    name TEXT NOT NULL CHECK (length(name) > 0)
);
CREATE INDEX ix_quarantine_member_household ON quarantine_member (household_id);
-- Each reading is a temperature_reading (a fever there rings in the booth's banner like a fever at
-- the gate, and stays an open case until a handover); this row says whose it was and which of the
-- day's two readings it counts as.
CREATE TABLE quarantine_reading (
    reading_id INTEGER NOT NULL PRIMARY KEY REFERENCES temperature_reading (id),
    member_id INTEGER NOT NULL REFERENCES quarantine_member (id),
    day TEXT NOT NULL,
    slot TEXT NOT NULL CHECK (slot IN ('morning', 'afternoon'))
);
CREATE INDEX ix_quarantine_reading_day ON quarantine_reading (day, member_id);
