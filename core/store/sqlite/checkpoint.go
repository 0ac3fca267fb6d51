package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// checkpointer folds the WAL into the database file beside the writer,
// on a connection of its own: the writer connection never checkpoints
// (writerDriverName), so a commit costs one fsync, of the WAL (run by the
// syncer), and no more. A PASSIVE checkpoint copies what no reader still
// needs without waiting for anyone; the writer starts the WAL over when,
// as it begins a transaction, everything in it has been copied. Under a
// load that never pauses that moment never comes, and the WAL grew for
// as long as the load lasted (830 MB in a 40 000-form intake run): every
// commit then wrote new pages of the file, which the kernel zeroes first
// (a fifth of the CPU), and every read searched a longer WAL index. A
// RESTART checkpoint was meant to force it, but it waits for the write
// lock, which the writer takes again the moment it commits: it waited
// until the load ended. So past restartPages the checkpointer holds the
// store's writer back itself (quiet) for a RESTART, which then has only
// the few pages written since the PASSIVE before it to copy and the
// readers still on the WAL to wait for; the next transaction finds the
// WAL all copied and unread, and starts it over.
type checkpointer struct {
	// mu is held by a checkpoint, and by hold and pause until released.
	mu      sync.Mutex
	db      *sql.DB
	quiet   *sync.Mutex // held by each write transaction of the store
	wake    chan struct{}
	done    chan struct{}
	stopped sync.WaitGroup
	once    sync.Once
	// restartPages is the WAL size, in pages, past which the log is made
	// to start over (walRestartPages; smaller in tests).
	restartPages int
	// restarts counts the RESTART checkpoints that completed.
	restarts atomic.Int64
}

const (
	// checkpointEvery spaces checkpoints under a steady stream of commits.
	checkpointEvery = 200 * time.Millisecond
	// walRestartPages is 64 MiB of WAL in 4 KiB pages.
	walRestartPages = 16384
	// restartWait bounds how long the writer waits for readers to leave
	// the WAL so that it can start over.
	restartWait = 5 * time.Millisecond
	// restartTail is what the writer may add during a pass, in pages, and
	// still be held back while the checkpoint copies it.
	restartTail = 256
)

func startCheckpointer(db *sql.DB, quiet *sync.Mutex) *checkpointer {
	c := &checkpointer{db: db, quiet: quiet, wake: make(chan struct{}, 1), done: make(chan struct{}), restartPages: walRestartPages}
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
	for {
		select {
		case <-c.done:
			return
		case <-c.wake:
		}
		c.mu.Lock()
		_, log, err := c.checkpoint("PASSIVE", 0)
		if err == nil && log > c.restartPages {
			// Copy what the writer added during each pass until little
			// is left, so that the writer waits for little.
			for range 3 {
				var next int
				if _, next, err = c.checkpoint("PASSIVE", 0); err != nil || next-log < restartTail {
					break
				}
				log = next
			}
			// The pages written during the last pass are few: the writer
			// waits for them alone, and for the readers still on the WAL,
			// a few milliseconds at most; readers that take longer leave
			// the restart to the next round.
			c.quiet.Lock()
			var busy bool
			busy, _, err = c.checkpoint("RESTART", restartWait)
			c.quiet.Unlock()
			if err == nil && !busy {
				c.restarts.Add(1)
			}
		}
		c.mu.Unlock()
		// A failed checkpoint is tried again with the next commit; the WAL
		// keeps every page meanwhile, so nothing is lost.
		select {
		case <-c.done:
			return
		case <-time.After(checkpointEvery):
		}
	}
}

// checkpoint runs a checkpoint; it reports whether it was cut short (by a
// reader, or the writer) and the WAL's size in pages. wait, when not
// zero, bounds its wait for the readers.
func (c *checkpointer) checkpoint(mode string, wait time.Duration) (bool, int, error) {
	ctx := context.Background()
	conn, err := c.db.Conn(ctx)
	if err != nil {
		return false, 0, err
	}
	defer conn.Close()
	if wait > 0 {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", wait.Milliseconds())); err != nil {
			return false, 0, err
		}
		defer conn.ExecContext(ctx, "PRAGMA busy_timeout = 10000")
	}
	var busy, log, done int
	err = conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &log, &done)
	return busy != 0, log, err
}

// hold waits for a checkpoint under way and holds off the next until
// release, keeping the connection open.
func (c *checkpointer) hold() (release func()) {
	c.mu.Lock()
	return func() {
		c.mu.Unlock()
		c.poke()
	}
}

// pause is hold that also closes the connection until resume: a bulk load
// takes the database out of WAL and back, which needs the only connection
// to it.
func (c *checkpointer) pause() (resume func()) {
	release := c.hold()
	c.db.SetMaxIdleConns(0)
	return func() {
		c.db.SetMaxIdleConns(1)
		release()
	}
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
