package jobs_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"balcao"
	"balcao/jobs"
	"balcao/smtp"
	"balcao/sqldb"
	"balcao/sqlite"
)

func setup(t *testing.T) (*sqldb.DB, *balcao.ManualClock, []int64) {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "b.db"), true, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c := balcao.NewManualClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	tk, err := s.CreateTicket(context.Background(), &balcao.NewTicket{Channel: balcao.ChannelEmail, RequesterEmail: "ana@usf.pt", Now: c.Now()})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	err = s.Update(context.Background(), func(tx balcao.Tx) error {
		for _, to := range []string{"ana@usf.pt", "rui@usf.pt"} {
			raw, err := smtp.Compose(smtp.Outgoing{From: smtp.Address{Addr: "servicedesk@spms.min-saude.pt"}, To: []smtp.Address{{Addr: to}},
				Subject: "[#" + string(tk.Number) + "] teste", MessageID: "m-" + to, Text: "Olá", Date: c.Now()})
			if err != nil {
				return err
			}
			it := &balcao.OutboxItem{TicketID: tk.ID, MessageID: "m-" + to, MailFrom: "servicedesk@spms.min-saude.pt",
				Recipients: []string{to}, Raw: raw, Auto: true, CreatedAt: c.Now()}
			if err := tx.Enqueue(it); err != nil {
				return err
			}
			ids = append(ids, it.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, c, ids
}

func outbox(t *testing.T, s *sqldb.DB, st balcao.OutboxStatus) []*balcao.OutboxItem {
	items, err := s.ListOutbox(context.Background(), st, 10)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func TestOutboxDeliversThroughRelay(t *testing.T) {
	s, c, _ := setup(t)
	sink := smtp.StartSink(t)
	rc, _ := smtp.ParseRelay("smtp://" + sink.Addr() + "?tls=none")
	o := &jobs.Outbox{Store: s, Sender: smtp.NewSender(rc), IsPermanent: smtp.IsPermanent, Clock: c, Logger: slog.New(slog.DiscardHandler)}
	sent, failed, err := o.RunOnce(context.Background())
	if err != nil || sent != 2 || failed != 0 {
		t.Fatalf("sent %d failed %d err %v", sent, failed, err)
	}
	got := sink.Wait(2, 5*time.Second)
	if !strings.Contains(string(got[0].Raw), "Message-ID: <m-ana@usf.pt>") || got[0].From != "servicedesk@spms.min-saude.pt" {
		t.Fatalf("relay got %+v", got[0])
	}
	if len(outbox(t, s, balcao.OutboxSent)) != 2 || len(outbox(t, s, balcao.OutboxPending)) != 0 {
		t.Fatal("outbox not marked sent")
	}
}

func TestOutboxRetriesTransientAndRecordsPermanentFailure(t *testing.T) {
	s, c, ids := setup(t)
	sink := smtp.StartSink(t)
	rc, _ := smtp.ParseRelay("smtp://" + sink.Addr() + "?tls=none")
	o := &jobs.Outbox{Store: s, Sender: smtp.NewSender(rc), IsPermanent: smtp.IsPermanent, Clock: c, Logger: slog.New(slog.DiscardHandler)}
	sink.FailNext(451, "4.3.0 try again later")
	sink.FailNext(550, "5.1.1 no such user")
	sent, failed, err := o.RunOnce(context.Background())
	if err != nil || sent != 0 || failed != 1 {
		t.Fatalf("sent %d failed %d err %v", sent, failed, err)
	}
	pending := outbox(t, s, balcao.OutboxPending)
	if len(pending) != 1 || pending[0].ID != ids[0] || pending[0].Attempts != 1 || !strings.Contains(pending[0].LastError, "451") ||
		!pending[0].NextAttemptAt.Equal(c.Now().Add(time.Minute)) {
		t.Fatalf("deferred: %+v", pending)
	}
	if f := outbox(t, s, balcao.OutboxFailed); len(f) != 1 || !strings.Contains(f[0].LastError, "550") {
		t.Fatalf("failed: %+v", f)
	}
	// Nothing is due before the backoff; then the retry goes through.
	if sent, _, _ := o.RunOnce(context.Background()); sent != 0 {
		t.Fatal("retried before the backoff")
	}
	c.Advance(61 * time.Second)
	if sent, _, _ := o.RunOnce(context.Background()); sent != 1 {
		t.Fatal("not retried after the backoff")
	}
	tk, _ := s.ListTickets(context.Background(), balcao.TicketFilter{})
	evs, _ := s.Events(context.Background(), tk.Tickets[0].ID)
	var recorded bool
	for _, e := range evs {
		recorded = recorded || (e.Kind == "mail_failed" && strings.Contains(e.Reason, "550"))
	}
	if !recorded {
		t.Fatal("the permanent failure is not on the ticket")
	}
}

// TestOutboxWaitsWhileRelayIsDown: a relay that does not answer defers the
// mail (it is never dropped) until it comes back.
func TestOutboxWaitsWhileRelayIsDown(t *testing.T) {
	s, c, _ := setup(t)
	rc, _ := smtp.ParseRelay("smtp://127.0.0.1:1?tls=none")
	o := &jobs.Outbox{Store: s, Sender: smtp.NewSender(rc), IsPermanent: smtp.IsPermanent, Clock: c, Logger: slog.New(slog.DiscardHandler)}
	if sent, failed, err := o.RunOnce(context.Background()); err != nil || sent+failed != 0 {
		t.Fatalf("sent %d failed %d err %v", sent, failed, err)
	}
	if p := outbox(t, s, balcao.OutboxPending); len(p) != 2 || p[0].Attempts != 1 {
		t.Fatalf("pending %+v", p)
	}
	sink := smtp.StartSink(t)
	rc2, _ := smtp.ParseRelay("smtp://" + sink.Addr() + "?tls=none")
	o.Sender = smtp.NewSender(rc2)
	c.Advance(2 * time.Minute)
	if sent, _, _ := o.RunOnce(context.Background()); sent != 2 {
		t.Fatal("queued mail not sent once the relay came back")
	}
}
