package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"supportdesk/core/helpdesk"
	"supportdesk/core/staff"
	"supportdesk/core/ticket"
)

// The ticket screens' backend calls. Each runs in a tea.Cmd and answers
// with a typed message addressed to the page that asked (its id), because
// several pages can be open at once and each drops answers it no longer
// waits for.

// Navigation between screens: a page asks, the root model acts.
type (
	openTicketMsg   struct{ id int64 }
	openLookupMsg   struct{}
	openBoardMsg    struct{}
	openRequestsMsg struct{}
	openAuditMsg    struct{}
	openHeldMsg     struct{}
	backMsg         struct{}
)

// navCmd returns a command that delivers msg at once.
func navCmd(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// queueLoadedMsg carries one page of the queue. gen ties it to a filter:
// pages of a filter the agent has since changed are dropped.
type queueLoadedMsg struct {
	to, gen, page int
	result        helpdesk.QueuePage
	err           error
}

// ticketLoadedMsg carries a ticket as it now is.
type ticketLoadedMsg struct {
	to, seq int
	view    helpdesk.TicketView
	err     error
}

// ticketAction names a write on a ticket, for the status line.
type ticketAction string

// The ticket writes.
const (
	actReply  ticketAction = "reply"
	actNote   ticketAction = "note"
	actStatus ticketAction = "status"
	actAssign ticketAction = "assign"
)

// ticketChangedMsg answers a write: the ticket as it now is, or an error
// (fault.CodeConflict when someone else changed it first).
type ticketChangedMsg struct {
	to     int
	action ticketAction
	view   helpdesk.TicketView
	err    error
	// status is what a reply set once sent (a macro's pending);
	// statusErr, when that failed after the reply went out.
	status    ticket.Status
	statusErr error
}

// agentsLoadedMsg carries the agents for an assignment picker.
type agentsLoadedMsg struct {
	to     int
	agents []helpdesk.AgentSummary
	err    error
}

// accountTicketsMsg carries the tickets linked to an account.
type accountTicketsMsg struct {
	to        int
	accountID string
	items     []helpdesk.QueueItem
	err       error
}

// boardLoadedMsg carries the supervisor board.
type boardLoadedMsg struct {
	to, seq int
	view    helpdesk.BoardView
	err     error
}

// boardTickMsg asks the board with id to refresh itself; a closed board
// never answers, so its ticking stops.
type boardTickMsg struct{ to int }

// queueTickMsg asks the queue to refresh itself.
type queueTickMsg struct{ to int }

// queueRefresh is how often the queue fetches its rows again: new tickets
// arrive and clocks run while an agent reads.
const queueRefresh = 30 * time.Second

func queueTickCmd(ctx context.Context, to int) tea.Cmd {
	return tickIn(ctx, queueRefresh, func(time.Time) tea.Msg { return queueTickMsg{to: to} })
}

// reassignedMsg answers a bulk reassignment.
type reassignedMsg struct {
	to     int
	result helpdesk.Reassigned
	name   string
	err    error
}

// closureDoneMsg answers an added or removed closure day.
type closureDoneMsg struct {
	to  int
	add bool
	day string
	err error
}

func (m queueLoadedMsg) callErr() error    { return m.err }
func (m ticketLoadedMsg) callErr() error   { return m.err }
func (m ticketChangedMsg) callErr() error  { return m.err }
func (m agentsLoadedMsg) callErr() error   { return m.err }
func (m accountTicketsMsg) callErr() error { return m.err }
func (m boardLoadedMsg) callErr() error    { return m.err }
func (m reassignedMsg) callErr() error     { return m.err }
func (m closureDoneMsg) callErr() error    { return m.err }

// isAnswer reports the messages addressed to a page: answers to its calls
// and its own refresh ticks. They go to every open page, since the page
// that asked may no longer be in view, and each takes only its own.
func isAnswer(msg tea.Msg) bool {
	switch msg.(type) {
	case boardTickMsg, queueTickMsg, requestsTickMsg:
		return true
	case langSavedMsg, touchedMsg, unlockedMsg:
		return false // the root's own
	case panelMsg:
		return true // an account panel's answer or timer
	case addressedMsg:
		return true // a page's answer or timer, by the page's id
	}
	_, ok := msg.(callAnswer)
	return ok
}

// call runs fn under the call timeout.
func call[T any](ctx context.Context, fn func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	return fn(ctx)
}

func queueCmd(ctx context.Context, t Tickets, tok staff.Token, f helpdesk.QueueFilter, to, gen, page int, at helpdesk.PageAt, size int) tea.Cmd {
	return func() tea.Msg {
		res, err := call(ctx, func(ctx context.Context) (helpdesk.QueuePage, error) {
			return t.Queue(ctx, tok, f, at, size)
		})
		return queueLoadedMsg{to: to, gen: gen, page: page, result: res, err: err}
	}
}

func ticketCmd(ctx context.Context, t Tickets, tok staff.Token, id int64, to, seq int) tea.Cmd {
	return func() tea.Msg {
		v, err := call(ctx, func(ctx context.Context) (helpdesk.TicketView, error) {
			return t.Ticket(ctx, tok, id)
		})
		return ticketLoadedMsg{to: to, seq: seq, view: v, err: err}
	}
}

// writeCmd runs one ticket write and reports it as a ticketChangedMsg.
func writeCmd(ctx context.Context, to int, action ticketAction, fn func(context.Context) (helpdesk.TicketView, error)) tea.Cmd {
	return func() tea.Msg {
		v, err := call(ctx, fn)
		return ticketChangedMsg{to: to, action: action, view: v, err: err}
	}
}

func replyCmd(ctx context.Context, t Tickets, tok staff.Token, id, version int64, body string, to int) tea.Cmd {
	return writeCmd(ctx, to, actReply, func(ctx context.Context) (helpdesk.TicketView, error) {
		return t.Reply(ctx, tok, id, version, body)
	})
}

func noteCmd(ctx context.Context, t Tickets, tok staff.Token, id, version int64, body string, to int) tea.Cmd {
	return writeCmd(ctx, to, actNote, func(ctx context.Context) (helpdesk.TicketView, error) {
		return t.Note(ctx, tok, id, version, body)
	})
}

func statusCmd(ctx context.Context, t Tickets, tok staff.Token, id, version int64, st ticket.Status, to int) tea.Cmd {
	return writeCmd(ctx, to, actStatus, func(ctx context.Context) (helpdesk.TicketView, error) {
		return t.SetStatus(ctx, tok, id, version, st)
	})
}

func assignCmd(ctx context.Context, t Tickets, tok staff.Token, id, version int64, agentID string, to int) tea.Cmd {
	return writeCmd(ctx, to, actAssign, func(ctx context.Context) (helpdesk.TicketView, error) {
		return t.Assign(ctx, tok, id, version, agentID)
	})
}

func agentsCmd(ctx context.Context, t Tickets, tok staff.Token, to int) tea.Cmd {
	return func() tea.Msg {
		a, err := call(ctx, func(ctx context.Context) ([]helpdesk.AgentSummary, error) {
			return t.Agents(ctx, tok)
		})
		return agentsLoadedMsg{to: to, agents: a, err: err}
	}
}

func accountTicketsCmd(ctx context.Context, t Tickets, tok staff.Token, accountID string, to int) tea.Cmd {
	return func() tea.Msg {
		items, err := call(ctx, func(ctx context.Context) ([]helpdesk.QueueItem, error) {
			return t.AccountTickets(ctx, tok, accountID)
		})
		return accountTicketsMsg{to: to, accountID: accountID, items: items, err: err}
	}
}

func boardCmd(ctx context.Context, t Tickets, tok staff.Token, to, seq int) tea.Cmd {
	return func() tea.Msg {
		v, err := call(ctx, func(ctx context.Context) (helpdesk.BoardView, error) {
			return t.Board(ctx, tok)
		})
		return boardLoadedMsg{to: to, seq: seq, view: v, err: err}
	}
}

// boardRefresh is how often the board reloads on its own.
const boardRefresh = 15 * time.Second

func boardTickCmd(ctx context.Context, to int) tea.Cmd {
	return tickIn(ctx, boardRefresh, func(time.Time) tea.Msg { return boardTickMsg{to: to} })
}

func reassignCmd(ctx context.Context, t Tickets, tok staff.Token, ids []int64, agentID, name string, to int) tea.Cmd {
	return func() tea.Msg {
		res, err := call(ctx, func(ctx context.Context) (helpdesk.Reassigned, error) {
			return t.Reassign(ctx, tok, ids, agentID)
		})
		return reassignedMsg{to: to, result: res, name: name, err: err}
	}
}

func closureCmd(ctx context.Context, t Tickets, tok staff.Token, add bool, day, reason string, to int) tea.Cmd {
	return func() tea.Msg {
		_, err := call(ctx, func(ctx context.Context) (struct{}, error) {
			if add {
				return struct{}{}, t.AddClosure(ctx, tok, day, reason)
			}
			return struct{}{}, t.RemoveClosure(ctx, tok, day)
		})
		return closureDoneMsg{to: to, add: add, day: day, err: err}
	}
}
