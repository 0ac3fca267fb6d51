package store

import (
	"encoding/json"
	"strings"
	"time"

	"supportdesk/core/audit"
	"supportdesk/core/fault"
	"supportdesk/core/notify"
)

// Both backends store these values the same way, so that storecopy moves
// rows from one to the other as they are.

// UnixMS stores a time as unix milliseconds, the zero time as 0.
func UnixMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// TimeOfMS reads UnixMS back, in UTC; 0 is the zero time.
func TimeOfMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// SplitList reads a list column (values joined with commas); "" is none.
func SplitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// OutboxValues are the values of an outbox row, in the order of the
// backends' outbox columns after the id (created_at … sent_at); a
// notification with no status is queued.
func OutboxValues(n *notify.Notification) ([]any, error) {
	data, err := json.Marshal(n.Data)
	if err != nil {
		return nil, fault.Storage(err)
	}
	if n.Status == "" {
		n.Status = notify.StatusQueued
	}
	return []any{UnixMS(n.CreatedAt), n.AccountID, string(n.Channel), string(n.Template), n.Language, n.ToSealed, string(data),
		string(n.Status), n.Attempts, UnixMS(n.NextAttempt), n.MessageID, n.AAD, n.TicketID, n.LastError, UnixMS(n.SentAt)}, nil
}

// AuditValues are the values of a sealed audit entry's row, in the order
// of the backends' audit columns (seq … mac). The hashes and MAC are
// empty blobs, not NULL, when absent: the first entry has no predecessor,
// and the entries of an unkeyed store no MAC.
func AuditValues(e audit.Entry) []any {
	prev, mac := e.PrevHash, e.MAC
	if prev == nil {
		prev = []byte{}
	}
	if mac == nil {
		mac = []byte{}
	}
	return []any{e.Seq, e.At.UnixMilli(), e.ActorID, e.ActorRole, e.Session, e.Action, e.TargetType, e.TargetID, e.Detail,
		prev, e.Hash, mac}
}

// Rows per statement of a multi-row write (StatementRows).
const (
	BatchRows = 128
	BatchTail = 8
)

// StatementRows splits total rows into the row counts of the statements
// that write them, in order: BatchRows a statement, what is left BatchTail
// at a time, then one by one, so that a backend prepares three statement
// texts a table whatever the batch sizes.
func StatementRows(total int) []int {
	var out []int
	for total > 0 {
		n := 1
		switch {
		case total >= BatchRows:
			n = BatchRows
		case total >= BatchTail:
			n = BatchTail
		}
		out = append(out, n)
		total -= n
	}
	return out
}
