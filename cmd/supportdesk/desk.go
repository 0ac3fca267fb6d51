package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"supportdesk/core/service"
	"supportdesk/core/store/postgres"
	"supportdesk/core/store/sqlite"
)

// desk is where a desk lives: its database, a SQLite file or a
// PostgreSQL URL, and the files that stay on this machine beside it (the
// key file, the SMS log of the demo gateway, the configuration).
type desk struct {
	db     string
	pg     bool
	dir    string // the folder of the files beside the database
	key    string
	smsLog string
	// hostKey is the SSH host key serve makes on first start; the serve
	// processes of one desk behind a load balancer need the same one.
	hostKey string
}

// locate says where the desk of db keeps its files. A SQLite desk keeps
// them beside its file (PATH.key, PATH.sms.log). A PostgreSQL desk keeps
// them in the data folder ($XDG_DATA_HOME/supportdesk), and its key file
// is $SUPPORTDESK_KEY when set: every serve process of one desk must
// read the same key file.
func (a *app) locate(db string) desk {
	if !postgres.IsURL(db) {
		return desk{db: db, dir: filepath.Dir(db), key: db + ".key", smsLog: db + ".sms.log", hostKey: db + ".ssh_host_ed25519"}
	}
	dir := dataDir(a.getenv)
	key := a.getenv("SUPPORTDESK_KEY")
	if key == "" {
		key = filepath.Join(dir, "postgres.key")
	}
	return desk{db: db, pg: true, dir: dir, key: key, smsLog: filepath.Join(dir, "postgres.sms.log"),
		hostKey: filepath.Join(dir, "postgres.ssh_host_ed25519")}
}

// ensureDir creates the folder of the files beside the database (mode
// 0700: it holds the key).
func (d desk) ensureDir() error {
	return os.MkdirAll(d.dir, 0o700)
}

// exists reports whether the desk was made already: a SQLite file there,
// or a PostgreSQL database holding a key check tag.
func (d desk) exists(ctx context.Context) (bool, error) {
	if !d.pg {
		return service.Exists(d.db), nil
	}
	_, existed, err := d.keyTag(ctx)
	return existed, err
}

// keyTag reads the key check tag of a desk without opening its store
// (nothing migrates or writes), and whether the desk was made already.
// A PostgreSQL desk is read once: its tag is what says it exists.
func (d desk) keyTag(ctx context.Context) (tag []byte, existed bool, err error) {
	if d.pg {
		tag, err = postgres.ReadMeta(ctx, d.db, service.KeyCheckMeta)
		return tag, tag != nil, err
	}
	if !service.Exists(d.db) {
		return nil, false, nil
	}
	tag, err = sqlite.ReadMeta(ctx, d.db, service.KeyCheckMeta)
	return tag, true, err
}

// deskExists is exists for a command that refuses a missing desk: a
// database it cannot reach counts as missing, and opening it says why.
func (a *app) deskExists(db string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ok, err := a.locate(db).exists(ctx)
	return ok || err != nil
}

// shown is a database as a message may show it: a URL's password
// replaced, and made safe for a terminal.
func shown(db string) string {
	if postgres.IsURL(db) {
		if u, err := url.Parse(db); err == nil {
			db = u.Redacted()
		} else {
			db = "postgres://…"
		}
	}
	return clean(db)
}
