-- Schema 4 (PostgreSQL): the counts the board and the queue's totals
-- read, as SQLite's migration 0009 keeps them.
--
-- The count tables mirror SQLite's (same names, columns and values), so a
-- copy could move them; the copy leaves them out instead, since the
-- triggers below rebuild them as the tickets arrive. What depends on the
-- time of reading (breached, at risk, a target that has passed) is never
-- stored: running clocks are counted by UTC due day (sla_due / 86 400 000),
-- and a reader counts the clocks due from the start of today to the end of
-- the at-risk window from tickets_open_queue.
--
-- Several processes write tickets at once at READ COMMITTED: every count
-- changes by one atomic upsert (INSERT … ON CONFLICT DO UPDATE SET
-- n = n + excluded.n), never by a read and a write; inserts and deletes
-- are counted per statement, updates at commit (see the triggers). A
-- count taken to zero is deleted, or the due-day tables would keep a row
-- for every day gone by; readers ignore zero rows all the same.

-- What the queue reads (sla_rank and the indexes of SQLite's migrations
-- 0008 and 0009) is made with the tickets table, in 0003; TestQueuePlans
-- checks that every queue and board query has its ordered index plan.

-- Tickets, solved and closed ones too, by every queue filter and sla_rank:
-- any queue's total but a text search's is a sum over it. Keyed in the
-- board's group order. No index holds n, and each count table leaves half
-- of every page free, so a count's change is a HOT update: one new row
-- version on the same page, no index entry, pruned without a vacuum.
CREATE TABLE ticket_tally (
  language  text NOT NULL,
  agency    text NOT NULL,
  category  text NOT NULL,
  assignee  text NOT NULL,
  status    text NOT NULL,
  sla_rank  bigint NOT NULL,
  n         bigint NOT NULL,
  PRIMARY KEY (language, agency, category, sla_rank, status, assignee)
) WITH (fillfactor = 50);
CREATE INDEX ticket_tally_assignee ON ticket_tally (assignee, status, sla_rank, language);

-- Open assigned tickets by assignee and sla_rank: the workload.
CREATE TABLE ticket_load (
  assignee  text NOT NULL,
  sla_rank  bigint NOT NULL,
  n         bigint NOT NULL,
  PRIMARY KEY (assignee, sla_rank)
) WITH (fillfactor = 50);

-- Open tickets whose clock runs (sla_rank 0), by board cell and due day.
CREATE TABLE ticket_due_cells (
  language  text NOT NULL,
  agency    text NOT NULL,
  category  text NOT NULL,
  day       bigint NOT NULL,
  n         bigint NOT NULL,
  PRIMARY KEY (language, agency, category, day)
) WITH (fillfactor = 50);

-- Open assigned tickets whose clock runs, by assignee and due day.
CREATE TABLE ticket_due_assignees (
  assignee  text NOT NULL,
  day       bigint NOT NULL,
  n         bigint NOT NULL,
  PRIMARY KEY (assignee, day)
) WITH (fillfactor = 50);

-- Every ticket, solved history included, by creation day and outcome:
-- 0 clock running (due_day is its due day), 1 paused before any reply,
-- 2 answered in time, 3 answered late (due_day 0 for 1 to 3).
CREATE TABLE ticket_days (
  created_day bigint NOT NULL,
  outcome     bigint NOT NULL,
  due_day     bigint NOT NULL,
  n           bigint NOT NULL,
  PRIMARY KEY (created_day, outcome, due_day)
) WITH (fillfactor = 50);

