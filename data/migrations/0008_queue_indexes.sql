-- Schema v8: indexes that serve the console's queries in index order.
--
-- The queue is ordered running clocks first, then paused, then answered,
-- each by due time, then id. sla_rank stores that first key, so a queue
-- page, the urgent list and the due-time jobs read an index in order and
-- stop at the page's end, with no sort of every match. It is virtual
-- (computed from the row, nothing stored in the table) and indexed.
ALTER TABLE tickets ADD COLUMN sla_rank INTEGER GENERATED ALWAYS AS
  ((sla_fulfilled_at <> 0) * 2 + (sla_paused_at <> 0)) VIRTUAL; -- public: 0 running, 1 paused, 2 answered, 3 answered and paused

-- Open tickets only (the queries name the same literal status list, which
-- is what lets SQLite use a partial index); solved history never enters.
-- The queue's filter columns follow the order key, so a filtered page is
-- checked in the index before any table row is read.
CREATE INDEX tickets_open_queue ON tickets(sla_rank, sla_due, id, status, assignee, language, category, agency, breach_logged_at)
  WHERE status IN ('new','open','pending');

-- The board and queue statistics count open tickets by group and SLA
-- state from the index alone, groups in index order. They test the clock
-- columns, not sla_rank: SQLite computes a virtual column from the table
-- row. status is a column too, or SQLite reads the row to test it.
CREATE INDEX tickets_open_board ON tickets(language, agency, category, sla_due, sla_paused_at, sla_fulfilled_at, status)
  WHERE status IN ('new','open','pending');

-- Workload counts open tickets by assignee and state from the index alone;
-- an assignee's queue page reads it in queue order (sla_rank, sla_due, id).
CREATE INDEX tickets_open_load ON tickets(assignee, sla_rank, sla_due, id, sla_paused_at, sla_fulfilled_at, status)
  WHERE status IN ('new','open','pending');

-- (status, sla_due) served the open-ticket queries, which the indexes above
-- now serve without reading every open row; with it the planner walked it
-- over every open ticket and read each row. Nothing else reads by status.
DROP INDEX tickets_queue;

-- Attainment reads tickets by creation time, solved ones included; it
-- covers the clock columns it tests.
CREATE INDEX tickets_created ON tickets(created_at, sla_due, sla_paused_at, sla_fulfilled_at);

-- Workload counts each agent's public replies since a time.
CREATE INDEX ticket_messages_author ON ticket_messages(author, kind, created_at);
