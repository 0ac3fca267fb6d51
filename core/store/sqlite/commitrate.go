package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"time"

	"supportdesk/core/fault"
)

// CommitRate measures the machine's raw durable commit rate in dir: one
// single-row INSERT and its commit after another, for d, on a scratch
// SQLite file with the store's journal (WAL) and synchronous=FULL, so each
// commit waits for one fsync. It is the yardstick intake is compared with;
// the scratch file is removed afterwards.
func CommitRate(ctx context.Context, dir string, d time.Duration) (float64, error) {
	f, err := os.CreateTemp(dir, "commit-rate-*.db")
	if err != nil {
		return 0, fault.Storage(err)
	}
	path := f.Name()
	f.Close()
	defer func() {
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			os.Remove(p)
		}
	}()
	db, err := sql.Open("sqlite3", "file:"+filepath.ToSlash(path)+"?_journal_mode=WAL&_synchronous=FULL&_txlock=immediate")
	if err != nil {
		return 0, fault.Storage(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)`); err != nil {
		return 0, fault.Storage(err)
	}
	row := make([]byte, 200) // about an intake ticket's row
	n := 0
	start := time.Now()
	for time.Since(start) < d {
		if _, err := db.ExecContext(ctx, `INSERT INTO t (v) VALUES (?)`, row); err != nil {
			if errors.Is(err, context.Canceled) {
				break
			}
			return 0, fault.Storage(err)
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
