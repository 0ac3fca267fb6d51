package mailin

import (
	"io"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// backend makes one session per connection (go-smtp calls it at HELO, so
// MAIL before HELO is refused by go-smtp).
type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	tc, _ := c.Conn().(*conn)
	return &session{s: b.s, c: tc}, nil
}

// session is one SMTP/LMTP conversation: the recipients of the message
// under way.
type session struct {
	s     *Server
	c     *conn
	rcpts []string
}

func (ss *session) Reset()        { ss.rcpts = nil }
func (ss *session) Logout() error { return nil }

func (ss *session) Mail(string, *smtp.MailOptions) error {
	if ss.s.isClosing() {
		return errClosing
	}
	ss.rcpts = nil
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !ss.s.accepts(to) {
		return errRelay
	}
	ss.rcpts = append(ss.rcpts, to)
	return nil
}

// Data reads and delivers the message; while it runs, Shutdown leaves the
// connection alone.
func (ss *session) Data(r io.Reader) error {
	if ss.c != nil {
		ss.c.setBusy(true)
		defer ss.c.setBusy(false)
	}
	return ss.s.deliver(append([]string(nil), ss.rcpts...), r)
}

// listener registers every connection it accepts with the server, so that
// Shutdown can end the idle ones.
type listener struct {
	net.Listener
	s *Server
}

func (l *listener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	c := &conn{Conn: nc, s: l.s, timeout: orDefault(l.s.ReadTimeout)}
	l.s.mu.Lock()
	l.s.conns[c] = struct{}{}
	if l.s.closing {
		c.closing = true
	}
	l.s.mu.Unlock()
	return c, nil
}

// conn is an accepted connection that Shutdown can end between messages:
// once closing, a read outside DATA ends the conversation (go-smtp sees
// EOF), and a read blocked waiting for a command is woken by a deadline.
type conn struct {
	net.Conn
	s       *Server
	timeout time.Duration

	mu      sync.Mutex
	busy    bool // a message is being read or delivered
	closing bool
}

// closeIdle marks the connection closing and wakes a read waiting for a
// command.
func (c *conn) closeIdle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closing = true
	if !c.busy {
		c.Conn.SetReadDeadline(time.Now())
	}
}

// setBusy marks the start or end of a message. A message that started
// just as Shutdown woke the connection gets its read deadline back.
func (c *conn) setBusy(busy bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.busy = busy
	if busy && c.closing {
		c.Conn.SetReadDeadline(time.Now().Add(c.timeout))
	}
}

func (c *conn) idleAndClosing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closing && !c.busy
}

func (c *conn) Read(b []byte) (int, error) {
	if c.idleAndClosing() {
		return 0, io.EOF
	}
	return c.Conn.Read(b)
}

// SetReadDeadline keeps the deadline Shutdown set on an idle connection.
func (c *conn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing && !c.busy {
		return nil
	}
	return c.Conn.SetReadDeadline(t)
}

func (c *conn) Close() error {
	c.s.mu.Lock()
	delete(c.s.conns, c)
	c.s.mu.Unlock()
	return c.Conn.Close()
}
