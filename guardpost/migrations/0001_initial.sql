-- Schema 1: the compound, its people and cards, and every register the booth keeps.
CREATE TABLE gate (
    id TEXT NOT NULL PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('pedestrian', 'vehicle', 'garage')),
    is_open BOOLEAN NOT NULL DEFAULT 1
);
CREATE TABLE unit (
    id INTEGER NOT NULL PRIMARY KEY,
    code TEXT NOT NULL,
    building INTEGER NOT NULL,
    entrance INTEGER NOT NULL,
    room TEXT NOT NULL
);
CREATE UNIQUE INDEX ix_unit_code ON unit (code);
CREATE TABLE person (
    id INTEGER NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'family', 'tenant', 'staff')),
    unit_id INTEGER REFERENCES unit (id),
    phone TEXT,
    id_last4 TEXT CHECK (id_last4 IS NULL OR length(id_last4) = 4),
    special_care TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_person_name ON person (name);
CREATE INDEX ix_person_unit_id ON person (unit_id);
CREATE TABLE card (
    id INTEGER NOT NULL PRIMARY KEY,
    uid TEXT NOT NULL CHECK (length(uid) BETWEEN 8 AND 20),
    kind TEXT NOT NULL CHECK (kind IN ('owner', 'parking_monthly', 'parking_temporary', 'staff')),
    status TEXT NOT NULL CHECK (status IN ('active', 'lost', 'expired', 'blacklisted')),
    valid_from TEXT,
    valid_until TEXT,
    person_id INTEGER REFERENCES person (id),
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ix_card_uid ON card (uid);
CREATE INDEX ix_card_person_id ON card (person_id);
CREATE TABLE vehicle (
    id INTEGER NOT NULL PRIMARY KEY,
    plate TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('owner', 'staff', 'delivery', 'moving', 'visitor', 'emergency')),
    person_id INTEGER REFERENCES person (id)
);
CREATE UNIQUE INDEX ix_vehicle_plate ON vehicle (plate);
CREATE INDEX ix_vehicle_person_id ON vehicle (person_id);
CREATE TABLE guard (
    id INTEGER NOT NULL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('guard', 'squad_leader', 'supervisor')),
    pin_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1
);
CREATE TABLE access_event (
    id INTEGER NOT NULL PRIMARY KEY,
    at TEXT NOT NULL,
    gate_id TEXT NOT NULL REFERENCES gate (id),
    lane TEXT NOT NULL CHECK (lane IN ('in', 'out')),
    uid TEXT,
    card_id INTEGER REFERENCES card (id),
    person_id INTEGER REFERENCES person (id),
    decision TEXT NOT NULL CHECK (decision IN ('allow', 'deny', 'alarm')),
    reason TEXT NOT NULL,
    source TEXT NOT NULL,
    guard_id INTEGER REFERENCES guard (id)
);
CREATE INDEX ix_access_event_at ON access_event (at);
-- Access events are evidence: once written they are never changed.
CREATE TRIGGER access_event_no_update BEFORE UPDATE ON access_event
BEGIN SELECT RAISE(ABORT, 'access events are append-only'); END;
CREATE TRIGGER access_event_no_delete BEFORE DELETE ON access_event
BEGIN SELECT RAISE(ABORT, 'access events are append-only'); END;
CREATE TABLE visit (
    id INTEGER NOT NULL PRIMARY KEY,
    category TEXT NOT NULL CHECK (category IN ('relative', 'courier', 'delivery_vehicle', 'moving_vehicle',
        'worker', 'salesperson', 'staff', 'tour', 'emergency', 'forgot_card')),
    name TEXT NOT NULL,
    phone TEXT,
    id_last4 TEXT CHECK (id_last4 IS NULL OR length(id_last4) = 4),
    host_unit_id INTEGER REFERENCES unit (id),
    consent_by TEXT,
    consent_via TEXT,
    plate TEXT,
    pass_no TEXT,
    gate_id TEXT NOT NULL REFERENCES gate (id),
    guard_id INTEGER REFERENCES guard (id),
    entered_at TEXT NOT NULL,
    expected_leave_at TEXT,
    left_at TEXT,
    note TEXT
);
CREATE TABLE renovation_permit (
    id INTEGER NOT NULL PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES unit (id),
    company TEXT NOT NULL,
    area TEXT,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    issued_by TEXT
);
CREATE TABLE worker_pass (
    id INTEGER NOT NULL PRIMARY KEY,
    permit_id INTEGER NOT NULL REFERENCES renovation_permit (id),
    pass_no TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    phone TEXT,
    id_last4 TEXT CHECK (id_last4 IS NULL OR length(id_last4) = 4),
    photo_ref TEXT,
    valid_until TEXT NOT NULL
);
CREATE TABLE parking_permit (
    id INTEGER NOT NULL PRIMARY KEY,
    permit_no TEXT NOT NULL,
    plate TEXT NOT NULL,
    visit_id INTEGER REFERENCES visit (id),
    issued_at TEXT NOT NULL,
    returned_at TEXT,
    fee_cents INTEGER
);
CREATE TABLE shift (
    id INTEGER NOT NULL PRIMARY KEY,
    gate_id TEXT NOT NULL REFERENCES gate (id),
    guard_id INTEGER NOT NULL REFERENCES guard (id),
    started_at TEXT NOT NULL,
    ended_at TEXT,
    handed_to_guard_id INTEGER REFERENCES guard (id),
    accepted_at TEXT,
    notes TEXT
);
CREATE TABLE release_slip (
    id INTEGER NOT NULL PRIMARY KEY,
    slip_no TEXT NOT NULL,
    unit_id INTEGER REFERENCES unit (id),
    person_id INTEGER REFERENCES person (id),
    items TEXT NOT NULL,
    gate_id TEXT NOT NULL REFERENCES gate (id),
    guard_id INTEGER REFERENCES guard (id),
    verified_at TEXT NOT NULL,
    shift_id INTEGER REFERENCES shift (id),
    keep_until TEXT NOT NULL
);
CREATE TABLE temperature_reading (
    id INTEGER NOT NULL PRIMARY KEY,
    at TEXT NOT NULL,
    celsius REAL NOT NULL CHECK (celsius BETWEEN 30 AND 45),
    fever BOOLEAN NOT NULL,
    person_id INTEGER REFERENCES person (id),
    visit_id INTEGER REFERENCES visit (id),
    gate_id TEXT NOT NULL REFERENCES gate (id),
    guard_id INTEGER REFERENCES guard (id)
);
CREATE TABLE log_entry (
    id INTEGER NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('duty', 'patrol', 'incident', 'rectification')),
    at TEXT NOT NULL,
    gate_id TEXT NOT NULL REFERENCES gate (id),
    guard_id INTEGER REFERENCES guard (id),
    place TEXT,
    text TEXT NOT NULL,
    handled_by TEXT,
    usb_label TEXT,
    deadline TEXT,
    closed_at TEXT
);
CREATE TABLE lockdown (
    id INTEGER NOT NULL PRIMARY KEY,
    level TEXT NOT NULL CHECK (level IN ('normal', 'restricted', 'closed')),
    scope TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ordered_by TEXT NOT NULL,
    note TEXT
);
CREATE TABLE audit (
    id INTEGER NOT NULL PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT
);
