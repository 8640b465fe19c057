-- Schema 7: the vehicle register (plates in and out by category), temporary parking permits and
-- their fees, delivery overstays.
-- One row of vehicle_entry is one stay: the entry (or its refusal) and, later, the exit. A plate is
-- optional only for an emergency vehicle let in with one key, its details completed afterwards.
-- An exit with no entry on record is a row of its own (entered_at empty). A plate that comes in
-- again while still inside closes its earlier stay as "left unrecorded" (left_unrecorded, no exit
-- time, no fee): the inside-now board counts every plate once.
-- The parking_permit table of schema 1 was a placeholder nothing wrote: made again for the permits
-- handed out at entry (a number of the booth's physical stock, one number out at a time).
CREATE TABLE vehicle_entry (
    id INTEGER NOT NULL PRIMARY KEY,
    plate TEXT,
    category TEXT NOT NULL CHECK (category IN ('owner', 'visitor', 'delivery', 'moving', 'furniture',
        'water', 'emergency', 'staff')),
    service TEXT CHECK (service IS NULL OR service IN ('fire', 'ambulance', 'cash', 'post', 'repair',
        'sanitation', 'official')),
    status TEXT NOT NULL CHECK (status IN ('inside', 'left', 'refused')),
    reason TEXT NOT NULL,
    vehicle_id INTEGER REFERENCES vehicle (id),
    unit_id INTEGER REFERENCES unit (id),
    driver TEXT,
    note TEXT,
    consent TEXT CHECK (consent IS NULL OR consent IN ('given', 'refused')),
    disinfected BOOLEAN NOT NULL DEFAULT 0,
    passback BOOLEAN NOT NULL DEFAULT 0,
    gate_id TEXT NOT NULL REFERENCES gate (id),
    guard_id INTEGER REFERENCES guard (id),
    at TEXT NOT NULL,
    entered_at TEXT,
    limit_at TEXT,
    left_at TEXT,
    left_gate_id TEXT REFERENCES gate (id),
    left_guard_id INTEGER REFERENCES guard (id),
    left_unrecorded BOOLEAN NOT NULL DEFAULT 0,
    details_at TEXT,
    CHECK (plate IS NOT NULL OR category = 'emergency')
);
-- a plate's open stay (every look-up and the completion), and the inside-now board
CREATE INDEX ix_vehicle_entry_inside ON vehicle_entry (plate) WHERE status = 'inside';
CREATE INDEX ix_vehicle_entry_at ON vehicle_entry (at);
CREATE INDEX ix_vehicle_entry_left ON vehicle_entry (left_at) WHERE left_at IS NOT NULL;
CREATE INDEX ix_vehicle_entry_plate ON vehicle_entry (plate, id) WHERE plate IS NOT NULL;
-- the registered plates completed from what was typed without its province character
CREATE INDEX ix_vehicle_plate_tail ON vehicle (substr(plate, 2));
DROP TABLE parking_permit;
CREATE TABLE parking_permit (
    id INTEGER NOT NULL PRIMARY KEY,
    permit_no INTEGER NOT NULL CHECK (permit_no > 0),
    entry_id INTEGER NOT NULL REFERENCES vehicle_entry (id),
    gate_id TEXT NOT NULL REFERENCES gate (id),
    issued_at TEXT NOT NULL,
    returned_at TEXT,
    -- not handed back at the exit; back in stock (returned_at) when a supervisor says it was found
    missing BOOLEAN NOT NULL DEFAULT 0,
    restocked_by TEXT
);
-- one permit of a number out at a time (a trigger: the index stays partial and plain)
CREATE INDEX ix_parking_permit_out ON parking_permit (permit_no) WHERE returned_at IS NULL;
CREATE TRIGGER parking_permit_one_out BEFORE INSERT ON parking_permit
WHEN EXISTS (SELECT 1 FROM parking_permit WHERE permit_no = NEW.permit_no AND returned_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'this parking permit is out already'); END;
CREATE INDEX ix_parking_permit_entry ON parking_permit (entry_id);
CREATE INDEX ix_parking_permit_issued ON parking_permit (issued_at);
-- a fee taken at an exit: the receipt number is the row id, sequential and never used twice
CREATE TABLE parking_receipt (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    entry_id INTEGER NOT NULL UNIQUE REFERENCES vehicle_entry (id),
    at TEXT NOT NULL,
    gate_id TEXT NOT NULL REFERENCES gate (id),
    guard_id INTEGER REFERENCES guard (id),
    minutes INTEGER NOT NULL CHECK (minutes >= 0),
    free_min INTEGER NOT NULL,
    hours INTEGER NOT NULL CHECK (hours > 0),
    fee_cents INTEGER NOT NULL CHECK (fee_cents >= 0)
);
CREATE INDEX ix_parking_receipt_at ON parking_receipt (at);
-- Receipts are money taken: once written they are never changed.
CREATE TRIGGER parking_receipt_no_update BEFORE UPDATE ON parking_receipt
BEGIN SELECT RAISE(ABORT, 'parking receipts are append-only'); END;
CREATE TRIGGER parking_receipt_no_delete BEFORE DELETE ON parking_receipt
BEGIN SELECT RAISE(ABORT, 'parking receipts are append-only'); END;
