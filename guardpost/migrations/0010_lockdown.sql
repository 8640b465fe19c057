-- Schema 10: lockdown levels with a scope and an entrance.
-- A level's scope is 'compound' or the gates it covers ('east,west'); the newest row covering a
-- gate is the level in force there (guardpost.lockdown). In the closed level one entrance stays
-- open (里不出、外不进: one way in and out for the services); every other gate in scope is shut.
ALTER TABLE lockdown ADD COLUMN entrance TEXT REFERENCES gate (id);
-- The levels ordered are evidence: kept as history, never changed.
CREATE TRIGGER lockdown_no_update BEFORE UPDATE ON lockdown
BEGIN SELECT RAISE(ABORT, 'lockdown levels are history: order a new one'); END;
CREATE TRIGGER lockdown_no_delete BEFORE DELETE ON lockdown
BEGIN SELECT RAISE(ABORT, 'lockdown levels are history: order a new one'); END;
