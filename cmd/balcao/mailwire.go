package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"balcao"
	"balcao/catalog"
	"balcao/imap"
	"balcao/intake"
	"balcao/jobs"
	"balcao/sla"
	"balcao/smtp"
	"balcao/sqldb"
	"balcao/web"
)

// newIntake builds the email intake, which also writes the desk's other
// automatic messages to requesters.
func newIntake(cfg Config, store *sqldb.DB, cat *catalog.Catalog, levels *sla.Book, log *slog.Logger) *intake.Intake {
	return intake.New(intake.Config{Catalog: cat, Store: store, Clock: balcao.SystemClock{}, Logger: log,
		NumberPrefix: cfg.NumberPrefix, Host: cfg.MailHost, Instance: cfg.MailHost,
		AutoMailPerDay: cfg.AutoMailPerDay, Levels: levels, BaseURL: cfg.BaseURL})
}

// mailService is the email channel of a running server: listeners,
// pollers and the outbox worker.
type mailService struct {
	servers []*smtp.Server
	wg      sync.WaitGroup
	cancel  context.CancelFunc
}

// listeners returns the inbound mail listeners, for /metrics.
func (ms *mailService) listeners() []web.MailListener {
	if ms == nil {
		return nil
	}
	out := make([]web.MailListener, len(ms.servers))
	for i, s := range ms.servers {
		out[i] = s
	}
	return out
}

// startMail starts whatever the configuration asks for. Listening errors
// are returned at once; background work stops with stop().
func startMail(ctx context.Context, cfg Config, store *sqldb.DB, cat *catalog.Catalog, levels *sla.Book, in *intake.Intake, log *slog.Logger) (*mailService, error) {
	wake := make(chan struct{}, 1)
	deliverer := wakeAfter{in, wake}
	ctx, cancel := context.WithCancel(ctx)
	ms := &mailService{cancel: cancel}
	desk := func(addr string) bool { return len(cat.ByAddress(addr)) > 0 }
	for _, l := range []struct {
		addr string
		lmtp bool
	}{{cfg.SMTPAddr, false}, {cfg.LMTPAddr, true}} {
		if l.addr == "" {
			continue
		}
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			ms.stop(context.Background())
			return nil, fmt.Errorf("listen on %s (BALCAO_%s_ADDR): %w", l.addr, map[bool]string{false: "SMTP", true: "LMTP"}[l.lmtp], err)
		}
		srv := smtp.NewServer(smtp.ServerConfig{Addr: l.addr, LMTP: l.lmtp, Domain: cfg.MailHost, AcceptRecipient: desk, Logger: log}, deliverer)
		ms.servers = append(ms.servers, srv)
		ms.wg.Add(1)
		go func() {
			defer ms.wg.Done()
			if err := srv.Serve(ln); err != nil && ctx.Err() == nil {
				log.Error("mail listener stopped", "addr", l.addr, "err", err)
			}
		}()
		proto := "smtp"
		if l.lmtp {
			proto = "lmtp"
		}
		log.Info("mail listener", "protocol", proto, "addr", ln.Addr().String())
	}
	if cfg.MailRelay != "" {
		rc, err := smtp.ParseRelay(cfg.MailRelay)
		if err != nil {
			ms.stop(context.Background())
			return nil, fmt.Errorf("BALCAO_MAIL_RELAY: %v", err)
		}
		rc.HELO = cfg.MailHost
		ob := &jobs.Outbox{Store: store, Sender: smtp.NewSender(rc), IsPermanent: smtp.IsPermanent, Locker: store,
			Clock: balcao.SystemClock{}, Logger: log, Wake: wake}
		ms.wg.Add(1)
		go func() { defer ms.wg.Done(); ob.Run(ctx) }()
		log.Info("outbound mail", "relay", rc.Addr)
	} else {
		log.Warn("no BALCAO_MAIL_RELAY: answers wait in the outbox (balcao outbox) until a relay is configured")
	}
	// The scheduled work: the seeds' time rules (30-day auto-close, 10-day
	// reopen window, per service), service-level warnings and breaches,
	// satisfaction links and the reports' hourly summaries; each at start
	// (catch-up) and then periodically, in one instance at a time.
	clock := balcao.SystemClock{}
	for _, job := range []interface{ Run(context.Context) }{
		&jobs.Lifecycle{Store: store, Levels: levels, Notifier: in, Locker: store, Clock: clock, Logger: log},
		&jobs.SLA{Store: store, Levels: levels, Notifier: in, Locker: store, Clock: clock, Logger: log},
		&jobs.Ratings{Store: store, Notifier: in, BaseURL: cfg.BaseURL, Locker: store, Clock: clock, Logger: log},
		&jobs.Reports{Store: store, Locker: store, Clock: clock, Logger: log},
	} {
		ms.wg.Add(1)
		go func() { defer ms.wg.Done(); job.Run(ctx) }()
	}
	for _, mb := range cfg.IMAPMailboxes {
		mc, err := imap.ParseMailbox(mb.Name, mb.URL)
		if err != nil {
			ms.stop(context.Background())
			return nil, fmt.Errorf("BALCAO_IMAP_MAILBOXES, mailbox %s: %v", mb.Name, err)
		}
		p := imap.NewPoller(mc, deliverer, cursorState{store}, store, log)
		ms.wg.Add(1)
		go func() {
			defer ms.wg.Done()
			if err := p.Run(ctx); err != nil && ctx.Err() == nil {
				log.Error("imap poller stopped", "mailbox", mb.Name, "err", err)
			}
		}()
		log.Info("imap mailbox", "name", mb.Name, "addr", mc.Addr, "folder", mc.Folder)
	}
	return ms, nil
}

// stop closes the listeners (letting sessions in DATA finish) and waits
// for the background work.
func (ms *mailService) stop(ctx context.Context) {
	for _, s := range ms.servers {
		s.Shutdown(ctx)
	}
	ms.cancel()
	ms.wg.Wait()
}

// wakeAfter nudges the outbox worker after each delivered message, so
// answers leave at once rather than at the next tick.
type wakeAfter struct {
	d    balcao.MailDeliverer
	wake chan struct{}
}

func (w wakeAfter) DeliverMail(ctx context.Context, env balcao.Envelope, raw []byte) error {
	err := w.d.DeliverMail(ctx, env, raw)
	if err == nil {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
	return err
}

// cursorState adapts the store to the IMAP poller's State.
type cursorState struct{ s *sqldb.DB }

func (c cursorState) Cursor(ctx context.Context, mailbox string) (uint32, uint32, error) {
	return c.s.MailboxCursor(ctx, mailbox)
}

func (c cursorState) SetCursor(ctx context.Context, mailbox string, v, u uint32) error {
	return c.s.SetMailboxCursor(ctx, mailbox, v, u, time.Now().UTC())
}
