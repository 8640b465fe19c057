-- Schema 8: renovation permits (company, responsible person, dates, hours, area, restricted
-- materials), worker passes, and the materials seen at entry.
-- The two tables of schema 1 held only what the demo wrote (a company, an area, dates and the
-- workers' names): they are made again with what a permit now holds, and their rows carried over
-- (what schema 1 did not know is filled with the defaults a permit office would have written:
-- 08:00-18:00 every day, all four restricted materials, "schema 1" as who issued it).
ALTER TABLE renovation_permit RENAME TO renovation_permit_1;
ALTER TABLE worker_pass RENAME TO worker_pass_1;
CREATE TABLE renovation_permit (
    id INTEGER NOT NULL PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES unit (id),
    company TEXT NOT NULL,
    responsible TEXT NOT NULL,
    phone TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL CHECK (ends_on >= starts_on),
    -- the daily working hours (HH:MM, from < until: no night work) and the working days (ISO
    -- weekday digits, Monday 1 ... Sunday 7: '123456' is Monday to Saturday)
    work_from TEXT NOT NULL,
    work_until TEXT NOT NULL CHECK (work_until > work_from),
    work_days TEXT NOT NULL CHECK (length(work_days) BETWEEN 1 AND 7),
    area TEXT NOT NULL,
    -- the materials this permit names as not to be brought in, comma-separated
    -- (solar_panels, rain_shed, large_steel, flammables)
    restricted TEXT NOT NULL DEFAULT '',
    issued_by TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT,
    revoked_reason TEXT
);
CREATE INDEX ix_renovation_permit_unit ON renovation_permit (unit_id, ends_on);
CREATE TABLE worker_pass (
    id INTEGER NOT NULL PRIMARY KEY,
    permit_id INTEGER NOT NULL REFERENCES renovation_permit (id),
    pass_no TEXT NOT NULL,  -- as printed on the pass (出入证号)
    -- what a guard's typing is matched on: the number upper-case, letters and digits only
    -- ('zx20260001' finds 'ZX-2026-0001'); one index look-up per pass checked
    pass_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    phone TEXT,
    id_last4 TEXT CHECK (id_last4 IS NULL OR length(id_last4) = 4),
    photo_ref TEXT,  -- the photo on the pass: a file under the data folder (or an absolute path)
    valid_until TEXT NOT NULL,
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL
);
CREATE INDEX ix_worker_pass_permit ON worker_pass (permit_id);
INSERT INTO renovation_permit (id, unit_id, company, responsible, phone, starts_on, ends_on, work_from,
    work_until, work_days, area, restricted, issued_by, issued_at)
SELECT id, unit_id, company, '-', '-', starts_on, max(ends_on, starts_on), '08:00', '18:00', '1234567',
    coalesce(area, '-'), 'solar_panels,rain_shed,large_steel,flammables', coalesce(issued_by, 'schema 1'),
    starts_on || ' 00:00:00'
FROM renovation_permit_1;
INSERT INTO worker_pass (id, permit_id, pass_no, pass_key, name, phone, id_last4, photo_ref, valid_until,
    added_at, added_by)
SELECT w.id, w.permit_id, w.pass_no, upper(replace(replace(replace(w.pass_no, '-', ''), ' ', ''), '/', '')),
    w.name, w.phone, w.id_last4, w.photo_ref, w.valid_until, p.starts_on || ' 00:00:00',
    coalesce(p.issued_by, 'schema 1')
FROM worker_pass_1 w JOIN renovation_permit_1 p ON p.id = w.permit_id;
DROP TABLE worker_pass_1;
DROP TABLE renovation_permit_1;
-- Each pass checked at the gate and what came of it: admitted (with the visit that puts the worker
-- on the inside-now board) or refused with the reason. A pass the file does not know has no
-- pass_id: what was typed is kept (cut short). The shift report counts these.
CREATE TABLE worker_entry (
    id INTEGER NOT NULL PRIMARY KEY,
    at TEXT NOT NULL,
    gate_id TEXT NOT NULL REFERENCES gate (id),
    guard_id INTEGER REFERENCES guard (id),
    pass_id INTEGER REFERENCES worker_pass (id),
    permit_id INTEGER REFERENCES renovation_permit (id),
    visit_id INTEGER REFERENCES visit (id),
    typed TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('admitted', 'refused')),
    reason TEXT NOT NULL
);
CREATE INDEX ix_worker_entry_at ON worker_entry (at);
CREATE INDEX ix_worker_entry_permit ON worker_entry (permit_id, at);
-- Restricted materials the guard saw at entry, recorded against the permit (露天太阳能、雨棚、
-- 大型槽钢，易燃易爆物品禁止进入园区): with the pass check they came with, or the visit of a
-- worker admitted without a pass.
CREATE TABLE permit_material (
    id INTEGER NOT NULL PRIMARY KEY,
    permit_id INTEGER NOT NULL REFERENCES renovation_permit (id),
    entry_id INTEGER REFERENCES worker_entry (id),
    visit_id INTEGER REFERENCES visit (id),
    material TEXT NOT NULL CHECK (material IN ('solar_panels', 'rain_shed', 'large_steel', 'flammables')),
    at TEXT NOT NULL,
    gate_id TEXT NOT NULL REFERENCES gate (id),
    guard_id INTEGER REFERENCES guard (id)
);
CREATE INDEX ix_permit_material_permit ON permit_material (permit_id, at);