-- A ticket's outcome in ticket_days, and the due day it is counted on
-- (0 unless its clock runs).
CREATE FUNCTION ticket_outcome(fulfilled_at bigint, paused_at bigint, due bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN fulfilled_at <> 0 THEN CASE WHEN fulfilled_at > due THEN 3 ELSE 2 END
    WHEN paused_at <> 0 THEN 1 ELSE 0 END
$$;

CREATE FUNCTION ticket_due_day(fulfilled_at bigint, paused_at bigint, due bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN fulfilled_at = 0 AND paused_at = 0 THEN due / 86400000 ELSE 0 END
$$;

-- The session's table of noted moves, made on first use.
CREATE FUNCTION tickets_tally_moves_table() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF to_regclass('pg_temp.ticket_tally_moves') IS NULL THEN
    CREATE TEMP TABLE ticket_tally_moves (
      d                integer NOT NULL,
      language         text NOT NULL,
      agency           text NOT NULL,
      category         text NOT NULL,
      assignee         text NOT NULL,
      status           text NOT NULL,
      sla_rank         bigint NOT NULL,
      sla_due          bigint NOT NULL,
      sla_paused_at    bigint NOT NULL,
      sla_fulfilled_at bigint NOT NULL,
      created_at       bigint NOT NULL
    );
  END IF;
END $$;

-- tickets_tally_rows counts the tickets a statement inserted (+1) or
-- deleted (-1), from its transition table: one upsert per count the
-- statement touched, not one per ticket. A row trigger would change a
-- count once per ticket, and a bulk insert in one transaction (a copy, a
-- load) leaves every version of a count's row behind until commit, each
-- upsert walking all of them: quadratic. Counts are changed in key order.
--
-- A statement that inserted a few tickets (intake's, one at a time) only
-- notes them, as an update is noted (tickets_tally_record, below), and
-- the transaction's tickets are counted together at commit: five upserts
-- per statement cost a single-row insert 240 µs here, three times the
-- insert itself, and intake inserts dozens of tickets per transaction.
CREATE FUNCTION tickets_tally_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d bigint := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
BEGIN
  IF d > 0 AND (SELECT count(*) FROM (SELECT 1 FROM changed LIMIT 1001) few) <= 1000 THEN
    PERFORM tickets_tally_moves_table();
    INSERT INTO pg_temp.ticket_tally_moves
      SELECT 1, language, agency, category, assignee, status, sla_rank, sla_due, sla_paused_at,
        sla_fulfilled_at, created_at FROM changed;
    PERFORM set_config('supportdesk.tally_moves', 'on', true);
    RETURN NULL;
  END IF;
  INSERT INTO ticket_tally AS t (language, agency, category, assignee, status, sla_rank, n)
    SELECT language, agency, category, assignee, status, sla_rank, d * count(*) FROM changed
    GROUP BY language, agency, category, sla_rank, status, assignee
    ORDER BY language, agency, category, sla_rank, status, assignee
    ON CONFLICT (language, agency, category, sla_rank, status, assignee) DO UPDATE SET n = t.n + excluded.n;
  INSERT INTO ticket_load AS t (assignee, sla_rank, n)
    SELECT assignee, sla_rank, d * count(*) FROM changed
    WHERE status IN ('new','open','pending') AND assignee <> ''
    GROUP BY assignee, sla_rank ORDER BY assignee, sla_rank
    ON CONFLICT (assignee, sla_rank) DO UPDATE SET n = t.n + excluded.n;
  INSERT INTO ticket_due_cells AS t (language, agency, category, day, n)
    SELECT language, agency, category, sla_due / 86400000, d * count(*) FROM changed
    WHERE status IN ('new','open','pending') AND sla_fulfilled_at = 0 AND sla_paused_at = 0
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (language, agency, category, day) DO UPDATE SET n = t.n + excluded.n;
  INSERT INTO ticket_due_assignees AS t (assignee, day, n)
    SELECT assignee, sla_due / 86400000, d * count(*) FROM changed
    WHERE status IN ('new','open','pending') AND sla_fulfilled_at = 0 AND sla_paused_at = 0 AND assignee <> ''
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (assignee, day) DO UPDATE SET n = t.n + excluded.n;
  INSERT INTO ticket_days AS t (created_day, outcome, due_day, n)
    SELECT created_at / 86400000, ticket_outcome(sla_fulfilled_at, sla_paused_at, sla_due),
      ticket_due_day(sla_fulfilled_at, sla_paused_at, sla_due), d * count(*) FROM changed
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (created_day, outcome, due_day) DO UPDATE SET n = t.n + excluded.n;
  IF d < 0 THEN
    DELETE FROM ticket_tally t USING changed c WHERE t.n = 0 AND t.language = c.language AND t.agency = c.agency
      AND t.category = c.category AND t.sla_rank = c.sla_rank AND t.status = c.status AND t.assignee = c.assignee;
    DELETE FROM ticket_load t USING changed c WHERE t.n = 0 AND t.assignee = c.assignee AND t.sla_rank = c.sla_rank;
    DELETE FROM ticket_due_cells t USING changed c WHERE t.n = 0 AND t.language = c.language AND t.agency = c.agency
      AND t.category = c.category AND t.day = c.sla_due / 86400000;
    DELETE FROM ticket_due_assignees t USING changed c WHERE t.n = 0 AND t.assignee = c.assignee AND t.day = c.sla_due / 86400000;
    DELETE FROM ticket_days t USING changed c WHERE t.n = 0 AND t.created_day = c.created_at / 86400000;
  END IF;
  RETURN NULL;
END $$;

-- Statement triggers fire for COPY too, so a copied desk's counts build
-- as its tickets arrive.
CREATE TRIGGER tickets_tally_insert AFTER INSERT ON tickets REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION tickets_tally_rows();
CREATE TRIGGER tickets_tally_delete AFTER DELETE ON tickets REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION tickets_tally_rows();

-- An updated ticket leaves its old counts for its new ones at commit, all
-- the moves of a transaction at once: tickets_tally_record notes each
-- update's old row (-1) and new row (+1) in ticket_tally_moves, a
-- temporary table of the session, and the first event of the deferred
-- tickets_tally_settle applies them, summed by count and in key order.
--
-- At commit because a desk's write takes the audit lock late (appending
-- its entry) while intake takes it first (the next ticket id), then
-- inserts: a change that took a count's row at once would hold it while
-- waiting for the audit lock, and an intake holding that lock would wait
-- for the count: a deadlock (one write in six in TestTallyConcurrentWriters
-- with an immediate trigger). At commit the audit lock is held already,
-- so the counts' rows are taken last, in key order, and held only while
-- the transaction commits. Summed because a transaction that moves many
-- tickets (a closure day moving every running clock) would otherwise
-- change each count once per ticket, every version of its row kept to
-- commit and walked by the next change (40 000 clocks moved in 14 s that
-- way, 2 s summed). Moves of a transaction or savepoint rolled back are
-- rolled back with it.
-- A write that reads counts after changing tickets applies its moves
-- first (settleCounts, in tally.go).
--
-- Both are row triggers: the column list and WHEN clause (which a
-- statement trigger with transition tables may not have) keep a reply or
-- a note that changes no counted column (the version and updated_at only)
-- from costing anything here.
CREATE FUNCTION tickets_tally_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM tickets_tally_moves_table();
  INSERT INTO pg_temp.ticket_tally_moves VALUES
    (-1, OLD.language, OLD.agency, OLD.category, OLD.assignee, OLD.status, OLD.sla_rank,
      OLD.sla_due, OLD.sla_paused_at, OLD.sla_fulfilled_at, OLD.created_at),
    (1, NEW.language, NEW.agency, NEW.category, NEW.assignee, NEW.status, NEW.sla_rank,
      NEW.sla_due, NEW.sla_paused_at, NEW.sla_fulfilled_at, NEW.created_at);
  -- Local to the transaction: the settling event that finds it set is
  -- the first since the last moves were noted.
  PERFORM set_config('supportdesk.tally_moves', 'on', true);
  RETURN NULL;
END $$;

CREATE FUNCTION tickets_tally_settle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('supportdesk.tally_moves', true) IS DISTINCT FROM 'on' THEN
    RETURN NULL;
  END IF;
  INSERT INTO ticket_tally AS t (language, agency, category, assignee, status, sla_rank, n)
    SELECT language, agency, category, assignee, status, sla_rank, sum(d) FROM pg_temp.ticket_tally_moves
    GROUP BY language, agency, category, sla_rank, status, assignee HAVING sum(d) <> 0
    ORDER BY language, agency, category, sla_rank, status, assignee
    ON CONFLICT (language, agency, category, sla_rank, status, assignee) DO UPDATE SET n = t.n + excluded.n;
  INSERT INTO ticket_load AS t (assignee, sla_rank, n)
    SELECT assignee, sla_rank, sum(d) FROM pg_temp.ticket_tally_moves
    WHERE status IN ('new','open','pending') AND assignee <> ''
    GROUP BY assignee, sla_rank HAVING sum(d) <> 0 ORDER BY assignee, sla_rank
    ON CONFLICT (assignee, sla_rank) DO UPDATE SET n = t.n + excluded.n;
  INSERT INTO ticket_due_cells AS t (language, agency, category, day, n)
    SELECT language, agency, category, sla_due / 86400000, sum(d) FROM pg_temp.ticket_tally_moves
    WHERE status IN ('new','open','pending') AND sla_fulfilled_at = 0 AND sla_paused_at = 0
    GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (language, agency, category, day) DO UPDATE SET n = t.n + excluded.n;
  INSERT INTO ticket_due_assignees AS t (assignee, day, n)
    SELECT assignee, sla_due / 86400000, sum(d) FROM pg_temp.ticket_tally_moves
    WHERE status IN ('new','open','pending') AND sla_fulfilled_at = 0 AND sla_paused_at = 0 AND assignee <> ''
    GROUP BY 1, 2 HAVING sum(d) <> 0 ORDER BY 1, 2
    ON CONFLICT (assignee, day) DO UPDATE SET n = t.n + excluded.n;
  INSERT INTO ticket_days AS t (created_day, outcome, due_day, n)
    SELECT created_at / 86400000, ticket_outcome(sla_fulfilled_at, sla_paused_at, sla_due),
      ticket_due_day(sla_fulfilled_at, sla_paused_at, sla_due), sum(d) FROM pg_temp.ticket_tally_moves
    GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (created_day, outcome, due_day) DO UPDATE SET n = t.n + excluded.n;
  DELETE FROM ticket_tally t USING pg_temp.ticket_tally_moves c WHERE t.n = 0 AND c.d < 0
    AND t.language = c.language AND t.agency = c.agency AND t.category = c.category AND t.sla_rank = c.sla_rank
    AND t.status = c.status AND t.assignee = c.assignee;
  DELETE FROM ticket_load t USING pg_temp.ticket_tally_moves c WHERE t.n = 0 AND c.d < 0
    AND t.assignee = c.assignee AND t.sla_rank = c.sla_rank;
  DELETE FROM ticket_due_cells t USING pg_temp.ticket_tally_moves c WHERE t.n = 0 AND c.d < 0
    AND t.language = c.language AND t.agency = c.agency AND t.category = c.category AND t.day = c.sla_due / 86400000;
  DELETE FROM ticket_due_assignees t USING pg_temp.ticket_tally_moves c WHERE t.n = 0 AND c.d < 0
    AND t.assignee = c.assignee AND t.day = c.sla_due / 86400000;
  DELETE FROM ticket_days t USING pg_temp.ticket_tally_moves c WHERE t.n = 0 AND c.d < 0
    AND t.created_day = c.created_at / 86400000;
  -- Emptied, not truncated (nor ON COMMIT DELETE ROWS): a truncation
  -- costs more than the counts' whole change, and the next settling scan
  -- prunes the dead rows. A table grown past 64 kB (a transaction that
  -- moved thousands of tickets, or rows that outlived pruning) is
  -- truncated.
  IF pg_relation_size('pg_temp.ticket_tally_moves') > 65536 THEN
    TRUNCATE pg_temp.ticket_tally_moves;
  ELSE
    DELETE FROM pg_temp.ticket_tally_moves;
  END IF;
  PERFORM set_config('supportdesk.tally_moves', 'off', true);
  RETURN NULL;
END $$;

CREATE TRIGGER tickets_tally_update AFTER UPDATE OF language, agency, category, assignee, status,
    sla_due, sla_paused_at, sla_fulfilled_at, created_at ON tickets FOR EACH ROW
  WHEN (OLD.language IS DISTINCT FROM NEW.language OR OLD.agency IS DISTINCT FROM NEW.agency
    OR OLD.category IS DISTINCT FROM NEW.category OR OLD.assignee IS DISTINCT FROM NEW.assignee
    OR OLD.status IS DISTINCT FROM NEW.status OR OLD.sla_due IS DISTINCT FROM NEW.sla_due
    OR OLD.sla_paused_at IS DISTINCT FROM NEW.sla_paused_at OR OLD.sla_fulfilled_at IS DISTINCT FROM NEW.sla_fulfilled_at
    OR OLD.created_at IS DISTINCT FROM NEW.created_at)
  EXECUTE FUNCTION tickets_tally_record();

CREATE CONSTRAINT TRIGGER tickets_tally_settle AFTER UPDATE OF language, agency, category, assignee, status,
    sla_due, sla_paused_at, sla_fulfilled_at, created_at ON tickets
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.language IS DISTINCT FROM NEW.language OR OLD.agency IS DISTINCT FROM NEW.agency
    OR OLD.category IS DISTINCT FROM NEW.category OR OLD.assignee IS DISTINCT FROM NEW.assignee
    OR OLD.status IS DISTINCT FROM NEW.status OR OLD.sla_due IS DISTINCT FROM NEW.sla_due
    OR OLD.sla_paused_at IS DISTINCT FROM NEW.sla_paused_at OR OLD.sla_fulfilled_at IS DISTINCT FROM NEW.sla_fulfilled_at
    OR OLD.created_at IS DISTINCT FROM NEW.created_at)
  EXECUTE FUNCTION tickets_tally_settle();

-- The noted inserts are counted at commit by the same settling; a bulk
-- statement's events find nothing noted and return at once.
CREATE CONSTRAINT TRIGGER tickets_tally_settle_insert AFTER INSERT ON tickets
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  EXECUTE FUNCTION tickets_tally_settle();

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
  SELECT created_at / 86400000, ticket_outcome(sla_fulfilled_at, sla_paused_at, sla_due),
    ticket_due_day(sla_fulfilled_at, sla_paused_at, sla_due), count(*)
  FROM tickets GROUP BY 1, 2, 3;
