package smtp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// A client that sends MAIL, RCPT and BDAT in one write (RFC 2920, as
// Postfix does) hears nothing while its message is being stored, then the
// three replies in one piece; a client that waits for each reply still
// gets each at once.
func TestPipelinedRepliesLeaveTogether(t *testing.T) {
	d := &fakeDeliverer{gate: make(chan struct{}), entered: make(chan struct{}, 1)}
	_, addr := startServer(t, ServerConfig{}, d)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	reply := func() string {
		t.Helper()
		var all strings.Builder
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("reading a reply: %v (so far %q)", err, all.String())
			}
			all.WriteString(line)
			if len(line) >= 4 && line[3] == ' ' {
				return all.String()
			}
		}
	}
	if g := reply(); !strings.HasPrefix(g, "220 ") {
		t.Fatalf("greeting %q", g)
	}
	io.WriteString(c, "EHLO client.example\r\n")
	if g := reply(); !strings.HasPrefix(g, "250") || !strings.Contains(g, "CHUNKING") {
		t.Fatalf("EHLO reply %q, want 250 offering CHUNKING", g)
	}

	body := "From: ana@example.pt\r\nTo: desk@example.pt\r\nSubject: Pedido\r\n\r\nBom dia.\r\n"
	fmt.Fprintf(c, "MAIL FROM:<ana@example.pt>\r\nRCPT TO:<desk@example.pt>\r\nBDAT %d LAST\r\n%s", len(body), body)
	select {
	case <-d.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("deliverer never called")
	}
	buf := make([]byte, 4096)
	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if n, err := c.Read(buf); n > 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("while the message was being stored the client read %q (%v), want nothing yet", buf[:n], err)
	}
	close(d.gate)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(buf[:n]), "\r\n"), "\r\n")
	if len(lines) != 3 {
		t.Fatalf("first read after the delivery: %q, want the replies to MAIL, RCPT and BDAT together", buf[:n])
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, "250 ") {
			t.Errorf("reply %d: %q, want 250", i+1, l)
		}
	}
	onlyCall(t, d.Calls())

	// One command at a time: each reply comes without waiting for more.
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "NOOP\r\n")
	if n, err = c.Read(buf); err != nil || !strings.HasPrefix(string(buf[:n]), "250 ") {
		t.Fatalf("NOOP: %q, %v", buf[:n], err)
	}
	io.WriteString(c, "QUIT\r\n")
	if n, err = c.Read(buf); err != nil || !strings.HasPrefix(string(buf[:n]), "221 ") {
		t.Fatalf("QUIT: %q, %v (the reply written just before the server closes must not be lost)", buf[:n], err)
	}
}
