package intake

import (
	"slices"
	"strings"
	"time"

	"balcao"
	"balcao/mail"
	"balcao/smtp"
)

// AgentReply is an answer a member of staff writes to a ticket's requester.
type AgentReply struct {
	Text   string
	Author balcao.Actor
	// Thread holds the Message-IDs of the ticket's messages, oldest first:
	// the last one is answered (In-Reply-To), all of them are referenced,
	// so that the requester's mail client threads the answer.
	Thread []string
	// Addresses are the addresses the requester wrote to; the first intake
	// address among them is the sender when the ticket's request type names
	// none (a ticket still in triage).
	Addresses []string
	Now       time.Time
}

// Reply composes an agent's answer, stores it on the ticket as an outgoing
// email and queues it in the outbox, inside the caller's transaction. It is
// a person's answer: no Auto-Submitted header, and no daily cap. A ticket
// whose service has no intake address cannot be answered by email (EINVALID).
func (in *Intake) Reply(tx balcao.Tx, t *balcao.Ticket, r AgentReply) (*balcao.Message, error) {
	text := strings.TrimSpace(r.Text)
	if text == "" {
		return nil, balcao.Errorf(balcao.EINVALID, "text: write the answer")
	}
	desk := ""
	if rt := in.cfg.Catalog.RequestType(t.RequestType); rt != nil {
		desk = rt.Address()
	}
	if desk == "" {
		for _, a := range r.Addresses {
			if in.isDesk(a) {
				desk = a
				break
			}
		}
	}
	if desk == "" {
		return nil, balcao.Errorf(balcao.EINVALID, "this ticket's service takes no email, so the answer cannot go by email")
	}
	lang := t.Language
	a := &answer{lang: lang}
	a.line(text)
	a.blank()
	a.line("--")
	a.t("signature")
	body := mail.ReplyMarkers[lang] + "\n\n" + a.String()
	fromName := ""
	if rts := in.cfg.Catalog.ByAddress(desk); len(rts) > 0 && rts[0].Service() != nil {
		fromName = rts[0].Service().Name.Get(lang)
	}
	p := &pending{in: in}
	id := p.newMessageID(t.Number)
	subject := "[#" + string(t.Number) + "] " + stripTag(t.Subject, in.cfg.NumberPrefix)
	refs := slices.DeleteFunc(slices.Clone(r.Thread), func(s string) bool { return s == "" })
	inReplyTo := ""
	if len(refs) > 0 {
		inReplyTo = refs[len(refs)-1]
	}
	out := smtp.Outgoing{From: smtp.Address{Name: fromName, Addr: desk}, To: []smtp.Address{{Addr: t.RequesterEmail}},
		Subject: subject, MessageID: id, InReplyTo: inReplyTo, References: refs, Text: body, Date: r.Now,
		Headers: map[string]string{mail.LoopHeader: in.cfg.Instance}}
	raw, err := in.cfg.Compose(out)
	if err != nil {
		return nil, err
	}
	m := &balcao.Message{Direction: balcao.DirectionOut, Channel: balcao.ChannelEmail, FromAddr: desk, FromName: fromName,
		AuthorID: r.Author.ID, Subject: subject, Text: body, MessageID: id, To: []string{t.RequesterEmail}, CreatedAt: r.Now}
	if err := tx.AddMessage(t.ID, m, r.Author); err != nil {
		return nil, err
	}
	return m, tx.Enqueue(&balcao.OutboxItem{TicketID: t.ID, MessageID: id, MailFrom: desk, Recipients: []string{t.RequesterEmail},
		Raw: raw, CreatedAt: r.Now})
}
