-- Schema v9: counts of tickets kept in the write transaction.
--
-- The board, the queue's totals and SLA attainment used to count rows:
-- every open ticket on each board refresh, the history of the last 30
-- days for attainment. These tables hold the same counts, changed by
-- triggers in the transaction that changes a ticket, so no write path
-- (intake, a reply, a closure day moving due times, a bulk load) can
-- forget them and a reader sees them as consistent as the tickets.
--
-- What depends on the time of reading (breached, at risk, a target that
-- has passed) is not stored as a state: due times are counted by UTC day,
-- whole days before today's are read from the counts, and the tickets due
-- today or within the at-risk window are counted from the open-ticket
-- index. A reader therefore touches a few thousand rows at most, whatever
-- the backlog, and the clock crossing into at risk or breached needs no
-- write at all.
--
-- A day is sla_due / 86 400 000 (milliseconds since the epoch): UTC days,
-- the same for every reader. Rows whose count drops to zero are deleted.

-- Tickets, solved and closed ones too, by every queue filter and sla_rank.
CREATE TABLE ticket_tally (
  language  TEXT NOT NULL,
  agency    TEXT NOT NULL,
  category  TEXT NOT NULL,
  assignee  TEXT NOT NULL,
  status    TEXT NOT NULL,
  sla_rank  INTEGER NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (language, agency, category, sla_rank, status, assignee)
) WITHOUT ROWID;
-- The board reads the table in its key's order, already grouped by cell
-- and rank. No index holds n: a count's change then writes the table row
-- alone, not an entry in every index (with n in three indexes, intake
-- committed a third fewer tickets).
CREATE INDEX ticket_tally_assignee ON ticket_tally(assignee, status, sla_rank, language);

-- Open assigned tickets by assignee and sla_rank: the workload.
CREATE TABLE ticket_load (
  assignee  TEXT NOT NULL,
  sla_rank  INTEGER NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (assignee, sla_rank)
) WITHOUT ROWID;

-- Open tickets whose clock runs (sla_rank 0), by board cell and due day.
CREATE TABLE ticket_due_cells (
  language  TEXT NOT NULL,
  agency    TEXT NOT NULL,
  category  TEXT NOT NULL,
  day       INTEGER NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (language, agency, category, day)
) WITHOUT ROWID;

-- Open assigned tickets whose clock runs, by assignee and due day.
CREATE TABLE ticket_due_assignees (
  assignee  TEXT NOT NULL,
  day       INTEGER NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (assignee, day)
) WITHOUT ROWID;

-- Every ticket, solved history included, by creation day and outcome:
-- 0 clock running (due_day is its due day), 1 paused before any reply,
-- 2 answered in time, 3 answered late (due_day 0 for 1 to 3).
CREATE TABLE ticket_days (
  created_day INTEGER NOT NULL,
  outcome     INTEGER NOT NULL,
  due_day     INTEGER NOT NULL,
  n           INTEGER NOT NULL,
  PRIMARY KEY (created_day, outcome, due_day)
) WITHOUT ROWID;

-- Tickets never answered whose clock runs, any status, by due time:
-- attainment counts those due today exactly.
CREATE INDEX tickets_unanswered ON tickets(sla_due, created_at)
  WHERE sla_fulfilled_at = 0 AND sla_paused_at = 0;

-- The board no longer counts open tickets by group from an index: the
-- tallies hold those counts, so that index is one less to write. Nothing
-- reads tickets by due time alone or by assignee and status any more (the
-- open-ticket and done-ticket indexes serve those queries): every intake
-- wrote all three for nothing.
DROP INDEX tickets_open_board;
DROP INDEX tickets_due;
DROP INDEX tickets_assignee;

-- Solved and closed tickets in queue order, for a queue filtered on
-- those statuses (read newest first); the literal list lets it serve.
CREATE INDEX tickets_done_queue ON tickets(sla_rank, sla_due, id, status, assignee, language, category, agency)
  WHERE status IN ('solved','closed');

-- The open-ticket load index gains the language, so an agent's
-- unassigned tickets in its languages are tested in the index.
DROP INDEX tickets_open_load;
CREATE INDEX tickets_open_load ON tickets(assignee, sla_rank, sla_due, id, language, sla_paused_at, sla_fulfilled_at, status, category, agency)
  WHERE status IN ('new','open','pending');

-- ticket_tally_delta applies one ticket's row to every count: sign +1
-- puts it in, -1 takes it out. Inserting into this view is the only way
-- the counts change; the triggers on tickets below say when.
CREATE VIEW ticket_tally_delta AS
  SELECT 0 AS sign, language, agency, category, assignee, status, sla_rank,
    sla_due, sla_paused_at, sla_fulfilled_at, created_at FROM tickets WHERE 0;

