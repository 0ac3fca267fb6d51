package sqlite

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// checkpointer folds the WAL into the database file beside the writer,
// on a connection of its own: the writer connection never checkpoints
// (writerDriverName), so a commit costs one fsync, of the WAL (run by the
// syncer), and no more. A PASSIVE checkpoint copies what no reader still needs without
// waiting for anyone; the writer starts the WAL over once everything in
// it has been copied. Under a load that never pauses the WAL could only
// grow, so past walRestartPages the checkpoint is a RESTART, which waits
// for the writer's current transaction and the readers and then lets
// the next commit start the WAL over.
type checkpointer struct {
	// mu is held by a checkpoint, and by a bulk load from pause to resume.
	mu      sync.Mutex
	db      *sql.DB
	wake    chan struct{}
	done    chan struct{}
	stopped sync.WaitGroup
	once    sync.Once
}

const (
	// checkpointEvery spaces checkpoints under a steady stream of commits.
	checkpointEvery = 200 * time.Millisecond
	// walRestartPages is 64 MiB of WAL in 4 KiB pages.
	walRestartPages = 16384
)

func startCheckpointer(db *sql.DB) *checkpointer {
	c := &checkpointer{db: db, wake: make(chan struct{}, 1), done: make(chan struct{})}
	c.stopped.Add(1)
	go c.run()
	return c
}

// poke says a transaction committed; it never blocks the writer.
func (c *checkpointer) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run() {
	defer c.stopped.Done()
	mode := "PASSIVE"
	for {
		select {
		case <-c.done:
			return
		case <-c.wake:
		}
		var busy, log, done int // done: the pages copied so far
		c.mu.Lock()
		err := c.db.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &log, &done)
		c.mu.Unlock()
		mode = "PASSIVE"
		if err == nil && log > walRestartPages {
			mode = "RESTART"
			c.poke()
		}
		// A failed checkpoint is tried again with the next commit; the WAL
		// keeps every page meanwhile, so nothing is lost.
		select {
		case <-c.done:
			return
		case <-time.After(checkpointEvery):
		}
	}
}

// pause waits for a checkpoint under way, closes the connection and holds
// off the next checkpoint until resume: a bulk load takes the database out
// of WAL and back, which needs the only connection to it.
func (c *checkpointer) pause() {
	c.mu.Lock()
	c.db.SetMaxIdleConns(0)
}

// resume lets checkpoints run again.
func (c *checkpointer) resume() {
	c.db.SetMaxIdleConns(1)
	c.mu.Unlock()
	c.poke()
}

// stop ends the goroutine and closes its connection. The writer's own
// close then checkpoints whatever is left, as SQLite does for the last
// connection.
func (c *checkpointer) stop() error {
	var err error
	c.once.Do(func() {
		close(c.done)
		c.stopped.Wait()
		err = c.db.Close()
	})
	return err
}
