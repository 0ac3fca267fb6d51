package postgres

import (
	"context"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"supportdesk/core/fault"
	"supportdesk/core/store"
)

// Meta reads a meta value; a missing key is fault.ErrNotFound. In a write
// transaction the row is locked, since a caller that reads a value (an
// Idempotency-Key's record, the key check tag) writes it next.
func (c *conn) Meta(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	return v, c.scanOne(ctx, `SELECT value FROM meta WHERE key = $1`+c.forUpdate(), []any{key}, &v)
}

// MetaKeys lists meta keys with a prefix after a key, in byte order (the
// column's collation is "C", as SQLite compares text).
func (c *conn) MetaKeys(ctx context.Context, prefix, after string, limit int) ([]string, error) {
	// A range on the primary key, not LIKE, whose '_' and '%' a prefix may
	// hold: the prefix is matched byte for byte.
	scan := func(r pgx.Row) (string, error) {
		var k string
		return k, r.Scan(&k)
	}
	if end, ok := prefixEnd(prefix); ok {
		return all(c, ctx, `SELECT key FROM meta WHERE key >= $1 AND key < $2 AND key > $3 ORDER BY key LIMIT $4`,
			scan, prefix, end, after, limit)
	}
	return all(c, ctx, `SELECT key FROM meta WHERE key >= $1 AND key > $2 ORDER BY key LIMIT $3`,
		scan, prefix, after, limit)
}

// prefixEnd is the least string above every string that starts with
// prefix, in byte order; false when there is none (an empty prefix, or
// one of only the highest code point). SQLite's backend bounds the range
// with prefix+"\xff", which PostgreSQL refuses as invalid UTF-8: the last
// code point that can grow is raised by one instead (UTF-8 byte order is
// code point order, so that is the bound).
func prefixEnd(prefix string) (string, bool) {
	rs := []rune(prefix)
	for i := len(rs) - 1; i >= 0; i-- {
		r := rs[i] + 1
		if r >= 0xD800 && r <= 0xDFFF {
			r = 0xE000 // surrogates are not characters
		}
		if r <= utf8.MaxRune {
			return string(append(rs[:i:i], r)), true
		}
	}
	return "", false
}

// PutMeta stores a meta value.
func (t *txn) PutMeta(ctx context.Context, key string, value []byte) error {
	_, err := t.exec(ctx, `INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		key, value)
	return err
}

// DeleteMeta removes a meta row; a missing one is not an error.
func (t *txn) DeleteMeta(ctx context.Context, key string) error {
	_, err := t.exec(ctx, `DELETE FROM meta WHERE key = $1`, key)
	return err
}

// PutThrottle stores a counter, whether or not its row exists.
func (t *txn) PutThrottle(ctx context.Context, th store.Throttle) error {
	_, err := t.exec(ctx, `INSERT INTO throttles (key, count, window_start) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET count = excluded.count, window_start = excluded.window_start`,
		th.Key, th.Count, ms(th.WindowStart))
	return err
}

// Throttle reads a counter; a missing one is zero. In a write transaction
// it first takes the counter's advisory lock, held to commit: the row may
// not exist yet, so a row lock could not stop two processes from both
// reading zero and both taking the last attempt.
func (c *conn) Throttle(ctx context.Context, key string) (store.Throttle, error) {
	if err := c.lock(ctx, "throttle:"+key); err != nil {
		return store.Throttle{}, err
	}
	th := store.Throttle{Key: key}
	var ws int64
	err := c.scanOne(ctx, `SELECT count, window_start FROM throttles WHERE key = $1`, []any{key}, &th.Count, &ws)
	if fault.CodeOf(err) == fault.CodeNotFound {
		return th, nil
	}
	th.WindowStart = tm(ws)
	return th, err
}
