package mail

import (
	"bufio"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// hangRelay is a hand-written SMTP relay on loopback that goes silent at
// one stage: "greeting" (never says 220), "mail" (greets, then never
// answers MAIL), or "data" (takes the whole message, never answers the
// final dot). It returns the port.
func hangRelay(t *testing.T, stage string) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				go func() { <-done; c.Close() }()
				if stage == "greeting" {
					<-done
					return
				}
				c.Write([]byte("220 hang ESMTP\r\n"))
				r := bufio.NewReader(c)
				inData := false
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					line = strings.TrimRight(line, "\r\n")
					cmd := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
					switch {
					case inData && line == ".":
						<-done // "data": silent after the dot
						return
					case inData:
					case cmd == "EHLO" || cmd == "HELO":
						c.Write([]byte("250 hang\r\n"))
					case cmd == "MAIL" && stage == "mail":
						<-done
						return
					case cmd == "DATA":
						inData = true
						c.Write([]byte("354 go ahead\r\n"))
					default:
						c.Write([]byte("250 ok\r\n"))
					}
				}
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// Each SMTP stage has its own bound, well inside the whole send's: a relay
// that hangs at any stage costs that stage's timeout, not the send's.
func TestSMTPStageTimeouts(t *testing.T) {
	t.Parallel()
	for _, stage := range []string{"greeting", "mail", "data"} {
		for _, mode := range []TLSMode{TLSNone, TLSStartTLS} {
			if mode == TLSStartTLS && stage != "greeting" {
				continue // the hand-written relay speaks no TLS
			}
			t.Run(stage+"/"+string(mode), func(t *testing.T) {
				t.Parallel()
				port := hangRelay(t, stage)
				m := sample
				s := &SMTP{Host: "127.0.0.1", Port: port, Mode: mode, ConnectTimeout: time.Second,
					GreetingTimeout: 200 * time.Millisecond, CommandTimeout: 200 * time.Millisecond,
					DataTimeout: 200 * time.Millisecond, Timeout: time.Minute}
				start := time.Now()
				err := s.Send(t.Context(), &m)
				took := time.Since(start)
				var se *SendError
				if !errors.As(err, &se) || errors.Is(err, ErrPermanent) {
					t.Fatalf("Send = %v; want a transient SendError", err)
				}
				if se.Stage != stage {
					t.Errorf("stage = %q, want %q (%v)", se.Stage, stage, err)
				}
				if took > 3*time.Second {
					t.Errorf("Send took %v against a relay hung at %s", took, stage)
				}
			})
		}
	}
}
