-- Schema 6: guards sign in and work shifts; duty, patrol and incident logs; the handover; and the
-- audit trail becomes a hash chain (guardpost.audit: each entry holds the SHA-256 of the one
-- before it; storage fills in the chain of the entries written before schema 6).
ALTER TABLE audit ADD COLUMN prev_hash TEXT;
ALTER TABLE audit ADD COLUMN hash TEXT;
-- Once chained, an entry is never changed or removed by the program (audit verify finds what a
-- hand with the sqlite3 shell did).
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit WHEN OLD.hash IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE INDEX ix_audit_action_subject ON audit (action, subject);
-- A shift: opened at login, closed by the handover. 'accepted': the incoming guard took it over by
-- PIN; 'taken_over': it was still open when another guard signed in (nobody handed it over).
ALTER TABLE shift ADD COLUMN handover TEXT CHECK (handover IS NULL OR handover IN ('accepted', 'taken_over'));
CREATE INDEX ix_shift_gate ON shift (gate_id, started_at);
CREATE TRIGGER shift_handed_over_is_read_only BEFORE UPDATE ON shift WHEN OLD.accepted_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a handed-over shift is read-only: add a correction'); END;
-- The equipment counted at a handover against the number expected (radios, keys, permits).
CREATE TABLE shift_item (
    shift_id INTEGER NOT NULL REFERENCES shift (id),
    item TEXT NOT NULL,
    expected INTEGER NOT NULL,
    counted INTEGER NOT NULL,
    PRIMARY KEY (shift_id, item)
);
-- A closed shift is read-only; a supervisor adds a correction, never an edit in place.
CREATE TABLE shift_correction (
    id INTEGER NOT NULL PRIMARY KEY,
    shift_id INTEGER NOT NULL REFERENCES shift (id),
    at TEXT NOT NULL,
    guard_id INTEGER NOT NULL REFERENCES guard (id),
    text TEXT NOT NULL
);
ALTER TABLE log_entry ADD COLUMN shift_id INTEGER REFERENCES shift (id);
ALTER TABLE log_entry ADD COLUMN category TEXT;
ALTER TABLE log_entry ADD COLUMN reported_to TEXT;
CREATE INDEX ix_log_entry_shift ON log_entry (shift_id);
-- A patrol round and the checkpoints ticked (by key) or scanned (a checkpoint's tag on a reader).
CREATE TABLE patrol_round (
    id INTEGER NOT NULL PRIMARY KEY,
    shift_id INTEGER REFERENCES shift (id),
    gate_id TEXT NOT NULL REFERENCES gate (id),
    guard_id INTEGER REFERENCES guard (id),
    started_at TEXT NOT NULL,
    ended_at TEXT,
    findings TEXT
);
CREATE TABLE patrol_check (
    round_id INTEGER NOT NULL REFERENCES patrol_round (id),
    checkpoint TEXT NOT NULL,
    at TEXT NOT NULL,
    how TEXT NOT NULL CHECK (how IN ('tick', 'scan')),
    PRIMARY KEY (round_id, checkpoint)
);
