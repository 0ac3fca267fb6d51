package store

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
