-- Schema 4: people at the gate (visitors, couriers, workers ...), the host's consent, the block
-- list, temperatures, the compound's secrets and a pinyin index of residents. The visit table of
-- schema 1 was a placeholder nothing wrote; it is made again with what a visit now holds (only
-- what its category needs: most columns stay empty for most visits).
CREATE TABLE compound_secret (
    name TEXT NOT NULL PRIMARY KEY,
    value BLOB NOT NULL CHECK (length(value) >= 16)
);
DROP TABLE visit;
CREATE TABLE visit (
    id INTEGER NOT NULL PRIMARY KEY,
    category TEXT NOT NULL CHECK (category IN ('relative', 'courier', 'food_delivery', 'worker', 'moving',
        'salesperson', 'staff', 'official', 'tour')),
    status TEXT NOT NULL CHECK (status IN ('expected', 'inside', 'left', 'refused')),
    reason TEXT NOT NULL,
    name TEXT,
    phone TEXT,
    id_last4 TEXT CHECK (id_last4 IS NULL OR length(id_last4) = 4),
    id_hash TEXT,
    company TEXT,
    plate TEXT,
    note TEXT,
    host_unit_id INTEGER REFERENCES unit (id),
    gate_id TEXT NOT NULL REFERENCES gate (id),
    guard_id INTEGER REFERENCES guard (id),
    created_at TEXT NOT NULL,
    valid_from TEXT,
    valid_until TEXT,
    entered_at TEXT,
    expected_leave_at TEXT,
    left_at TEXT,
    left_gate_id TEXT REFERENCES gate (id),
    auto_signed_out BOOLEAN NOT NULL DEFAULT 0,
    revoked_at TEXT,
    revoked_by TEXT
);
CREATE INDEX ix_visit_inside ON visit (entered_at) WHERE status = 'inside';
CREATE INDEX ix_visit_expected ON visit (valid_from) WHERE status = 'expected';
CREATE INDEX ix_visit_phone ON visit (phone, id) WHERE phone IS NOT NULL;
CREATE INDEX ix_visit_created ON visit (created_at);
-- each step of asking the host: who was asked, how, what they said, when
CREATE TABLE consent (
    id INTEGER NOT NULL PRIMARY KEY,
    visit_id INTEGER NOT NULL REFERENCES visit (id),
    channel TEXT CHECK (channel IS NULL OR channel IN ('front_desk', 'intercom', 'phone', 'pre_registered',
        'letter', 'badge')),
    outcome TEXT NOT NULL CHECK (outcome IN ('given', 'refused', 'no_answer', 'override', 'not_needed')),
    by_whom TEXT,
    reason TEXT,
    at TEXT NOT NULL,
    guard_id INTEGER REFERENCES guard (id)
);
CREATE INDEX ix_consent_visit ON consent (visit_id);
CREATE TABLE blocklist (
    id INTEGER NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'phone', 'plate')),
    value TEXT NOT NULL,
    id_last4 TEXT CHECK (id_last4 IS NULL OR length(id_last4) = 4),
    reason TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    removed_at TEXT,
    removed_by TEXT
);
CREATE INDEX ix_blocklist_value ON blocklist (kind, value) WHERE removed_at IS NULL;
-- a hit on the block list, a fever: an alarm like a lost card's, acknowledged at the booth
CREATE TABLE visit_alarm (
    id INTEGER NOT NULL PRIMARY KEY,
    visit_id INTEGER NOT NULL REFERENCES visit (id),
    reason TEXT NOT NULL,
    at TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by INTEGER REFERENCES guard (id)
);
DROP TABLE temperature_reading;
CREATE TABLE temperature_reading (
    id INTEGER NOT NULL PRIMARY KEY,
    at TEXT NOT NULL,
    celsius REAL NOT NULL CHECK (celsius BETWEEN 34 AND 43),
    fever BOOLEAN NOT NULL,
    mask BOOLEAN,
    person_id INTEGER REFERENCES person (id),
    event_id INTEGER REFERENCES access_event (id),
    visit_id INTEGER REFERENCES visit (id),
    gate_id TEXT NOT NULL REFERENCES gate (id),
    guard_id INTEGER REFERENCES guard (id),
    escalation_closed_at TEXT
);
CREATE INDEX ix_temperature_fever ON temperature_reading (at) WHERE fever AND escalation_closed_at IS NULL;
-- pinyin of every resident's name, every reading of each character (单 dan/shan, 曾 zeng/ceng):
-- initials ("zsf") and full ("zhangsanfeng"); filled by guardpost.people_index at import
-- (the key's columns first: SQLite 3.40's integrity_check misreads a WITHOUT ROWID table otherwise)
CREATE TABLE person_pinyin (
    person_id INTEGER NOT NULL REFERENCES person (id),
    full TEXT NOT NULL,
    initials TEXT NOT NULL,
    PRIMARY KEY (person_id, full)
) WITHOUT ROWID;
CREATE INDEX ix_person_pinyin_initials ON person_pinyin (initials);
CREATE INDEX ix_person_pinyin_full ON person_pinyin (full);
