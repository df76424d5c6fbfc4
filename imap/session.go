package imap

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"balcao"
)

const (
	dialTimeout = 30 * time.Second
	// cmdTimeout bounds every command: go-imap v2 beta.8 puts no deadline on
	// the wait for the first byte of a response, so a silent server would
	// otherwise hang the poller for ever.
	cmdTimeout = 2 * time.Minute
	// fetchTimeout bounds one FETCH of message bodies (at most fetchBytes).
	fetchTimeout = 10 * time.Minute
	// fetchBytes caps the bytes one FETCH of bodies may bring into memory;
	// a single larger message is still fetched, alone.
	fetchBytes = 32 << 20
)

// session is one authenticated connection.
type session struct {
	p        *Poller
	c        *imapclient.Client
	wake     chan struct{} // a new EXISTS arrived
	stopCtx  func() bool   // undoes the context.AfterFunc that closes c
	canIdle  bool
	uidPlus  bool
	timedOut atomic.Bool
}

// connect dials, sets up TLS, waits for the greeting and logs in.
func (p *Poller) connect(ctx context.Context) (*session, error) {
	cfg := p.cfg
	host, _, _ := net.SplitHostPort(cfg.Addr)
	s := &session{p: p, wake: make(chan struct{}, 1)}
	opts := &imapclient.Options{
		TLSConfig: &tls.Config{ServerName: host, InsecureSkipVerify: cfg.InsecureSkipVerify, MinVersion: tls.VersionTLS12},
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					select {
					case s.wake <- struct{}{}:
					default:
					}
				}
			},
		},
	}
	dialer := &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}
	raw, err := dialer.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("imap: connect to %s: %w", cfg.Addr, err)
	}
	// Until the client owns the connection, ctx closes the raw socket.
	stopRaw := context.AfterFunc(ctx, func() { raw.Close() })
	_ = raw.SetDeadline(time.Now().Add(dialTimeout))
	switch cfg.TLS {
	case "tls":
		conf := opts.TLSConfig.Clone()
		conf.NextProtos = []string{"imap"}
		tc := tls.Client(raw, conf)
		if err := tc.HandshakeContext(ctx); err != nil {
			stopRaw()
			raw.Close()
			return nil, fmt.Errorf("imap: TLS handshake with %s: %w", cfg.Addr, err)
		}
		s.c = imapclient.New(tc, opts)
	case "starttls":
		s.c, err = imapclient.NewStartTLS(raw, opts)
		if err != nil {
			stopRaw()
			raw.Close()
			return nil, fmt.Errorf("imap: STARTTLS with %s: %w", cfg.Addr, err)
		}
	default:
		s.c = imapclient.New(raw, opts)
	}
	_ = raw.SetDeadline(time.Time{})
	stopRaw()
	s.stopCtx = context.AfterFunc(ctx, func() { s.c.Close() })

	fail := func(err error) (*session, error) {
		s.stopCtx()
		s.c.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	if err := s.do(dialTimeout, s.c.WaitGreeting); err != nil {
		return fail(fmt.Errorf("imap: greeting from %s: %w", cfg.Addr, err))
	}
	if cfg.TokenCommand != "" {
		token, err := fetchToken(ctx, cfg.TokenCommand)
		if err != nil {
			return fail(fmt.Errorf("imap: %w", err))
		}
		err = s.do(cmdTimeout, func() error { return s.c.Authenticate(&xoauth2{user: cfg.Username, token: token}) })
		if err != nil {
			return fail(fmt.Errorf("imap: XOAUTH2 login as %s: %w", cfg.Username, err))
		}
	} else {
		err := s.do(cmdTimeout, func() error { return s.c.Login(cfg.Username, cfg.Password).Wait() })
		if err != nil {
			return fail(fmt.Errorf("imap: login as %s: %w", cfg.Username, err))
		}
	}
	caps := s.c.Caps()
	s.canIdle = caps.Has(imap.CapIdle)
	s.uidPlus = caps.Has(imap.CapUIDPlus)
	return s, nil
}

// prepare creates the folder messages are moved to, so a MOVE never fails
// for want of it. An error here (it exists, or no right to create) is left
// for the MOVE to report.
func (s *session) prepare() {
	if s.p.after.kind != "move" {
		return
	}
	folder := s.p.after.folder
	err := s.do(cmdTimeout, func() error { return s.c.Create(folder, nil).Wait() })
	if err == nil {
		s.p.log.Info("imap: created folder for handled messages", "folder", folder)
		_ = s.do(cmdTimeout, func() error { return s.c.Subscribe(folder).Wait() })
	}
}

