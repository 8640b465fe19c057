-- Schema 9: release slips (放行条) issued by the service centre and the release register of items
-- taken out of the compound, kept two years.
-- The release_slip table of schema 1 was a placeholder nothing wrote; it is made again with what a
-- slip holds. Its number (F + five digits + a check digit) is made from the id, which is never
-- given twice (AUTOINCREMENT: a slip purged after two years leaves its number unused for good).
DROP TABLE release_slip;
CREATE TABLE release_slip (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    slip_no TEXT NOT NULL UNIQUE,
    unit_id INTEGER NOT NULL REFERENCES unit (id),
    items TEXT NOT NULL,
    carrier TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'collected')),
    collected_at TEXT,
    collected_gate_id TEXT REFERENCES gate (id),
    collected_guard_id INTEGER REFERENCES guard (id),
    collected_shift_id INTEGER REFERENCES shift (id),
    keep_until TEXT NOT NULL,
    CHECK (valid_until > valid_from),
    CHECK ((status = 'collected') = (collected_at IS NOT NULL))
);
CREATE INDEX ix_release_slip_open ON release_slip (valid_until) WHERE status = 'open';
CREATE INDEX ix_release_slip_unit ON release_slip (unit_id, id);
CREATE INDEX ix_release_slip_keep ON release_slip (keep_until);
-- The release register (物品放行登记): every time items went out at a gate, or were refused, on a
-- slip or by the after-hours owner rule; what was shown (the number as typed, the card swiped, the
-- ID's last four) and who decided. A refusal of a slip names it when the number was one.
CREATE TABLE item_release (
    id INTEGER NOT NULL PRIMARY KEY,
    at TEXT NOT NULL,
    gate_id TEXT NOT NULL REFERENCES gate (id),
    guard_id INTEGER REFERENCES guard (id),
    shift_id INTEGER REFERENCES shift (id),
    how TEXT NOT NULL CHECK (how IN ('slip', 'after_hours')),
    released BOOLEAN NOT NULL,
    reason TEXT NOT NULL,
    slip_id INTEGER REFERENCES release_slip (id),
    slip_no TEXT,
    unit_id INTEGER REFERENCES unit (id),
    person_id INTEGER REFERENCES person (id),
    card_id INTEGER REFERENCES card (id),
    event_id INTEGER REFERENCES access_event (id),
    id_last4 TEXT CHECK (id_last4 IS NULL OR length(id_last4) = 4),
    items TEXT,
    keep_until TEXT NOT NULL
);
CREATE INDEX ix_item_release_gate ON item_release (gate_id, at);
CREATE INDEX ix_item_release_keep ON item_release (keep_until);
CREATE INDEX ix_item_release_slip ON item_release (slip_id) WHERE slip_id IS NOT NULL;
