package intake

import (
	"time"

	"balcao"
	"balcao/catalog"
	"balcao/mail"
)

// AskForMissing composes the message that asks a ticket's requester for
// the data still missing or invalid, in the requester's language: each
// open problem by its label with how to fix it, then how to answer. The
// console shows it for the agent to edit before it goes through Reply
// (which adds the signature). Warnings are left out: they do not keep the
// request from being handled.
func AskForMissing(t *balcao.Ticket) string {
	a := &answer{lang: t.Language}
	a.t("greeting")
	a.blank()
	a.t("missing")
	for _, p := range t.Missing {
		if p.Warning {
			continue
		}
		item := p.Label
		if item == "" {
			item = p.Key
		}
		if p.Problem != "" {
			item += ": " + p.Problem
		}
		a.item(item)
	}
	a.blank()
	a.t("howto")
	return a.String()
}

// RequiredData lists, in lang, what a request type always needs: its
// required fields (a group's by "group – field"), its one-of rules and its
// required attachments.
func RequiredData(rt *catalog.RequestType, lang string) []string {
	var out []string
	var walk func(prefix string, fs []*catalog.Field)
	walk = func(prefix string, fs []*catalog.Field) {
		for _, f := range fs {
			label := f.Label.Get(lang)
			if label == "" {
				label = f.Key
			}
			if f.IsGroup() {
				if f.Required || f.Min > 0 {
					walk(prefix+label+" – ", f.Fields)
				}
				continue
			}
			if f.Required {
				out = append(out, prefix+label)
			}
		}
	}
	walk("", rt.Fields)
	for _, o := range rt.OneOf {
		out = append(out, o.Label.Get(lang))
	}
	for _, s := range rt.Attachments {
		if s.Required {
			out = append(out, s.Label.Get(lang))
		}
	}
	return out
}

// AskToSubmitByEmail writes to the requester of a ticket taken by phone,
// asking them to send the request by email with the request type's subject
// and its mandatory data (the option WebRNU offers its callers). A request
// type whose service takes no email is EINVALID.
func (in *Intake) AskToSubmitByEmail(tx balcao.Tx, t *balcao.Ticket, now time.Time) error {
	rt := in.cfg.Catalog.RequestType(t.RequestType)
	if rt == nil || rt.Address() == "" {
		return balcao.Errorf(balcao.EINVALID, "request type %q takes no email", t.RequestType)
	}
	subject := rt.Subject
	if subject == "" {
		subject = rt.Title.Get(t.Language)
	}
	a := &answer{lang: t.Language}
	a.t("greeting")
	a.blank()
	a.t("byemail", t.Number, rt.Address(), subject)
	for _, d := range RequiredData(rt, t.Language) {
		a.item(d)
	}
	return in.notify(tx, t, a, now)
}

// NotifyMerged tells the requester of a duplicate that it was merged into
// another ticket, where the conversation goes on.
func (in *Intake) NotifyMerged(tx balcao.Tx, dup, into *balcao.Ticket, now time.Time) error {
	a := &answer{lang: dup.Language}
	a.t("greeting")
	a.blank()
	a.t("merged", dup.Number, into.Number)
	p := &pending{in: in, now: now, msg: &mail.Message{From: mail.Address{Addr: dup.RequesterEmail}, Subject: into.Subject}}
	if rt := in.cfg.Catalog.RequestType(into.RequestType); rt != nil {
		p.desk = rt.Address()
	}
	if p.desk == "" {
		return nil
	}
	_, err := p.answer(tx, into, a)
	return err
}

func init() {
	for lang, m := range map[string]map[string]string{
		"pt-PT": {
			"byemail": "Conforme combinado por telefone, envie o pedido %s por email para %s, com o assunto \"%s\" e os seguintes dados obrigatórios:",
			"merged":  "O pedido %s trata a mesma situação que o pedido %s e foi juntado a este. As mensagens seguem no pedido %[2]s; responda a esta mensagem para acrescentar informação.",
		},
		"pt-BR": {
			"byemail": "Conforme combinado por telefone, envie a solicitação %s por e-mail para %s, com o assunto \"%s\" e os seguintes dados obrigatórios:",
			"merged":  "A solicitação %s trata da mesma situação que a solicitação %s e foi unida a ela. As mensagens seguem na solicitação %[2]s; responda a esta mensagem para complementar.",
		},
		"en": {
			"byemail": "As agreed on the phone, please send request %s by email to %s, with the subject \"%s\" and the following mandatory data:",
			"merged":  "Request %s is about the same matter as request %s and was merged into it. The conversation goes on in request %[2]s; reply to this message to add information.",
		},
		"es": {
			"byemail": "Según lo acordado por teléfono, envíe la solicitud %s por correo a %s, con el asunto \"%s\" y los siguientes datos obligatorios:",
			"merged":  "La solicitud %s trata del mismo asunto que la solicitud %s y se ha unido a ella. La conversación sigue en la solicitud %[2]s; responda a este mensaje para añadir información.",
		},
	} {
		for k, v := range m {
			texts[lang][k] = v
		}
	}
}
