// Package intake turns one inbound email into a ticket, a follow-up or a
// quarantined message, and queues the answer the requester gets at once:
// it parses (mail), picks the request type by subject (extract), reads the
// labelled data (extract), validates them (catalog), threads replies,
// applies the reopen rules (lifecycle) and writes everything in one
// transaction, answer included.
package intake

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"balcao"
	"balcao/catalog"
	"balcao/extract"
	"balcao/lifecycle"
	"balcao/mail"
	"balcao/sla"
	"balcao/smtp"
)

// Config configures an Intake.
type Config struct {
	Catalog      *catalog.Catalog
	Store        balcao.Store
	Clock        balcao.Clock
	Logger       *slog.Logger
	NumberPrefix string // "SD"
	// Host is the right-hand side of our Message-IDs (e.g. the desk's
	// hostname); it makes them recognisable when replies come back.
	Host string
	// Instance goes in our loop header, so our own mail is recognised.
	Instance string
	// AutoMailPerDay caps automatic answers to one address in 24 hours.
	AutoMailPerDay int
	// Rules are the lifecycle rules of tickets when Levels is nil.
	Rules lifecycle.Rules
	// Levels gives each ticket its service levels (due times at creation)
	// and its service's lifecycle rules.
	Levels *sla.Book
	// BaseURL is the public URL of the desk, for links to the console.
	BaseURL string
	// Compose turns an answer into RFC 5322 bytes; smtp.Compose when nil.
	Compose func(smtp.Outgoing) ([]byte, error)
}

// Intake is a balcao.MailDeliverer.
type Intake struct {
	cfg        Config
	classifier *extract.Classifier
	extractors map[string]*extract.Extractor // by request type code; built once, read-only
}