CREATE TRIGGER ticket_tally_apply INSTEAD OF INSERT ON ticket_tally_delta BEGIN
  INSERT INTO ticket_tally (language, agency, category, assignee, status, sla_rank, n)
    SELECT NEW.language, NEW.agency, NEW.category, NEW.assignee, NEW.status, NEW.sla_rank, NEW.sign
    WHERE true
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO ticket_load (assignee, sla_rank, n)
    SELECT NEW.assignee, NEW.sla_rank, NEW.sign
    WHERE NEW.status IN ('new','open','pending') AND NEW.assignee <> ''
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO ticket_due_cells (language, agency, category, day, n)
    SELECT NEW.language, NEW.agency, NEW.category, NEW.sla_due / 86400000, NEW.sign
    WHERE NEW.status IN ('new','open','pending') AND NEW.sla_fulfilled_at = 0 AND NEW.sla_paused_at = 0
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO ticket_due_assignees (assignee, day, n)
    SELECT NEW.assignee, NEW.sla_due / 86400000, NEW.sign
    WHERE NEW.status IN ('new','open','pending') AND NEW.sla_fulfilled_at = 0 AND NEW.sla_paused_at = 0 AND NEW.assignee <> ''
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  INSERT INTO ticket_days (created_day, outcome, due_day, n)
    SELECT NEW.created_at / 86400000,
      CASE WHEN NEW.sla_fulfilled_at <> 0 THEN 2 + (NEW.sla_fulfilled_at > NEW.sla_due) WHEN NEW.sla_paused_at <> 0 THEN 1 ELSE 0 END,
      CASE WHEN NEW.sla_fulfilled_at = 0 AND NEW.sla_paused_at = 0 THEN NEW.sla_due / 86400000 ELSE 0 END, NEW.sign
    WHERE true
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
  -- A count taken to zero goes: the due-day tables would otherwise keep a
  -- row for every day gone by.
  DELETE FROM ticket_tally WHERE NEW.sign < 0 AND n = 0 AND language = NEW.language AND agency = NEW.agency
    AND category = NEW.category AND sla_rank = NEW.sla_rank AND status = NEW.status AND assignee = NEW.assignee;
  DELETE FROM ticket_load WHERE NEW.sign < 0 AND n = 0 AND assignee = NEW.assignee AND sla_rank = NEW.sla_rank;
  DELETE FROM ticket_due_cells WHERE NEW.sign < 0 AND n = 0 AND language = NEW.language AND agency = NEW.agency
    AND category = NEW.category AND day = NEW.sla_due / 86400000;
  DELETE FROM ticket_due_assignees WHERE NEW.sign < 0 AND n = 0 AND assignee = NEW.assignee AND day = NEW.sla_due / 86400000;
  DELETE FROM ticket_days WHERE NEW.sign < 0 AND n = 0 AND created_day = NEW.created_at / 86400000;
END;

CREATE TRIGGER tickets_tally_insert AFTER INSERT ON tickets BEGIN
  INSERT INTO ticket_tally_delta VALUES (1, NEW.language, NEW.agency, NEW.category, NEW.assignee, NEW.status,
    NEW.sla_rank, NEW.sla_due, NEW.sla_paused_at, NEW.sla_fulfilled_at, NEW.created_at);
END;

CREATE TRIGGER tickets_tally_delete AFTER DELETE ON tickets BEGIN
  INSERT INTO ticket_tally_delta VALUES (-1, OLD.language, OLD.agency, OLD.category, OLD.assignee, OLD.status,
    OLD.sla_rank, OLD.sla_due, OLD.sla_paused_at, OLD.sla_fulfilled_at, OLD.created_at);
END;

-- An update is the old row taken out and the new one put in, when a
-- counted column changed; a reply or a note that changes none of them
-- (the version and updated_at only) costs nothing here.
CREATE TRIGGER tickets_tally_update AFTER UPDATE OF language, agency, category, assignee, status,
    sla_due, sla_paused_at, sla_fulfilled_at, created_at ON tickets
  WHEN OLD.language IS NOT NEW.language OR OLD.agency IS NOT NEW.agency OR OLD.category IS NOT NEW.category
    OR OLD.assignee IS NOT NEW.assignee OR OLD.status IS NOT NEW.status OR OLD.sla_due IS NOT NEW.sla_due
    OR OLD.sla_paused_at IS NOT NEW.sla_paused_at OR OLD.sla_fulfilled_at IS NOT NEW.sla_fulfilled_at
    OR OLD.created_at IS NOT NEW.created_at
BEGIN
  INSERT INTO ticket_tally_delta VALUES (-1, OLD.language, OLD.agency, OLD.category, OLD.assignee, OLD.status,
    OLD.sla_rank, OLD.sla_due, OLD.sla_paused_at, OLD.sla_fulfilled_at, OLD.created_at);
  INSERT INTO ticket_tally_delta VALUES (1, NEW.language, NEW.agency, NEW.category, NEW.assignee, NEW.status,
    NEW.sla_rank, NEW.sla_due, NEW.sla_paused_at, NEW.sla_fulfilled_at, NEW.created_at);
END;

-- The counts of the tickets already stored.
INSERT INTO ticket_tally (language, agency, category, assignee, status, sla_rank, n)
  SELECT language, agency, category, assignee, status, sla_rank, count(*) FROM tickets GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO ticket_load (assignee, sla_rank, n)
  SELECT assignee, sla_rank, count(*) FROM tickets
  WHERE status IN ('new','open','pending') AND assignee <> '' GROUP BY 1, 2;
INSERT INTO ticket_due_cells (language, agency, category, day, n)
  SELECT language, agency, category, sla_due / 86400000, count(*) FROM tickets
  WHERE status IN ('new','open','pending') AND sla_fulfilled_at = 0 AND sla_paused_at = 0 GROUP BY 1, 2, 3, 4;
INSERT INTO ticket_due_assignees (assignee, day, n)
  SELECT assignee, sla_due / 86400000, count(*) FROM tickets
  WHERE status IN ('new','open','pending') AND sla_fulfilled_at = 0 AND sla_paused_at = 0 AND assignee <> '' GROUP BY 1, 2;
INSERT INTO ticket_days (created_day, outcome, due_day, n)
  SELECT created_at / 86400000,
    CASE WHEN sla_fulfilled_at <> 0 THEN 2 + (sla_fulfilled_at > sla_due) WHEN sla_paused_at <> 0 THEN 1 ELSE 0 END,
    CASE WHEN sla_fulfilled_at = 0 AND sla_paused_at = 0 THEN sla_due / 86400000 ELSE 0 END, count(*)
  FROM tickets GROUP BY 1, 2, 3;
