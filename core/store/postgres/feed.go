package postgres

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"supportdesk/core/fault"
	"supportdesk/core/feed"
)

// Feed is the change feed of every process on one database: a notice
// published in one goes out by NOTIFY, and each process's LISTEN fans it
// out to its own subscribers, the publisher's included, so a notice
// reaches each console once.
type Feed struct {
	pool    *pgxpool.Pool
	channel string
	local   *feed.Memory
	notify  func(ctx context.Context, payload string) error

	mu      sync.Mutex
	pending []feed.Change // published, not yet sent
	lost    bool          // some were dropped: send one Resync instead
	closed  bool
	wake    chan struct{}

	pid    atomic.Uint32 // the listening backend, 0 while reconnecting
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

var _ feed.Feed = (*Feed)(nil)

const (
	// maxPayload keeps each NOTIFY under the server's 8000-byte limit.
	maxPayload = 7000
	// maxPending bounds what waits to be sent while the database is slow
	// or away; beyond it the notices become one Resync.
	maxPending = 4096
	// idleCheck is how long the listener waits in silence before it pings:
	// a peer that vanished without a word would otherwise leave it
	// waiting for as long as TCP keepalive takes (most of an hour).
	idleCheck   = 30 * time.Second
	pingTimeout = 5 * time.Second
	minBackoff  = 100 * time.Millisecond
	maxBackoff  = 5 * time.Second
	// sendTimeout bounds one NOTIFY, and so how long Close waits for the
	// last ones.
	sendTimeout = 3 * time.Second
)

// Feed starts the store's change feed: it returns once it listens (ctx
// bounds that first connection only), and runs until Close, which must
// come before the store's own Close. Every process on the same database
// and schema shares it.
func (s *Store) Feed(ctx context.Context) (*Feed, error) {
	return newFeed(ctx, s.pool, channel(s.schema), nil)
}

// channel is the feed's NOTIFY channel: one per schema, since the schema
// is what the processes share (tests give each store its own). Its name
// stays within PostgreSQL's 63 bytes.
func channel(schema string) string {
	const base = "supportdesk_feed"
	if schema == "" {
		return base
	}
	if ch := base + "_" + schema; len(ch) <= 63 {
		return ch
	}
	h := fnv.New64a()
	h.Write([]byte(schema))
	return fmt.Sprintf("%s_%016x", base, h.Sum64())
}

// newFeed listens on ch; notify, if not nil, replaces pg_notify (tests
// make sends fail with it).
func newFeed(ctx context.Context, pool *pgxpool.Pool, ch string, notify func(context.Context, string) error) (*Feed, error) {
	f := &Feed{
		pool:    pool,
		channel: ch,
		local:   feed.NewMemory(),
		notify:  notify,
		wake:    make(chan struct{}, 1),
	}
	if f.notify == nil {
		f.notify = func(ctx context.Context, payload string) error {
			_, err := pool.Exec(ctx, "SELECT pg_notify($1, $2)", ch, payload)
			return err
		}
	}
	c, err := f.connect(ctx)
	if err != nil {
		return nil, err
	}
	run, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f.cancel = cancel
	f.wg.Add(2)
	go f.listen(run, c)
	go f.send(run)
	return f, nil
}

// Subscribe implements feed.Feed.
func (f *Feed) Subscribe(ctx context.Context) (<-chan feed.Change, func()) {
	return f.local.Subscribe(ctx)
}

// Publish implements feed.Publisher: it queues the notices for the
// sender and returns at once. They come back to this process's
// subscribers through LISTEN, like everyone else's.
func (f *Feed) Publish(changes ...feed.Change) {
	if len(changes) == 0 {
		return
	}
	f.mu.Lock()
	switch {
	case f.closed:
	case f.lost:
		// A Resync is on its way; it covers these too.
	case len(f.pending)+len(changes) > maxPending:
		f.pending, f.lost = nil, true
	default:
		f.pending = append(f.pending, changes...)
	}
	f.mu.Unlock()
	f.poke()
}

func (f *Feed) poke() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// take returns what waits to be sent, a Resync alone if some was lost.
func (f *Feed) take() []feed.Change {
	f.mu.Lock()
	defer f.mu.Unlock()
	out, lost := f.pending, f.lost
	f.pending, f.lost = nil, false
	if lost {
		return []feed.Change{{Kind: feed.Resync}}
	}
	return out
}

// send is the one goroutine that NOTIFYs: one sender, one statement at a
// time, keeps each publisher's notices in order.
func (f *Feed) send(ctx context.Context) {
	defer f.wg.Done()
	wait := minBackoff
	for {
		select {
		case <-f.wake:
		case <-ctx.Done():
		}
		closing := ctx.Err() != nil
		switch {
		case f.flush():
			wait = minBackoff
		case !closing:
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
			wait = min(2*wait, maxBackoff)
			f.poke()
		}
		if closing {
			return
		}
	}
}

// flush sends what is pending. Each send has a deadline of its own, not
// the feed's context, so that Close lets the last notices go out; one
// that fails becomes a Resync for the next try, since whoever missed it
// must reload all once the server is back.
func (f *Feed) flush() bool {
	for _, p := range split(f.take(), maxPayload) {
		ctx, cancel := context.WithTimeout(context.Background(), sendTimeout)
		err := f.notify(ctx, p)
		cancel()
		if err != nil {
			f.mu.Lock()
			f.pending, f.lost = nil, true
			f.mu.Unlock()
			return false
		}
	}
	return true
}

// connect opens the listening connection, outside the pool so that a busy
// pool cannot keep it waiting.
func (f *Feed) connect(ctx context.Context) (*pgx.Conn, error) {
	c, err := pgx.ConnectConfig(ctx, f.pool.Config().ConnConfig)
	if err != nil {
		return nil, fault.Storage(fmt.Errorf("postgres: feed: %w", redact(err)))
	}
	if _, err := c.Exec(ctx, "LISTEN "+pgx.Identifier{f.channel}.Sanitize()); err != nil {
		c.Close(context.WithoutCancel(ctx))
		return nil, fault.Storage(fmt.Errorf("postgres: feed: %w", err))
	}
	f.pid.Store(c.PgConn().PID())
	return c, nil
}

// listen delivers notices from c, and from a new connection whenever one
// drops; subscribers get a Resync for what came while none listened.
func (f *Feed) listen(ctx context.Context, c *pgx.Conn) {
	defer f.wg.Done()
	wait := minBackoff
	for {
		if c != nil {
			f.receive(ctx, c)
			f.pid.Store(0)
			closing, cancel := context.WithTimeout(context.Background(), pingTimeout)
			c.Close(closing)
			cancel()
			c = nil
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return
		}
		var err error
		if c, err = f.connect(ctx); err != nil {
			wait = min(2*wait, maxBackoff)
			continue
		}
		wait = minBackoff
		f.local.Publish(feed.Change{Kind: feed.Resync})
	}
}

// receive delivers notices until c fails or ctx ends.
func (f *Feed) receive(ctx context.Context, c *pgx.Conn) {
	for ctx.Err() == nil {
		idle, cancel := context.WithTimeout(ctx, idleCheck)
		n, err := c.WaitForNotification(idle)
		cancel()
		if n != nil {
			f.deliver(n.Payload)
		}
		if err == nil {
			continue
		}
		if !pgconn.Timeout(err) || ctx.Err() != nil {
			return
		}
		// Silence: make sure the server is still there. A notice that
		// arrives meanwhile waits in c for the next WaitForNotification.
		ping, cancel := context.WithTimeout(ctx, pingTimeout)
		err = c.Ping(ping)
		cancel()
		if err != nil {
			return
		}
	}
}

func (f *Feed) deliver(payload string) {
	changes, ok := decode(payload)
	if !ok {
		// A notice this binary cannot read (a newer one's): reloading all
		// is right whatever it said.
		changes = []feed.Change{{Kind: feed.Resync}}
	}
	f.local.Publish(changes...)
}

// Close stops the feed: what is pending is sent if the server answers
// within a moment, the listening connection closes, and both goroutines
// have ended when it returns. Subscriptions stay open until their own
// end; nothing more comes on them.
func (f *Feed) Close() error {
	f.once.Do(func() {
		f.mu.Lock()
		f.closed = true
		f.mu.Unlock()
		f.cancel()
		f.wg.Wait()
	})
	return nil
}

// sep joins the wire forms in a payload; no notice contains it.
const sep = ","

// split joins the notices' wire forms into payloads of at most limit
// bytes, in order, never cutting a notice in two.
func split(changes []feed.Change, limit int) []string {
	var out []string
	var b strings.Builder
	for _, c := range changes {
		s := c.String()
		if b.Len() > 0 && b.Len()+len(sep)+len(s) > limit {
			out = append(out, b.String())
			b.Reset()
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(s)
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// decode reads a payload split made; ok is false if any part is not a
// notice.
func decode(payload string) (changes []feed.Change, ok bool) {
	for s := range strings.SplitSeq(payload, sep) {
		c, known := feed.Parse(s)
		if !known {
			return nil, false
		}
		changes = append(changes, c)
	}
	return changes, true
}
