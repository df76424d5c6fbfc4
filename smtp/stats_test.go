package smtp

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"balcao"
)

// outcomeDeliverer stores a message, refuses it as invalid or fails as a
// broken store would, by a word in the message.
type outcomeDeliverer struct{}

func (outcomeDeliverer) DeliverMail(_ context.Context, _ balcao.Envelope, raw []byte) error {
	switch {
	case bytes.Contains(raw, []byte("invalid")):
		return balcao.Errorf(balcao.EINVALID, "not a message this desk can read")
	case bytes.Contains(raw, []byte("broken")):
		return errors.New("disk on fire")
	}
	return nil
}

func TestStatsCountEachOutcome(t *testing.T) {
	srv, addr := startServer(t, ServerConfig{MaxMessageBytes: 4096,
		AcceptRecipient: func(a string) bool { return a == "desk@example.pt" }}, outcomeDeliverer{})
	msg := func(body string) []byte {
		return []byte("From: ana@example.pt\r\nTo: desk@example.pt\r\nSubject: t\r\n\r\n" + body + "\r\n")
	}
	desk := []string{"desk@example.pt"}
	for _, c := range []struct {
		tx    txn
		final int
	}{
		{txn{"ana@example.pt", desk, msg("ok")}, 250},
		{txn{"ana@example.pt", desk, msg("ok again")}, 250},
		{txn{"ana@example.pt", desk, msg("invalid")}, 554},
		{txn{"ana@example.pt", desk, msg("broken")}, 451},
		{txn{"ana@example.pt", desk, msg(strings.Repeat(strings.Repeat("x", 98)+"\r\n", 50))}, 552},
		{txn{"ana@example.pt", desk, msg(strings.Repeat("y", 2500))}, 554},
		{txn{"ana@example.pt", []string{"someone@else.pt"}, msg("ok")}, 0},
	} {
		o := sendNetSMTP(t, addr, c.tx)
		if c.final == 0 {
			if len(o.rcpt) != 1 || o.rcpt[0] != 550 || o.final != nil {
				t.Fatalf("a stranger's address: %v", o)
			}
			continue
		}
		wantFinal(t, o, c.final)
	}
	want := balcao.MailStats{Sessions: 7, Accepted: 2, Refused: 3, Deferred: 1, RecipientsRefused: 1}
	if got := srv.Stats(); got != want {
		t.Fatalf("stats = %+v, want %+v", got, want)
	}
}
