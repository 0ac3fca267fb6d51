package monitor

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// Health answers /healthz: 200 {"status":"ok","schema":N} when Probe
// answers within Timeout, else 503 {"status":"unavailable"}. The reason is
// left to the logs: the answer may reach the internet.
type Health struct {
	// Probe reads the store and returns its schema version.
	Probe func(ctx context.Context) (int, error)
	// Timeout bounds the probe (default 2 s); a probe stuck past it is
	// abandoned and the answer is 503.
	Timeout time.Duration
}

func (h Health) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "", http.StatusMethodNotAllowed)
		return
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	type answer struct {
		schema int
		err    error
	}
	done := make(chan answer, 1)
	go func() {
		v, err := h.Probe(ctx)
		done <- answer{v, err}
	}()
	body := map[string]any{"status": "unavailable"}
	status := http.StatusServiceUnavailable
	select {
	case a := <-done:
		if a.err == nil {
			body, status = map[string]any{"status": "ok", "schema": a.schema}, http.StatusOK
		}
	case <-ctx.Done():
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}
