package sqlite

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// New tickets are counted by tallyNew, not by a trigger (migration 0011),
// so a statement that updates or deletes tickets must run after it: the
// update and delete triggers take a row out of counts it must be in. This
// holds every function of the store that writes such a statement to it.
func TestTicketWritesCountNewTicketsFirst(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			writes, counts := false, false
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.BasicLit:
					q := strings.ToUpper(strings.Join(strings.Fields(n.Value), " "))
					if strings.Contains(q, "UPDATE TICKETS ") || strings.Contains(q, "DELETE FROM TICKETS ") {
						writes = true
					}
				case *ast.SelectorExpr:
					if n.Sel.Name == "tallyNew" {
						counts = true
					}
				}
				return true
			})
			if writes {
				checked++
				if !counts {
					t.Errorf("%s: %s changes tickets without counting the transaction's new ones first (tallyNew)",
						fset.Position(fn.Pos()), fn.Name.Name)
				}
			}
		}
	}
	if checked < 2 { // UpdateTicket and UpdateClock at least
		t.Fatalf("found %d functions that change tickets; the check no longer sees them", checked)
	}
}
