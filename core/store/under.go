package store

import "context"

// Under finds what the backend offers as T beneath a store's wrappers (the
// keyed audit log, the change feed each wrap the store they are given and
// name it with Unwrap): a backend's bulk load, maintenance, history.
func Under[T any](st Store) (T, bool) {
	for {
		if b, ok := st.(T); ok {
			return b, true
		}
		u, ok := st.(interface{ Unwrap() Store })
		if !ok {
			var zero T
			return zero, false
		}
		st = u.Unwrap()
	}
}

// Pipeliner is a Store whose commits can be made before they are on disk
// and reported once they are: WriteAsync runs fn and commits as Write
// does, but returns when the commit is visible, with a wait that returns
// once it is durable (or never will be). A caller that batches work, such
// as intake, commits the next batch while the disk syncs this one, and
// tells no one of a commit before its wait returns nil.
type Pipeliner interface {
	WriteAsync(ctx context.Context, fn func(Tx) error) (durable func() error, err error)
}

// WriteAsync runs fn through st's WriteAsync, or, for a store that is
// not a Pipeliner, through Write, with nothing left to wait for.
func WriteAsync(ctx context.Context, st Store, fn func(Tx) error) (func() error, error) {
	if p, ok := st.(Pipeliner); ok {
		return p.WriteAsync(ctx, fn)
	}
	if err := st.Write(ctx, fn); err != nil {
		return nil, err
	}
	return func() error { return nil }, nil
}