// close logs out politely unless ctx is done, then closes the connection.
func (s *session) close(ctx context.Context) {
	s.stopCtx()
	if ctx.Err() == nil {
		_ = s.do(5*time.Second, func() error { return s.c.Logout().Wait() })
	}
	s.c.Close()
}

// do runs f and closes the connection if it takes longer than d, which
// makes f return.
func (s *session) do(d time.Duration, f func() error) error {
	t := time.AfterFunc(d, func() {
		s.timedOut.Store(true)
		s.c.Close()
	})
	err := f()
	if !t.Stop() && s.timedOut.Load() {
		return fmt.Errorf("imap: no answer from %s within %v (%v)", s.p.cfg.Addr, d, err)
	}
	return err
}

// wait blocks until there may be new mail: an EXISTS during IDLE, or
// PollInterval elapsed. It returns an error when the connection broke or
// ctx is done.
func (s *session) wait(ctx context.Context) error {
	interval := s.p.cfg.PollInterval
	select {
	case <-s.wake: // mail arrived during the round
		return nil
	default:
	}
	if !s.canIdle {
		t := time.NewTimer(interval)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.c.Closed():
			return errors.New("imap: connection closed by server")
		case <-t.C:
			return nil
		}
	}
	var idle *imapclient.IdleCommand
	err := s.do(cmdTimeout, func() (err error) {
		idle, err = s.c.Idle()
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("imap: IDLE: %w", err)
	}
	t := time.NewTimer(interval)
	defer t.Stop()
	var reason error
	select {
	case <-ctx.Done():
		return ctx.Err() // the AfterFunc closes the connection
	case <-s.c.Closed():
		reason = errors.New("imap: connection closed by server during IDLE")
	case <-s.wake:
	case <-t.C:
	}
	err = s.do(cmdTimeout, func() error {
		if err := idle.Close(); err != nil {
			return err
		}
		return idle.Wait()
	})
	if reason != nil {
		return reason
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("imap: ending IDLE: %w", err)
	}
	return nil
}

// round selects the folder, finds the messages to take, and delivers them
// in UID order, batch by batch.
func (s *session) round(ctx context.Context) (delivered int, err error) {
	p := s.p
	cfg := p.cfg
	var sel *imap.SelectData
	err = s.do(cmdTimeout, func() (err error) {
		sel, err = s.c.Select(cfg.Folder, nil).Wait()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("imap: select folder %q: %w", cfg.Folder, err)
	}
	if sel.UIDValidity == 0 {
		return 0, fmt.Errorf("imap: folder %q has no UIDVALIDITY; the server cannot be polled incrementally", cfg.Folder)
	}
	validity, last, err := p.st.Cursor(ctx, cfg.Name)
	if err != nil {
		return 0, &retryLaterError{"imap: read cursor", err}
	}
	catchUp := validity != sel.UIDValidity
	criteria := &imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagDeleted}}
	if catchUp {
		if validity == 0 {
			p.log.Info("imap: first poll of this mailbox: taking every unseen message", "uidvalidity", sel.UIDValidity)
		} else {
			p.log.Warn("imap: UIDVALIDITY changed (folder recreated or rebuilt): taking every unseen message again; the deliverer drops duplicates by Message-ID",
				"old_uidvalidity", validity, "uidvalidity", sel.UIDValidity)
		}
		last = 0
		criteria.NotFlag = append(criteria.NotFlag, imap.FlagSeen)
	} else {
		if sel.UIDNext != 0 && uint32(sel.UIDNext) <= last+1 {
			return 0, nil // nothing newer than the cursor
		}
		criteria.UID = []imap.UIDSet{{{Start: imap.UID(last + 1), Stop: 0}}}
	}
	var found *imap.SearchData
	err = s.do(cmdTimeout, func() (err error) {
		found, err = s.c.UIDSearch(criteria, nil).Wait()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("imap: search folder %q: %w", cfg.Folder, err)
	}
	var uids []imap.UID
	for _, u := range found.AllUIDs() {
		// "n:*" always matches the highest UID, even when below n.
		if uint32(u) > last {
			uids = append(uids, u)
		}
	}
	slices.Sort(uids)
	uids = slices.Compact(uids)

	var through imap.UID // every UID up to here is dealt with
	for i := 0; i < len(uids); i += cfg.BatchSize {
		batch := uids[i:min(i+cfg.BatchSize, len(uids))]
		res, berr := s.deliverBatch(ctx, batch)
		delivered += res.delivered
		if len(res.mark) > 0 {
			if aerr := s.applyAfter(res.mark); aerr != nil {
				var ie *imap.Error
				if !errors.As(aerr, &ie) {
					// The connection broke: keep the cursor, so the next
					// connection delivers these again (dropped as duplicates)
					// and marks them.
					return delivered, aerr
				}
				// The server refused (e.g. no right to move): the messages are
				// stored, so go on rather than deliver them for ever.
				p.log.Error("imap: cannot mark handled messages", "after", cfg.After, "uids", imap.UIDSetNum(res.mark...).String(), "err", aerr)
			}
		}
		if res.through > through {
			through = res.through
			if !catchUp {
				if err := p.st.SetCursor(ctx, cfg.Name, sel.UIDValidity, uint32(through)); err != nil {
					return delivered, &retryLaterError{"imap: store cursor", err}
				}
			}
		}
		if berr != nil {
			return delivered, berr
		}
		if err := ctx.Err(); err != nil {
			return delivered, err
		}
	}
	if catchUp {
		top := uint32(through)
		if sel.UIDNext > 0 {
			top = max(top, uint32(sel.UIDNext)-1)
		} else if all, err := s.allUIDs(); err == nil {
			for _, u := range all {
				top = max(top, uint32(u))
			}
		} else {
			return delivered, err
		}
		if err := p.st.SetCursor(ctx, cfg.Name, sel.UIDValidity, top); err != nil {
			return delivered, &retryLaterError{"imap: store cursor", err}
		}
	}
	return delivered, nil
}

