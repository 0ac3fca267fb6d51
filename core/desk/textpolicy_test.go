package desk_test

import (
	"testing"

	"supportdesk/core/desk"
	"supportdesk/core/fault"
)

// A reason staff give follows the text policy for names and subjects.
func TestCheckReasonFollowsThePolicy(t *testing.T) {
	t.Parallel()
	for _, reason := range []string{"a\x00b", "a\x1b[2Jb", "a\u009bb", "Caller\u200b asked", "\u202eksa", "a\u200fb",
		"a\u2028b", "\ufeffok", "ok\U000E0041", "a\tb", "\xff"} {
		_, err := desk.CheckReason(reason)
		if e, ok := fault.As(err); !ok || e.Code != fault.CodeInvalidInput || e.Field != "reason" || e.Max != desk.MaxReason {
			t.Errorf("CheckReason(%q) = %#v", reason, err)
		}
	}
	for _, reason := range []string{"Caller verified by the SSA desk", "می\u200cخواهم", "👩\u200d💻 asked"} {
		if got, err := desk.CheckReason(" " + reason + " "); err != nil || got != reason {
			t.Errorf("CheckReason(%q) = %q, %v", reason, got, err)
		}
	}
}

// A control or format character in a look-up query is refused as an
// unrecognised query, before any normalization or storage.
func TestClassifyRefusesControls(t *testing.T) {
	t.Parallel()
	for _, q := range []string{"jane\x00@example.com", "\x00", "2025550142\x00", "jane\u200b@example.com", "jane@exa\u202emple.com",
		"\u2066jane@example.com", "jane@example.com\U000E0041", "jane\u2028@example.com", "\ufeff2025550142"} {
		_, _, err := desk.Classify(q)
		if e, ok := fault.As(err); !ok || e.Code != fault.CodeQueryUnrecognised || e.Field != "query" {
			t.Errorf("Classify(%q) = %#v, want query_unrecognised", q, err)
		}
	}
}