// New returns an Intake; missing optional settings get defaults.
func New(cfg Config) *Intake {
	if cfg.Clock == nil {
		cfg.Clock = balcao.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.NumberPrefix == "" {
		cfg.NumberPrefix = balcao.DefaultNumberPrefix
	}
	if cfg.Host == "" {
		cfg.Host = "balcao.invalid"
	}
	if cfg.Instance == "" {
		cfg.Instance = cfg.Host
	}
	if cfg.AutoMailPerDay == 0 {
		cfg.AutoMailPerDay = 40
	}
	if cfg.Compose == nil {
		cfg.Compose = smtp.Compose
	}
	if cfg.Rules == (lifecycle.Rules{}) {
		cfg.Rules = lifecycle.DefaultRules()
	}
	in := &Intake{cfg: cfg, classifier: extract.NewClassifier(cfg.Catalog), extractors: map[string]*extract.Extractor{}}
	for _, rt := range cfg.Catalog.RequestTypes() {
		in.extractors[rt.Code] = extract.NewExtractor(rt)
	}
	return in
}

var _ balcao.MailDeliverer = (*Intake)(nil)

// Outcome says what happened to a message, for logs and tests.
type Outcome struct {
	Kind     string // "ticket", "follow-up", "duplicate", "quarantine"
	Ticket   balcao.TicketNumber
	Reason   string // for quarantine and automatic mail
	Answered bool
}

// DeliverMail stores one raw message. It returns nil once the message is
// durably stored in some form; an error only when the database failed (the
// sender retries) — never because the message itself was odd.
func (in *Intake) DeliverMail(ctx context.Context, env balcao.Envelope, raw []byte) error {
	_, err := in.Deliver(ctx, env, raw)
	return err
}

// Deliver is DeliverMail that also reports the outcome.
func (in *Intake) Deliver(ctx context.Context, env balcao.Envelope, raw []byte) (Outcome, error) {
	now := in.cfg.Clock.Now()
	if env.ReceivedAt.IsZero() {
		env.ReceivedAt = now
	}
	// Over SMTP and LMTP the envelope sender is known, and an empty one is
	// the null sender of bounces and automatic answers; over IMAP it is
	// not known (the Return-Path header stands in for it).
	sender := env.MailFrom
	if sender == "" && (env.Source == "smtp" || env.Source == "lmtp") {
		sender = mail.NullSender
	}
	msg, perr := mail.ParseFrom(raw, sender)
	if perr != nil {
		return in.quarantine(ctx, env, raw, "", "unreadable message: "+perr.Error())
	}
	if msg.MessageID == "" {
		// Retries of the same bytes still deduplicate.
		sum := sha256.Sum256(raw)
		msg.MessageID = "sha256-" + hex.EncodeToString(sum[:16]) + "@" + in.cfg.Host
	}
	if msg.Loop {
		return in.quarantine(ctx, env, raw, msg.MessageID, "our own message came back (loop header)")
	}
	if msg.From.Addr == "" && msg.Auto == "" {
		if env.MailFrom == "" || !strings.Contains(env.MailFrom, "@") {
			return in.quarantine(ctx, env, raw, msg.MessageID, "no sender address (From and return path both missing)")
		}
		msg.From.Addr = strings.ToLower(env.MailFrom)
	}
	desk := in.deskAddress(env, msg)
	if desk == "" {
		return in.quarantine(ctx, env, raw, msg.MessageID, "not addressed to any intake address of the catalogue")
	}
	p := &pending{in: in, env: env, raw: raw, msg: msg, desk: desk, now: now}
	if p.looksNew() {
		p.isNew = true
		if err := p.reserve(ctx); err != nil {
			return Outcome{}, err
		}
	}
	var out Outcome
	err := in.cfg.Store.Update(ctx, func(tx balcao.Tx) error {
		var err error
		out, err = p.run(tx)
		return err
	})
	switch balcao.ErrorCode(err) {
	case "":
	case balcao.ECONFLICT:
		// Stored meanwhile by a concurrent delivery of the same message.
		return Outcome{Kind: "duplicate"}, nil
	case balcao.EINVALID:
		// The message cannot become a ticket as it is; keep it for a person
		// to look at rather than refuse it (an accepted message is never lost).
		return in.quarantine(ctx, env, raw, msg.MessageID, "cannot be stored as a ticket: "+balcao.ErrorMessage(err))
	default:
		return Outcome{}, err
	}
	in.cfg.Logger.Info("mail received", "kind", out.Kind, "ticket", out.Ticket, "from", msg.From.Addr, "to", desk,
		"auto", string(msg.Auto), "answered", out.Answered, "reason", out.Reason)
	return out, nil
}

func (in *Intake) quarantine(ctx context.Context, env balcao.Envelope, raw []byte, messageID, reason string) (Outcome, error) {
	q := &balcao.Quarantined{Envelope: env, MessageID: messageID, Reason: reason, Raw: raw, ReceivedAt: env.ReceivedAt}
	if err := in.cfg.Store.Update(ctx, func(tx balcao.Tx) error { return tx.Quarantine(q) }); err != nil {
		return Outcome{}, err
	}
	in.cfg.Logger.Warn("mail quarantined", "reason", reason, "message_id", messageID)
	return Outcome{Kind: "quarantine", Reason: reason}, nil
}

// deskAddress is the intake address the message was delivered to: the
// envelope recipients first (they are what the MTA used), then To and Cc.
func (in *Intake) deskAddress(env balcao.Envelope, msg *mail.Message) string {
	cands := slices.Clone(env.Recipients)
	for _, a := range append(slices.Clone(msg.To), msg.Cc...) {
		cands = append(cands, a.Addr)
	}
	for _, c := range cands {
		c = strings.ToLower(strings.TrimSpace(c))
		if len(in.cfg.Catalog.ByAddress(c)) > 0 {
			return c
		}
	}
	return ""
}

func (in *Intake) isDesk(addr string) bool { return len(in.cfg.Catalog.ByAddress(addr)) > 0 }

// pending is one message being processed inside the store transaction.
type pending struct {
	in   *Intake
	env  balcao.Envelope
	raw  []byte
	msg  *mail.Message
	desk string
	now  time.Time

	// fresh is what a new ticket is made of, prepared once (see prepare).
	fresh *freshTicket
	// isNew: the message looks new (see looksNew), so its ticket was
	// prepared and its number reserved before the transaction.
	isNew bool
}

// freshTicket is the part of a new ticket that depends only on the
// message and the catalogue: the request type understood, the values read
// and their problems, and the stored message with its digests.
type freshTicket struct {
	nt       *balcao.NewTicket
	rt       *catalog.RequestType
	problems []catalog.FieldProblem

	// number is the ticket number drawn beforehand (nt.Seq), and ack the
	// acknowledgement composed for it; both empty when the number is
	// drawn in the transaction.
	number balcao.TicketNumber
	ack    *reply
}

// reserve draws the new ticket's number and composes its acknowledgement
// before the write transaction, so that only the writes themselves hold
// the database's one writer.
func (p *pending) reserve(ctx context.Context) error {
	f := p.prepare()
	seq, number, err := p.in.cfg.Store.ReserveTicketNumber(ctx, p.now.Year())
	if err != nil {
		return err
	}
	f.nt.Seq, f.number = seq, number
	if to := p.recipient(); to != "" {
		// A message that cannot be answered as it is (a malformed
		// In-Reply-To, say) is left to the transaction, which fails the
		// same way and keeps it in quarantine.
		f.ack, _ = p.compose(to, number, p.ackText(number, f))
	}
	return nil
}

// looksNew reports whether a message will most likely open a ticket: a
// person's message that names no earlier message and no ticket number.
func (p *pending) looksNew() bool {
	return p.msg.Auto == "" && len(p.msg.InReplyTo) == 0 && len(p.msg.References) == 0 &&
		len(balcao.FindTicketNumbers(p.in.cfg.NumberPrefix, p.msg.Subject)) == 0
}

// prepare builds the new ticket; Deliver calls it before the write
// transaction for messages that look new, so that the classification, the
// extraction, the validation and the digests of the content do not hold
// the database's one writer.
func (p *pending) prepare() *freshTicket {
	if p.fresh != nil {
		return p.fresh
	}
	cat := p.in.cfg.Catalog
	match, ok := p.in.classifier.Classify(p.desk, mail.NormalizeSubject(p.msg.Subject, p.in.cfg.NumberPrefix))
	lang := "pt-PT"
	if cands := cat.ByAddress(p.desk); len(cands) > 0 {
		lang = cands[0].Language()
	}
	m := p.message()
	m.Seal()
	nt := &balcao.NewTicket{Subject: p.msg.Subject, Channel: balcao.ChannelEmail, Language: lang,
		RequesterEmail: p.msg.From.Addr, RequesterName: p.msg.From.Name, Participants: p.participants(),
		Message: m, Actor: p.actor(), Now: p.now, Status: balcao.StatusNew}
	f := &freshTicket{nt: nt}
	if ok {
		rt := match.RequestType
		f.rt = rt
		nt.RequestType, nt.Service, nt.TeamCode = rt.Code, rt.Service().Code, rt.Team
		nt.Impact, nt.Urgency, nt.Language = rt.Impact, rt.Urgency, rt.Language()
		nt.Fields, f.problems = p.understand(rt, nil, nil)
		nt.Missing = catalog.ToDomain(f.problems)
		switch {
		case len(catalog.Errors(f.problems)) > 0:
			nt.Status = balcao.StatusPendingRequester
		case rt.Approval:
			nt.Status = balcao.StatusPendingApproval
		}
	}
	p.in.dueTimes(nt)
	p.fresh = f
	return f
}

func (p *pending) run(tx balcao.Tx) (Outcome, error) {
	msg := p.msg
	if p.isNew {
		// A new request (see looksNew) names no ticket and no earlier
		// message, so it threads nowhere; a second copy of it fails on the
		// stored Message-ID, which Deliver reports as a duplicate.
		return p.newTicket(tx, 0)
	}
	if stored, err := tx.MessageStored(msg.MessageID); err != nil {
		return Outcome{}, err
	} else if stored {
		return Outcome{Kind: "duplicate"}, nil
	}
	t, err := p.thread(tx)
	if err != nil {
		return Outcome{}, err
	}
	if msg.Auto != "" {
		// Automatic mail is kept where it belongs and never answered, never
		// reopens and never opens a ticket.
		if t == nil {
			reason := "automatic message (" + string(msg.Auto) + ": " + msg.AutoReason + ") about no known ticket"
			return Outcome{Kind: "quarantine", Reason: reason}, tx.Quarantine(&balcao.Quarantined{Envelope: p.env, MessageID: msg.MessageID,
				Reason: reason, Raw: p.raw, ReceivedAt: p.now})
		}
		m := p.message()
		m.Auto = true
		return Outcome{Kind: "follow-up", Ticket: t.Number, Reason: string(msg.Auto)}, tx.AddMessage(t.ID, m, p.actor())
	}
	if t != nil {
		return p.followUp(tx, t)
	}
	return p.newTicket(tx, 0)
}

// thread finds the ticket a message belongs to: our Message-ID in
// In-Reply-To/References first; then a ticket number in the subject, but
// only from the requester or someone copied on that ticket.
func (p *pending) thread(tx balcao.Tx) (*balcao.Ticket, error) {
	ids := append(slices.Clone(p.msg.InReplyTo), p.msg.References...)
	if len(ids) > 0 {
		t, err := tx.TicketByMessageIDs(ids)
		if err == nil {
			return t, nil
		}
		if !balcao.IsNotFound(err) {
			return nil, err
		}
	}
	for _, n := range balcao.FindTicketNumbers(p.in.cfg.NumberPrefix, p.msg.Subject) {
		t, err := tx.TicketByNumber(n)
		if balcao.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		ok, err := tx.IsParticipant(t.ID, p.msg.From.Addr)
		if err != nil {
			return nil, err
		}
		if ok {
			return t, nil
		}
	}
	return nil, nil
}

func (p *pending) actor() balcao.Actor {
	name := p.msg.From.Addr
	if p.msg.From.Name != "" {
		name = p.msg.From.Name + " <" + p.msg.From.Addr + ">"
	}
	return balcao.Actor{Name: name}
}

// message is the inbound message as stored: the whole text and the raw
// bytes are kept; the reply part is what agents read first.
func (p *pending) message() *balcao.Message {
	m := &balcao.Message{Direction: balcao.DirectionIn, Channel: balcao.ChannelEmail, FromAddr: p.msg.From.Addr,
		FromName: p.msg.From.Name, Subject: p.msg.Subject, Text: p.msg.Text, HTML: p.msg.HTML, MessageID: p.msg.MessageID,
		CreatedAt: p.now, Raw: p.raw}
	if p.msg.PasswordRedacted {
		// The original bytes hold the password: they never reach the disk.
		m.Raw = nil
	}
	for _, a := range p.msg.To {
		m.To = append(m.To, a.Addr)
	}
	for _, a := range p.msg.Cc {
		m.Cc = append(m.Cc, a.Addr)
	}
	for _, a := range p.msg.Attachments {
		m.Attachments = append(m.Attachments, &balcao.Attachment{Filename: a.Filename, MediaType: a.MediaType,
			ContentID: a.ContentID, Data: a.Data, Encoded: a.Encoded})
	}
	return m
}

// participants are the people copied on the request, except desk addresses.
func (p *pending) participants() []string {
	var out []string
	for _, a := range append(slices.Clone(p.msg.To), p.msg.Cc...) {
		if a.Addr != "" && a.Addr != p.msg.From.Addr && !p.in.isDesk(a.Addr) {
			out = append(out, a.Addr)
		}
	}
	return out
}

// understand classifies the message and reads its data for a request type.
func (p *pending) understand(rt *catalog.RequestType, existing map[string]string, earlier []*balcao.Attachment) (map[string]string, []catalog.FieldProblem) {
	pairs := make([]extract.Pair, 0, 16)
	for _, pr := range mail.Pairs(p.msg) {
		pairs = append(pairs, extract.Pair{Label: pr.Label, Value: pr.Value, Section: pr.Section, Line: pr.Line})
	}
	var res extract.Result
	if ex := p.in.extractors[rt.Code]; ex != nil {
		res = ex.Fields(pairs)
	} else {
		res = extract.Fields(rt, pairs)
	}
	values := map[string]string{}
	for k, v := range existing {
		values[k] = v
	}
	for k, v := range res.Values {
		values[k] = v // what the requester sends now replaces what was there
	}
	var atts []catalog.Attachment
	var templateProblems []catalog.FieldProblem
	for _, a := range earlier {
		// What the requester attached before still counts (a screenshot
		// sent with the request is not asked for again).
		atts = append(atts, catalog.Attachment{Filename: a.Filename, MediaType: a.MediaType, Size: a.Size})
	}
	for _, a := range p.msg.Attachments {
		if rt.HasTemplate() && isWorkbook(a) {
			rows, problems, err := rt.ReadTemplate(bytes.NewReader(a.Data), int64(len(a.Data)), rt.Language())
			if err == nil {
				rt.AddTemplateRows(values, rows)
				// Row and column problems go into the answer as they are.
				templateProblems = append(templateProblems, catalog.Errors(problems)...)
			} else {
				templateProblems = append(templateProblems, catalog.FieldProblem{Field: rt.TemplateGroup(), Code: "template",
					Label: a.Filename, Message: a.Filename + ": " + err.Error()})
			}
		}
		atts = append(atts, catalog.Attachment{Filename: a.Filename, MediaType: a.MediaType, Size: int64(len(a.Data))})
	}
	if existing == nil {
		extract.Describe(rt, values, strings.TrimSpace(p.msg.Reply))
	}
	norm, problems := rt.Validate(values, atts, rt.Language(), p.now)
	return norm, append(templateProblems, problems...)
}

func isWorkbook(a mail.Attachment) bool {
	return strings.HasSuffix(strings.ToLower(a.Filename), ".xlsx") || strings.Contains(a.MediaType, "spreadsheetml")
}

// newTicket opens a ticket for the message; linkTo is an earlier closed
// ticket it follows (0 when none).
func (p *pending) newTicket(tx balcao.Tx, linkTo int64) (Outcome, error) {
	f := p.prepare()
	t, err := tx.CreateTicket(f.nt)
	if err != nil {
		return Outcome{}, err
	}
	if linkTo != 0 {
		if err := tx.LinkTickets(t.ID, linkTo, "follows", p.now); err != nil {
			return Outcome{}, err
		}
	}
	if f.ack != nil && t.Number == f.number {
		answered, err := p.queue(tx, t.ID, f.ack)
		return Outcome{Kind: "ticket", Ticket: t.Number, Answered: answered}, err
	}
	answered, err := p.answer(tx, t, p.ackText(t.Number, f))
	return Outcome{Kind: "ticket", Ticket: t.Number, Answered: answered}, err
}

// ackText is the acknowledgement of a new ticket: the number and the
// request type understood with what is missing, or, when no request type
// was understood, the valid subjects of the address written to.
func (p *pending) ackText(number balcao.TicketNumber, f *freshTicket) *answer {
	cat := p.in.cfg.Catalog
	nt, rt, problems := f.nt, f.rt, f.problems
	a := &answer{lang: nt.Language}
	a.t("greeting")
	a.blank()
	if rt != nil {
		a.t("received", number, rt.Title.Get(nt.Language))
		p.describeProblems(a, rt, problems, "missing")
		if rt.Approval && len(catalog.Errors(problems)) == 0 {
			a.t("approval")
		}
		return a
	}
	a.t("unclassified", p.msg.Subject, number)
	a.blank()
	a.t("subjects")
	for _, c := range extract.Candidates(cat, p.desk) {
		if c.Subject != "" {
			a.item(c.Subject)
		}
	}
	// The service's own portal, when the catalogue names one.
	if cands := cat.ByAddress(p.desk); len(cands) > 0 && cands[0].Service() != nil && cands[0].Service().Portal != "" {
		a.blank()
		a.t("portal", cands[0].Service().Portal)
	}
	return a
}

// describeProblems lists the missing or invalid items by their labels and
// how to fix each, or says the data are complete.
func (p *pending) describeProblems(a *answer, rt *catalog.RequestType, problems []catalog.FieldProblem, heading string) {
	errs := catalog.Errors(problems)
	a.blank()
	if len(errs) == 0 {
		a.t("complete")
		return
	}
	a.t(heading)
	for _, pr := range errs {
		a.item(pr.Message)
	}
	a.blank()
	a.t("howto")
}

// followUp adds a message to an existing ticket and applies the lifecycle:
// new data are merged and validated again; a resolved ticket reopens within
// the window; a closed one leads to a new ticket linked to it.
func (p *pending) followUp(tx balcao.Tx, t *balcao.Ticket) (Outcome, error) {
	action := p.in.cfg.Rules.OnRequesterReply(t.Status, t.ResolvedAt, p.now, false)
	if action == lifecycle.ReplyNewLinked {
		out, err := p.newTicketAfterClosed(tx, t)
		return out, err
	}
	// Attachments sent before this message, read before it is added.
	earlier, err := tx.Attachments(t.ID)
	if err != nil {
		return Outcome{}, err
	}
	if err := tx.AddMessage(t.ID, p.message(), p.actor()); err != nil {
		return Outcome{}, err
	}
	if err := tx.AddParticipants(t.ID, p.participants()); err != nil {
		return Outcome{}, err
	}
	out := Outcome{Kind: "follow-up", Ticket: t.Number}
	if action == lifecycle.ReplyReopen {
		if _, err := tx.ChangeStatus(t.ID, balcao.StatusOpen, p.actor(), "reaberto pelo requerente", p.now); err != nil {
			return Outcome{}, err
		}
		a := &answer{lang: t.Language}
		a.t("greeting")
		a.blank()
		a.t("reopened", t.Number)
		answered, err := p.answer(tx, t, a)
		out.Answered = answered
		return out, err
	}
	if t.Status != balcao.StatusPendingRequester {
		return out, nil
	}
	rt := p.in.cfg.Catalog.RequestType(t.RequestType)
	if rt == nil {
		// Waiting on the requester without a request type: an agent asked
		// something; the answer goes back to the queue.
		_, err := tx.ChangeStatus(t.ID, balcao.StatusOpen, p.actor(), "resposta do requerente", p.now)
		return out, err
	}
	fields, problems := p.understand(rt, t.Fields, earlier)
	if err := tx.SetTicketData(t.ID, fields, catalog.ToDomain(problems), p.actor(), p.now); err != nil {
		return Outcome{}, err
	}
	a := &answer{lang: t.Language}
	a.t("greeting")
	a.blank()
	a.t("updated", t.Number)
	if len(catalog.Errors(problems)) == 0 {
		to := balcao.StatusOpen
		if rt.Approval {
			to = balcao.StatusPendingApproval
		}
		if _, err := tx.ChangeStatus(t.ID, to, p.actor(), "dados completos", p.now); err != nil {
			return Outcome{}, err
		}
	}
	p.describeProblems(a, rt, problems, "stillmissing")
	answered, err := p.answer(tx, t, a)
	out.Answered = answered
	return out, err
}

func (p *pending) newTicketAfterClosed(tx balcao.Tx, old *balcao.Ticket) (Outcome, error) {
	out, err := p.newTicket(tx, old.ID)
	if err != nil {
		return out, err
	}
	// The acknowledgement of the new ticket already went out; add the
	// explanation as a second, short answer only when it was sent.
	if out.Answered {
		nt, err := tx.TicketByNumber(out.Ticket)
		if err != nil {
			return out, err
		}
		a := &answer{lang: nt.Language}
		a.t("linked", old.Number, int(p.in.Rules(old).ReopenWindow.Hours()/24), nt.Number)
		if _, err := p.answer(tx, nt, a); err != nil {
			return out, err
		}
	}
	return out, nil
}

// noAutoReply lists local parts that never get automatic mail.
var noAutoReply = []string{"mailer-daemon", "postmaster", "no-reply", "noreply", "do-not-reply", "donotreply", "bounce", "bounces"}

func suppressed(addr string) bool {
	local, _, _ := strings.Cut(strings.ToLower(addr), "@")
	for _, n := range noAutoReply {
		if local == n || strings.HasPrefix(local, n+"+") || strings.HasPrefix(local, n+"-") {
			return true
		}
	}
	return false
}

// answer stores an automatic answer on the ticket and queues it, unless the
// recipient must not get automatic mail or reached the daily cap.
func (p *pending) answer(tx balcao.Tx, t *balcao.Ticket, a *answer) (bool, error) {
	to := p.recipient()
	if to == "" {
		return false, nil
	}
	if ok, err := p.underCap(tx, to); err != nil || !ok {
		return false, err
	}
	r, err := p.compose(to, t.Number, a)
	if err != nil {
		return false, err
	}
	return true, p.store(tx, t.ID, r)
}

// reply is an automatic answer ready to be stored and queued.
type reply struct {
	to  string
	msg *balcao.Message
	raw []byte
}

// recipient is where an automatic answer to the message goes, or "" when
// the sender must not get automatic mail.
func (p *pending) recipient() string {
	to := p.msg.From.Addr
	if len(p.msg.ReplyTo) > 0 && p.msg.ReplyTo[0].Addr != "" {
		to = p.msg.ReplyTo[0].Addr
	}
	if to == "" || suppressed(to) || p.in.isDesk(to) {
		return ""
	}
	return to
}

// underCap reports whether the recipient may get one more automatic
// answer today.
func (p *pending) underCap(tx balcao.Tx, to string) (bool, error) {
	n, err := tx.AutoMailCount(to, p.now.Add(-24*time.Hour))
	return n < p.in.cfg.AutoMailPerDay, err
}

// queue stores and queues an answer composed beforehand, unless the
// recipient reached the daily cap.
func (p *pending) queue(tx balcao.Tx, ticketID int64, r *reply) (bool, error) {
	if ok, err := p.underCap(tx, r.to); err != nil || !ok {
		return false, err
	}
	return true, p.store(tx, ticketID, r)
}

func (p *pending) store(tx balcao.Tx, ticketID int64, r *reply) error {
	if err := tx.AddMessage(ticketID, r.msg, balcao.SystemActor); err != nil {
		return err
	}
	return tx.Enqueue(&balcao.OutboxItem{TicketID: ticketID, MessageID: r.msg.MessageID, MailFrom: p.desk, Recipients: []string{r.to},
		Raw: r.raw, Auto: true, CreatedAt: p.now})
}

// compose writes the answer about ticket number n as a mail to to: from
// the service's address, threaded on the message, marked as automatic.
func (p *pending) compose(to string, n balcao.TicketNumber, a *answer) (*reply, error) {
	if p.msg.PasswordRedacted {
		a.blank()
		a.t("password")
	}
	a.blank()
	a.t("keep")
	a.blank()
	a.line("--")
	a.t("signature")
	body := mail.ReplyMarkers[a.lang] + "\n\n" + a.String()

	id := p.newMessageID(n)
	subject := "[#" + string(n) + "] " + stripTag(p.msg.Subject, p.in.cfg.NumberPrefix)
	refs := slices.Clone(p.msg.References)
	if p.msg.MessageID != "" {
		refs = append(refs, p.msg.MessageID)
	}
	fromName := ""
	if rts := p.in.cfg.Catalog.ByAddress(p.desk); len(rts) > 0 && rts[0].Service() != nil {
		fromName = rts[0].Service().Name.Get(a.lang)
	}
	out := smtp.Outgoing{From: smtp.Address{Name: fromName, Addr: p.desk}, To: []smtp.Address{{Addr: to}}, Subject: subject, MessageID: id,
		InReplyTo: p.msg.MessageID, References: refs, Text: body, Date: p.now,
		Headers: map[string]string{"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All",
			mail.LoopHeader: p.in.cfg.Instance, "Precedence": "auto_reply"}}
	raw, err := p.in.cfg.Compose(out)
	if err != nil {
		return nil, err
	}
	m := &balcao.Message{Direction: balcao.DirectionOut, Channel: balcao.ChannelEmail, FromAddr: p.desk, FromName: fromName,
		Subject: subject, Text: body, MessageID: id, Auto: true, To: []string{to}, CreatedAt: p.now}
	return &reply{to: to, msg: m, raw: raw}, nil
}

// newMessageID makes a Message-ID that names the ticket, so that replies
// thread even when a client drops References.
func (p *pending) newMessageID(n balcao.TicketNumber) string {
	b := make([]byte, 8)
	rand.Read(b)
	return fmt.Sprintf("%s.%s@%s", strings.ToLower(string(n)), hex.EncodeToString(b), p.in.cfg.Host)
}

// stripTag removes reply prefixes and our ticket tags so that the answer's
// subject is "[#SD-…] <the request's subject>".
func stripTag(subject, prefix string) string {
	s := strings.TrimSpace(subject)
	for {
		before := s
		for _, n := range balcao.FindTicketNumbers(prefix, s) {
			s = strings.ReplaceAll(s, "[#"+string(n)+"]", "")
		}
		for _, pre := range []string{"re:", "res:", "enc:", "fw:", "fwd:", "tr:", "rv:"} {
			if len(s) >= len(pre) && strings.EqualFold(s[:len(pre)], pre) {
				s = s[len(pre):]
			}
		}
		s = strings.TrimSpace(s)
		if s == before {
			return s
		}
	}
}

// NotifyDecision tells the requester that a request needing approval was
// approved or rejected, with the approver's reason, inside the transaction
// that records the decision.
func (in *Intake) NotifyDecision(tx balcao.Tx, t *balcao.Ticket, approved bool, reason string, now time.Time) error {
	a := &answer{lang: t.Language}
	a.t("greeting")
	a.blank()
	if approved {
		a.t("approved", t.Number)
	} else {
		a.t("rejected", t.Number)
	}
	a.t("reason", reason)
	return in.notify(tx, t, a, now)
}

// notify sends a message about a ticket to its requester from the
// ticket's service address.
func (in *Intake) notify(tx balcao.Tx, t *balcao.Ticket, a *answer, now time.Time) error {
	desk := ""
	if rt := in.cfg.Catalog.RequestType(t.RequestType); rt != nil {
		desk = rt.Address()
	}
	if desk == "" {
		return nil // no intake address to write from (e.g. a portal-only service)
	}
	p := &pending{in: in, desk: desk, now: now, msg: &mail.Message{From: mail.Address{Addr: t.RequesterEmail}, Subject: t.Subject}}
	_, err := p.answer(tx, t, a)
	return err
}

// Rules returns the lifecycle rules of a ticket: its service's.
func (in *Intake) Rules(t *balcao.Ticket) lifecycle.Rules {
	if in.cfg.Levels != nil {
		return in.cfg.Levels.Ticket(t).Rules
	}
	return in.cfg.Rules
}

// dueTimes sets a new ticket's due times from its service levels, so that
// it sorts right in the queues from the start, and when the service-level
// job is to look at it first (it keeps them up to date afterwards).
func (in *Intake) dueTimes(nt *balcao.NewTicket) {
	if in.cfg.Levels == nil {
		return
	}
	t := &balcao.Ticket{Service: nt.Service, OrganisationCode: nt.OrganisationCode, Language: nt.Language, Status: nt.Status,
		Priority: balcao.PriorityFor(nt.Impact, nt.Urgency), CreatedAt: nt.Now}
	evs := []*balcao.Event{{Kind: balcao.EventCreated, To: string(nt.Status), CreatedAt: nt.Now}}
	m := in.cfg.Levels.Measure(t, nil, evs, nt.Now)
	sched := m.Schedule(t, nt.Now)
	nt.DueAt, nt.FirstResponseDue = sched.ResolutionDue, sched.FirstResponseDue
	// The next look is at the first warning or due time: nothing can
	// happen before, unless the ticket changes, which marks it again. A
	// ticket with nothing ahead (waiting on the requester) is looked at
	// once, at once, as the channels that do not measure ask.
	nt.SLACheckAt = sched.NextCheck
}

// NotifyRatingRequest sends the requester of a resolved ticket the link to
// rate it, saying for how long the rating can be changed.
func (in *Intake) NotifyRatingRequest(tx balcao.Tx, t *balcao.Ticket, link string, now time.Time) error {
	a := &answer{lang: t.Language}
	a.t("greeting")
	a.blank()
	a.t("rate", t.Number, link)
	if days := int(in.Rules(t).ReopenWindow.Hours() / 24); days > 0 {
		a.t("ratechange", days)
	}
	return in.notify(tx, t, a, now)
}

// NotifySLA tells members of staff, in their language, that a ticket is
// close to or past a service-level target: a notification in the console
// and an email from the ticket's service address (when it has one).
func (in *Intake) NotifySLA(tx balcao.Tx, t *balcao.Ticket, r *balcao.SLARecord, staff []*balcao.User, now time.Time) error {
	desk := ""
	if rt := in.cfg.Catalog.RequestType(t.RequestType); rt != nil {
		desk = rt.Address()
	}
	if desk == "" {
		if as := in.cfg.Catalog.Addresses(); len(as) > 0 {
			desk = as[0]
		}
	}
	for _, u := range staff {
		lang := catalog.NormLang(u.Language)
		if lang == "" {
			lang = catalog.LangPT
		}
		clock := text(lang, "sla."+r.Clock)
		due := r.DueAt.In(lisbonOr(t.Language)).Format("2006-01-02 15:04 MST")
		body := text(lang, "sla."+r.Kind, t.Number, t.Priority, t.Subject, clock, due)
		if err := tx.Notify(&balcao.Notification{UserID: u.ID, TicketID: t.ID, Kind: "sla_" + r.Kind, Body: body, CreatedAt: now}); err != nil {
			return err
		}
		if desk == "" || suppressed(u.Email) {
			continue
		}
		a := &answer{lang: lang}
		a.line(body)
		if in.cfg.BaseURL != "" {
			a.blank()
			a.t("sla.open", strings.TrimRight(in.cfg.BaseURL, "/")+"/desk/tickets/"+string(t.Number))
		}
		id := fmt.Sprintf("%s.sla.%s.%s.%d@%s", strings.ToLower(string(t.Number)), r.Clock, r.Kind, u.ID, in.cfg.Host)
		raw, err := in.cfg.Compose(smtp.Outgoing{From: smtp.Address{Addr: desk}, To: []smtp.Address{{Name: u.Name, Addr: u.Email}},
			Subject: "[#" + string(t.Number) + "] " + text(lang, "sla."+r.Kind+".subject", clock, t.Subject), MessageID: id,
			Text: a.String(), Date: now, Headers: map[string]string{"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All",
				mail.LoopHeader: in.cfg.Instance}})
		if err != nil {
			return err
		}
		if err := tx.Enqueue(&balcao.OutboxItem{TicketID: t.ID, MessageID: id, MailFrom: desk, Recipients: []string{u.Email},
			Raw: raw, Auto: true, CreatedAt: now}); err != nil {
			return err
		}
	}
	return nil
}

// lisbonOr returns the time zone staff read due times in: São Paulo's for
// Brazilian tickets, Lisbon's otherwise.
func lisbonOr(lang string) *time.Location {
	name := "Europe/Lisbon"
	if lang == catalog.LangBR {
		name = "America/Sao_Paulo"
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}

// NotifyAutoClosed tells the requester, in the ticket's language and from
// its service's address, that a ticket waiting on them was closed after
// the given number of days without an answer, and how to start again. It
// runs inside the transaction that closes the ticket; the message is
// stored on the ticket and queued like every answer.
func (in *Intake) NotifyAutoClosed(tx balcao.Tx, t *balcao.Ticket, days int, now time.Time) error {
	a := &answer{lang: t.Language}
	a.t("greeting")
	a.blank()
	a.t("autoclosed", t.Number, days)
	a.blank()
	a.t("restart", t.Number)
	return in.notify(tx, t, a, now)
}
