package store

import (
	"slices"
	"testing"
)

func TestStatementRows(t *testing.T) {
	for _, c := range []struct {
		total int
		want  []int
	}{
		{0, nil},
		{1, []int{1}},
		{7, []int{1, 1, 1, 1, 1, 1, 1}},
		{8, []int{8}},
		{141, []int{128, 8, 1, 1, 1, 1, 1}},
		{300, []int{128, 128, 8, 8, 8, 8, 8, 1, 1, 1, 1}},
	} {
		if got := StatementRows(c.total); !slices.Equal(got, c.want) {
			t.Errorf("StatementRows(%d) = %v, want %v", c.total, got, c.want)
		}
	}
}
