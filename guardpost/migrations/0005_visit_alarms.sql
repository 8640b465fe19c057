-- Schema 5: a caller on the block list and a fever are alarms like a lost card's, in the one place
-- alarms live: an event row (no card; source 'visit' or 'temperature') that the feed shows, the
-- banner rings and F5 acknowledges (alarm_ack), naming the visit it concerns. Schema 4 kept them
-- apart (visit_alarm), where no banner saw them; its rows become such events.
-- visit_id is not a foreign key: events are evidence, kept longer than a visitor's details, and
-- the retention purge removes a visit while its alarm stays (then without the caller's name).
ALTER TABLE access_event ADD COLUMN visit_id INTEGER;
INSERT INTO access_event (at, gate_id, lane, decision, reason, source, visit_id)
    SELECT a.at, v.gate_id, 'in', 'alarm',
        CASE a.reason WHEN 'blocked' THEN 'visitor_blocked' ELSE 'fever' END, 'visit', a.visit_id
    FROM visit_alarm a JOIN visit v ON v.id = a.visit_id ORDER BY a.id;
INSERT INTO alarm_ack (event_id, guard_id, guard_name, at)
    SELECT e.id, a.acknowledged_by, coalesce(g.name, '-'), a.acknowledged_at
    FROM visit_alarm a
    JOIN access_event e ON e.visit_id = a.visit_id AND e.at = a.at
    LEFT JOIN guard g ON g.id = a.acknowledged_by
    WHERE a.acknowledged_at IS NOT NULL;
DROP TABLE visit_alarm;
CREATE INDEX ix_event_visit ON access_event (visit_id) WHERE visit_id IS NOT NULL;
