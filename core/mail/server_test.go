package mail

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message a test server accepted or refused.
type received struct {
	From     string
	To       []string
	Data     []byte
	TLS      bool
	User     string
	Helo     string
	Accepted bool
}

// testServer is a real SMTP server on loopback that records what it gets.
type testServer struct {
	Host string
	Port int

	mu      sync.Mutex
	got     []received // every DATA, accepted or not
	user    string     // when set, MAIL needs AUTH PLAIN with user/pass
	pass    string
	reject  func(n int) error     // the reply to the n-th DATA (from 1); nil accepts
	rcptErr func(to string) error // the reply to RCPT; nil accepts
	utf8    []bool                // per MAIL: whether it asked for SMTPUTF8
}

type serverOpts struct {
	mode       TLSMode // none: plain; starttls: offers STARTTLS; tls: TLS from the start
	user, pass string
	reject     func(n int) error
	rcptErr    func(to string) error
	smtputf8   bool // offer SMTPUTF8 (RFC 6531)
}

// startServer starts a server for the test and returns it with a client
// TLS config that trusts its self-signed certificate.
func startServer(t *testing.T, o serverOpts) (*testServer, *tls.Config) {
	t.Helper()
	ts := &testServer{user: o.user, pass: o.pass, reject: o.reject, rcptErr: o.rcptErr}
	s := smtp.NewServer(ts)
	s.Domain = "localhost"
	s.ErrorLog = log.New(io.Discard, "", 0) // clients that hang up on purpose are not news
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	s.EnableSMTPUTF8 = o.smtputf8
	serverTLS, clientTLS := selfSigned(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	switch o.mode {
	case TLSStartTLS:
		s.TLSConfig = serverTLS
	case TLSImplicit:
		l = tls.NewListener(l, serverTLS)
	default:
		s.AllowInsecureAuth = true // plain text on loopback, as the client allows
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	host, port, _ := net.SplitHostPort(l.Addr().String())
	ts.Host = host
	ts.Port, _ = strconv.Atoi(port)
	return ts, clientTLS
}

// messages returns what the server got, accepted or not.
func (ts *testServer) messages() []received {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]received(nil), ts.got...)
}

// accepted returns the messages the server took.
func (ts *testServer) accepted() []received {
	var out []received
	for _, m := range ts.messages() {
		if m.Accepted {
			out = append(out, m)
		}
	}
	return out
}

// NewSession implements smtp.Backend.
func (ts *testServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &testSession{ts: ts, conn: c}, nil
}

type testSession struct {
	ts   *testServer
	conn *smtp.Conn
	user string
	from string
	to   []string
}

func (s *testSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *testSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != s.ts.user || password != s.ts.pass {
			return smtp.ErrAuthFailed
		}
		s.user = username
		return nil
	}), nil
}

func (s *testSession) Mail(from string, opts *smtp.MailOptions) error {
	s.ts.mu.Lock()
	s.ts.utf8 = append(s.ts.utf8, opts != nil && opts.UTF8)
	s.ts.mu.Unlock()
	if s.ts.user != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *testSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.ts.rcptErr != nil {
		if err := s.ts.rcptErr(to); err != nil {
			return err
		}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *testSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.ts.mu.Lock()
	defer s.ts.mu.Unlock()
	m := received{From: s.from, To: s.to, Data: data, TLS: isTLS, User: s.user, Helo: s.conn.Hostname(), Accepted: true}
	if s.ts.reject != nil {
		err = s.ts.reject(len(s.ts.got) + 1)
	}
	m.Accepted = err == nil
	s.ts.got = append(s.ts.got, m)
	return err
}

func (s *testSession) Reset()        { s.from, s.to = "", nil }
func (s *testSession) Logout() error { return nil }

// tempFail is the 451 a busy server answers; its text quotes the
// recipient, as real servers do, so tests can check it is not stored.
func tempFail(int) error {
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
		Message: "Try again later, mailbox jose@example.com busy"}
}

// noSuchUser is the permanent refusal of a recipient.
func noSuchUser(to string) error {
	return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
		Message: "<" + to + ">: Recipient address rejected: User unknown"}
}

// selfSigned makes a certificate for 127.0.0.1 and localhost, and a client
// config that trusts it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	return server, &tls.Config{RootCAs: pool}
}
