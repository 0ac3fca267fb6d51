package staff

import (
	"testing"

	"supportdesk/core/access"
	"supportdesk/core/fault"
)

// An agent's display name, typed by an admin, follows the text policy for
// names: no escape sequence or invisible format character reaches every
// screen that names the agent.
func TestAgentNameFollowsThePolicy(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"Ana\x1b[31m", "Ana\x00", "Ana\u200b López", "\u202eanA", "Ana\u2028López", "Ana\U000E0041", "\xff"} {
		in := NewAgent{Email: "ana@example.gov", DisplayName: name, Role: access.RoleAgent}
		_, err := in.check()
		if e, ok := fault.As(err); !ok || e.Code != fault.CodeInvalidInput || e.Field != "name" || e.Max != MaxAgentName {
			t.Errorf("display name %q: %#v", name, err)
		}
	}
	in := NewAgent{Email: "ana@example.gov", DisplayName: "Ana 👩\u200d💻 López", Role: access.RoleAgent}
	if _, err := in.check(); err != nil {
		t.Errorf("a ZWJ in a name: %v", err)
	}
}