// allUIDs lists every UID in the folder, for servers that send no UIDNEXT.
func (s *session) allUIDs() ([]imap.UID, error) {
	var found *imap.SearchData
	err := s.do(cmdTimeout, func() (err error) {
		found, err = s.c.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("imap: list UIDs: %w", err)
	}
	return found.AllUIDs(), nil
}

// batchResult says what deliverBatch did.
type batchResult struct {
	delivered int
	mark      []imap.UID // handled messages, to mark as After says
	through   imap.UID   // highest UID such that it and all before are dealt with
}

var bodySection = &imap.FetchItemBodySection{Peek: true} // BODY.PEEK[]: does not set \Seen

// deliverBatch fetches the messages of uids (ascending) and delivers them
// in order, stopping at the first transient deliverer error.
func (s *session) deliverBatch(ctx context.Context, uids []imap.UID) (res batchResult, err error) {
	// Sizes first, so one FETCH of bodies brings at most fetchBytes.
	var sizes []*imapclient.FetchMessageBuffer
	err = s.do(cmdTimeout, func() (err error) {
		sizes, err = s.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
		return err
	})
	if err != nil {
		return res, fmt.Errorf("imap: fetch sizes: %w", err)
	}
	size := make(map[imap.UID]int64, len(sizes))
	for _, m := range sizes {
		size[m.UID] = m.RFC822Size
	}
	for len(uids) > 0 {
		n, total := 0, int64(0)
		for n < len(uids) && (n == 0 || total+size[uids[n]] <= fetchBytes) {
			total += size[uids[n]]
			n++
		}
		group := uids[:n]
		uids = uids[n:]
		var msgs []*imapclient.FetchMessageBuffer
		err = s.do(fetchTimeout, func() (err error) {
			msgs, err = s.c.Fetch(imap.UIDSetNum(group...), &imap.FetchOptions{
				UID: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{bodySection},
			}).Collect()
			return err
		})
		if err != nil {
			return res, fmt.Errorf("imap: fetch messages: %w", err)
		}
		byUID := make(map[imap.UID]*imapclient.FetchMessageBuffer, len(msgs))
		for _, m := range msgs {
			if m.UID != 0 {
				byUID[m.UID] = m
			}
		}
		for _, uid := range group {
			m := byUID[uid]
			if m == nil || m.FindBodySection(bodySection) == nil {
				// Expunged by someone else since the search: nothing to do.
				s.p.log.Debug("imap: message vanished before it was fetched", "uid", uid)
				res.through = uid
				continue
			}
			stored, err := s.deliver(ctx, m)
			if err != nil {
				return res, err
			}
			if stored {
				res.delivered++
			}
			res.mark = append(res.mark, uid)
			res.through = uid
		}
	}
	return res, nil
}

// deliver hands one message to the deliverer. It returns a nil error when
// the message is handled: stored (stored is true) or permanently refused;
// otherwise a retryLaterError.
func (s *session) deliver(ctx context.Context, m *imapclient.FetchMessageBuffer) (stored bool, err error) {
	p := s.p
	raw := m.FindBodySection(bodySection)
	h := scanHeader(raw)
	env := balcao.Envelope{
		Source:     "imap:" + p.cfg.Name,
		MailFrom:   h.mailFrom(),
		ReceivedAt: m.InternalDate,
	}
	if p.cfg.Address != "" {
		env.Recipients = []string{p.cfg.Address}
	}
	if env.ReceivedAt.IsZero() {
		env.ReceivedAt = p.now()
	}
	err = p.d.DeliverMail(ctx, env, raw)
	switch {
	case err == nil:
		return true, nil
	case balcao.ErrorCode(err) == balcao.EINVALID:
		p.log.Warn("imap: message refused for good; marking it handled so it does not block the mailbox",
			"uid", m.UID, "message_id", h.messageID, "size", len(raw), "err", err)
		return false, nil
	default:
		return false, &retryLaterError{fmt.Sprintf("imap: deliver UID %d (Message-ID %s)", m.UID, h.messageID), err}
	}
}

// applyAfter marks handled messages as MailboxConfig.After says.
func (s *session) applyAfter(uids []imap.UID) error {
	set := imap.UIDSetNum(uids...)
	store := func(flags ...imap.Flag) error {
		return s.do(cmdTimeout, func() error {
			return s.c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: flags}, nil).Close()
		})
	}
	switch s.p.after.kind {
	case "move":
		// \Seen first: should the MOVE fail, the message is at least not
		// taken again by a catch-up round, and it arrives read.
		if err := store(imap.FlagSeen); err != nil {
			return err
		}
		// imapclient falls back to COPY, STORE \Deleted and UID EXPUNGE
		// (plain EXPUNGE without UIDPLUS) when the server lacks MOVE.
		return s.do(cmdTimeout, func() error {
			_, err := s.c.Move(set, s.p.after.folder).Wait()
			return err
		})
	case "delete":
		if err := store(imap.FlagSeen, imap.FlagDeleted); err != nil {
			return err
		}
		return s.do(cmdTimeout, func() error {
			if s.uidPlus {
				return s.c.UIDExpunge(set).Close()
			}
			// Without UIDPLUS this also expunges other messages someone
			// flagged \Deleted, which is what \Deleted asks for anyway.
			return s.c.Expunge().Close()
		})
	default:
		return store(imap.FlagSeen)
	}
}

