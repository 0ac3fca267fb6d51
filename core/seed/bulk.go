package seed

import (
	"context"
	"runtime"
	"sync"

	"supportdesk/core/account"
	"supportdesk/core/audit"
	"supportdesk/core/store"
)

// BulkLoader is what a backend may offer to fill a new database fast:
// fn runs ordinary write transactions with durability relaxed and
// secondary indexes built once at the end. Seeding asks for it with a type
// assertion, under the wrappers (the keyed audit log, the change feed).
type BulkLoader interface {
	BulkLoad(ctx context.Context, fn func(context.Context) error) error
}

// BulkWriter is what a backend may offer on top of BulkLoader: a write
// transaction for new accounts' rows that inserts them many to a
// statement. It takes no audit entries (see recorder).
type BulkWriter interface {
	BulkWrite(ctx context.Context, fn func(store.Tx) error) error
}

// inBulk runs fn inside the backend's bulk load when asked and offered,
// else as is.
func inBulk(ctx context.Context, st store.Store, want bool, fn func(context.Context) error) error {
	if b, ok := store.Under[BulkLoader](st); want && ok {
		return b.BulkLoad(ctx, fn)
	}
	return fn(ctx)
}

// op is one recorded write, replayed on the real transaction.
type op func(context.Context, store.Tx) error

// recorder is a store.Tx that records the writes account generation makes,
// so that the work before them (random draws, sealing, fingerprints) runs
// in parallel goroutines and one writer replays them in order. It offers
// only the writes seeding an account makes; anything else is a bug and
// panics on the nil Tx. Audit entries are kept apart: a bulk write cannot
// take them, they go through the keyed log's own Write.
type recorder struct {
	store.Tx
	ops, audits []op
}

func (r *recorder) add(o op) error { r.ops = append(r.ops, o); return nil }

func (r *recorder) InsertAccount(_ context.Context, a account.Account) error {
	return r.add(func(ctx context.Context, tx store.Tx) error { return tx.InsertAccount(ctx, a) })
}

func (r *recorder) UpdateAccount(_ context.Context, a *account.Account) error {
	c := *a
	a.Version++ // as the store does on success
	return r.add(func(ctx context.Context, tx store.Tx) error { return tx.UpdateAccount(ctx, &c) })
}

func (r *recorder) InsertEmail(_ context.Context, e *account.Email) error {
	return r.add(func(ctx context.Context, tx store.Tx) error { return tx.InsertEmail(ctx, e) })
}

func (r *recorder) InsertPhone(_ context.Context, p *account.Phone) error {
	return r.add(func(ctx context.Context, tx store.Tx) error { return tx.InsertPhone(ctx, p) })
}

func (r *recorder) InsertMethod(_ context.Context, m *account.Method) error {
	return r.add(func(ctx context.Context, tx store.Tx) error { return tx.InsertMethod(ctx, m) })
}

func (r *recorder) PutBackupCodes(_ context.Context, id string, codes []account.BackupCode) error {
	return r.add(func(ctx context.Context, tx store.Tx) error { return tx.PutBackupCodes(ctx, id, codes) })
}

func (r *recorder) PutProfile(_ context.Context, p account.Profile) error {
	return r.add(func(ctx context.Context, tx store.Tx) error { return tx.PutProfile(ctx, p) })
}

func (r *recorder) PutAgencyLink(_ context.Context, l account.AgencyLink) error {
	return r.add(func(ctx context.Context, tx store.Tx) error { return tx.PutAgencyLink(ctx, l) })
}

func (r *recorder) InsertDevice(_ context.Context, d *account.Device) error {
	return r.add(func(ctx context.Context, tx store.Tx) error { return tx.InsertDevice(ctx, d) })
}

func (r *recorder) InsertEvent(_ context.Context, e *account.Event) error {
	return r.add(func(ctx context.Context, tx store.Tx) error { return tx.InsertEvent(ctx, e) })
}