// header holds the few fields the poller reads itself.
type header struct {
	returnPath, from, messageID string
	hasReturnPath               bool
}

// mailFrom is the SMTP return path the final MTA recorded in Return-Path;
// "" for the null sender <> (bounces). A message without Return-Path (it
// was APPENDed, or the server drops the header) falls back to the From
// address, so it is not mistaken for a bounce.
func (h header) mailFrom() string {
	if h.hasReturnPath {
		rp := strings.TrimSpace(h.returnPath)
		if a, err := mail.ParseAddress(rp); err == nil {
			return a.Address
		}
		rp = strings.TrimSuffix(strings.TrimPrefix(rp, "<"), ">")
		return strings.TrimSpace(rp)
	}
	if a, err := mail.ParseAddress(h.from); err == nil {
		return a.Address
	}
	if i, j := strings.IndexByte(h.from, '<'), strings.LastIndexByte(h.from, '>'); i >= 0 && j > i {
		return strings.TrimSpace(h.from[i+1 : j])
	}
	return strings.TrimSpace(h.from)
}

// scanHeader reads the first Return-Path, From and Message-ID of a message
// header, tolerating any malformation (the parser proper is the
// deliverer's business; this is for the envelope and logs).
func scanHeader(raw []byte) header {
	var h header
	var cur *string
	var seenFrom, seenID bool
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			break // end of header
		}
		if line[0] == ' ' || line[0] == '\t' {
			if v := strings.TrimSpace(string(line)); cur != nil && v != "" {
				if *cur != "" {
					*cur += " "
				}
				*cur += v
			}
			continue
		}
		cur = nil
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		v := strings.TrimSpace(string(value))
		switch strings.ToLower(strings.TrimSpace(string(name))) {
		case "return-path":
			if !h.hasReturnPath {
				h.hasReturnPath, h.returnPath, cur = true, v, &h.returnPath
			}
		case "from":
			if !seenFrom {
				seenFrom, h.from, cur = true, v, &h.from
			}
		case "message-id":
			if !seenID {
				seenID, h.messageID, cur = true, v, &h.messageID
			}
		}
	}
	return h
}