func (r *recorder) PutReset(_ context.Context, x account.Reset) error {
	return r.add(func(ctx context.Context, tx store.Tx) error { return tx.PutReset(ctx, x) })
}

func (r *recorder) AppendAudit(_ context.Context, e *audit.Entry) error {
	r.audits = append(r.audits, func(ctx context.Context, tx store.Tx) error { return tx.AppendAudit(ctx, e) })
	return nil
}

func (r *recorder) PutIDV(_ context.Context, v store.IDV) error {
	return r.add(func(ctx context.Context, tx store.Tx) error { return tx.PutIDV(ctx, v) })
}

func (r *recorder) InsertIDVAttempt(_ context.Context, a *store.IDVAttempt) error {
	return r.add(func(ctx context.Context, tx store.Tx) error { return tx.InsertIDVAttempt(ctx, a) })
}

func (r *recorder) PutEnrollment(_ context.Context, e store.Enrollment) error {
	return r.add(func(ctx context.Context, tx store.Tx) error { return tx.PutEnrollment(ctx, e) })
}

func (r *recorder) InsertLetter(_ context.Context, l *store.Letter) error {
	return r.add(func(ctx context.Context, tx store.Tx) error { return tx.InsertLetter(ctx, l) })
}

func (r *recorder) PutFraudReview(_ context.Context, f store.FraudReview) error {
	return r.add(func(ctx context.Context, tx store.Tx) error { return tx.PutFraudReview(ctx, f) })
}

func (r *recorder) PutThrottle(_ context.Context, t store.Throttle) error {
	return r.add(func(ctx context.Context, tx store.Tx) error { return tx.PutThrottle(ctx, t) })
}

// chunk is the writes of accounts [start, end), made by one worker.
type chunk struct {
	start, end  int
	ops, audits []op
	err         error
}

// take reads the chunks of up to batch accounts from done on, in order,
// and hands each to fn; it returns where it stopped.
func take(ctx context.Context, chunks <-chan chan chunk, done, batch, total int, fn func(chunk) error) (int, error) {
	for n := 0; n < batch && done < total; {
		wait, ok := <-chunks
		if !ok {
			return done, ctx.Err()
		}
		c := <-wait
		if c.err != nil {
			return done, c.err
		}
		if err := fn(c); err != nil {
			return done, err
		}
		n += c.end - c.start
		done = c.end
	}
	return done, nil
}

// replay runs ops on tx, in order.
func replay(ctx context.Context, tx store.Tx, ops []op) error {
	for _, o := range ops {
		if err := o(ctx, tx); err != nil {
			return err
		}
	}
	return nil
}

// chunkSize is how many accounts one worker generates at a time.
const chunkSize = 256

// generate runs mk for accounts [0, n) on every CPU, in chunks, and
// delivers the chunks in order on the returned channel. It stops early
// when ctx ends.
func generate(ctx context.Context, n int, mk func(ctx context.Context, tx store.Tx, i int) error) <-chan chan chunk {
	workers := runtime.GOMAXPROCS(0)
	// Room for a few thousand accounts ahead, so generation goes on while
	// the writer commits a batch.
	order := make(chan chan chunk, workers*16)
	work := make(chan func(), workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				f()
			}
		}()
	}
	go func() {
		defer close(order)
		defer func() { close(work); wg.Wait() }()
		for start := 0; start < n; start += chunkSize {
			c := chunk{start: start, end: min(start+chunkSize, n)}
			res := make(chan chunk, 1)
			select {
			case order <- res:
			case <-ctx.Done():
				return
			}
			job := func() {
				rec := &recorder{}
				for i := c.start; i < c.end && c.err == nil; i++ {
					c.err = mk(ctx, rec, i)
				}
				c.ops, c.audits = rec.ops, rec.audits
				res <- c
			}
			select {
			case work <- job:
			case <-ctx.Done():
				c.err = ctx.Err()
				res <- c // the writer may be waiting for this one
				return
			}
		}
	}()
	return order
}
