package desk

import (
	"net/http"
	netmail "net/mail"
	"strings"

	"balcao"
	"balcao/catalog"
)

// phoneField is one input of a request type's data on the phone form.
type phoneField struct {
	ID, Name, Label, Value, Error string
	Required                      bool
}

type phonePage struct {
	page
	Types     []optGroup
	Type      string
	TypeTitle string
	Email     string
	Name      string
	Subject   string
	Notes     string
	ByEmail   bool
	Fields    []phoneField
	Number    string
	CallNotes string
}

// phoneInputs lists the inputs of a request type's values: leaf fields by
// key path, the first item of a repeatable group ("medicos[0].cedula").
func phoneInputs(rt *catalog.RequestType, lang string) []phoneField {
	var out []phoneField
	var walk func(keyPrefix, labelPrefix string, required bool, fs []*catalog.Field)
	walk = func(keyPrefix, labelPrefix string, required bool, fs []*catalog.Field) {
		for _, f := range fs {
			label := f.Label.Get(lang)
			if label == "" {
				label = f.Key
			}
			if f.IsGroup() {
				key := keyPrefix + f.Key
				if f.Repeat {
					key += "[0]"
				}
				walk(key+".", labelPrefix+label+" – ", required && (f.Required || f.Min > 0) && !f.Conditional, f.Fields)
				continue
			}
			key := keyPrefix + f.Key
			out = append(out, phoneField{ID: "f-" + key, Name: "f." + key, Label: labelPrefix + label, Required: required && f.Required})
		}
	}
	walk("", "", true, rt.Fields)
	return out
}

func (s *Server) newPhonePage(r *http.Request, v *viewer, code string) *phonePage {
	p := &phonePage{page: s.newPage(r, v, "phone.title")}
	p.Here = "/desk/phone"
	if s.Catalog == nil {
		return p
	}
	for _, sv := range s.Catalog.Services {
		g := optGroup{Label: sv.Name.Get(p.L.Lang)}
		for _, rt := range sv.RequestTypes {
			if !rt.Disabled {
				g.Options = append(g.Options, option{rt.Code, rt.Title.Get(p.L.Lang), rt.Code == code})
			}
		}
		if len(g.Options) > 0 {
			p.Types = append(p.Types, g)
		}
	}
	if rt := s.Catalog.RequestType(code); rt != nil && !rt.Disabled {
		p.Type, p.TypeTitle = rt.Code, rt.Title.Get(p.L.Lang)
		p.Subject = rt.Subject
		if p.Subject == "" {
			p.Subject = rt.Title.Get(rt.Language())
		}
		p.Fields = phoneInputs(rt, p.L.Lang)
	}
	return p
}

// phoneForm shows the forms of a call: a new ticket of a chosen request
// type, or a call about an existing ticket.
func (s *Server) phoneForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.newPhonePage(r, v, r.URL.Query().Get("type"))
	if done := r.URL.Query().Get("done"); done == "phone_note" {
		p.Status = p.L.T("done.phone_note")
	}
	s.render(w, http.StatusOK, "phone", p)
}

// phoneTicket opens a ticket with channel phone. The values are checked by
// the catalogue: a value given but not valid is sent back to the agent;
// values missing do not stop the ticket, which then waits for the
// requester. With "ask to submit by email", the requester is sent the
// request type's subject and its mandatory data, and the ticket waits.
func (s *Server) phoneTicket(w http.ResponseWriter, r *http.Request, v *viewer) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, v, http.StatusBadRequest, "error.notfound")
		return
	}
	code := r.PostFormValue("request_type")
	p := s.newPhonePage(r, v, code)
	p.Email = strings.TrimSpace(r.PostFormValue("email"))
	p.Name = strings.TrimSpace(r.PostFormValue("name"))
	if subj := strings.TrimSpace(r.PostFormValue("subject")); subj != "" {
		p.Subject = subj
	}
	p.Notes = r.PostFormValue("notes")
	p.ByEmail = r.PostFormValue("byemail") != ""
	var rt *catalog.RequestType
	if p.Type != "" {
		rt = s.Catalog.RequestType(p.Type)
	}
	if rt == nil {
		p.addError("request_type", p.L.T("phone.type.invalid"))
		s.render(w, http.StatusUnprocessableEntity, "phone", p)
		return
	}
	values := map[string]string{}
	for i := range p.Fields {
		f := &p.Fields[i]
		f.Value = r.PostFormValue(f.Name)
		if strings.TrimSpace(f.Value) != "" {
			values[strings.TrimPrefix(f.Name, "f.")] = f.Value
		}
	}
	if a, err := netmail.ParseAddress(p.Email); err != nil || !strings.EqualFold(a.Address, p.Email) || !strings.Contains(p.Email, "@") {
		p.addError("email", p.L.T("phone.email.invalid"))
	}
	now := s.Clock.Now()
	// Errors for the agent in the agent's language; the ticket keeps
	// the problems in the requester's.
	_, shown := rt.Validate(values, nil, p.L.Lang, now)
	for _, pr := range catalog.Errors(shown) {
		if strings.TrimSpace(values[pr.Field]) == "" {
			continue // missing: asked for later
		}
		for i := range p.Fields {
			if p.Fields[i].Name == "f."+pr.Field {
				p.Fields[i].Error = pr.Message
				p.addError(p.Fields[i].ID, p.L.T("phone.field.invalid", p.Fields[i].Label, pr.Fix))
			}
		}
	}
	asker, canAsk := s.Replier.(emailAsker)
	if p.ByEmail && (!canAsk || rt.Address() == "") {
		p.addError("byemail", p.L.T("phone.byemail.noemail"))
	}
	if len(p.Errors) > 0 {
		s.render(w, http.StatusUnprocessableEntity, "phone", p)
		return
	}
	lang := rt.Language()
	fields, problems := rt.Validate(values, nil, lang, now)
	nt := &balcao.NewTicket{Subject: p.Subject, RequestType: rt.Code, Status: balcao.StatusNew, Impact: rt.Impact, Urgency: rt.Urgency,
		Channel: balcao.ChannelPhone, Language: lang, RequesterEmail: strings.ToLower(p.Email), RequesterName: p.Name,
		Fields: fields, Missing: catalog.ToDomain(problems), Actor: v.actor(), Now: now}
	if sv := rt.Service(); sv != nil {
		nt.Service = sv.Code
	}
	if _, err := s.Store.TeamByCode(r.Context(), rt.Team); err == nil {
		nt.TeamCode = rt.Team
	} else if balcao.ErrorCode(err) != balcao.ENOTFOUND {
		s.serverError(w, r, v, err)
		return
	}
	switch {
	case p.ByEmail || len(catalog.Errors(problems)) > 0:
		nt.Status = balcao.StatusPendingRequester
	case rt.Approval:
		nt.Status = balcao.StatusPendingApproval
	}
	if notes := strings.TrimSpace(p.Notes); notes != "" {
		nt.Message = &balcao.Message{Direction: balcao.DirectionIn, Channel: balcao.ChannelPhone, FromAddr: nt.RequesterEmail,
			FromName: p.Name, AuthorID: v.User.ID, Subject: p.Subject, Text: notes, CreatedAt: now}
	}
	var t *balcao.Ticket
	err := s.Store.Update(r.Context(), func(tx balcao.Tx) error {
		var err error
		if t, err = tx.CreateTicket(nt); err != nil {
			return err
		}
		if p.ByEmail {
			return asker.AskToSubmitByEmail(tx, t, now)
		}
		return nil
	})
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	if !v.canSee(t) {
		http.Redirect(w, r, "/desk/?done=phone", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, ticketURL(t)+"?done=phone", http.StatusSeeOther)
}

// phoneNote adds a call about an existing ticket to its thread, as a
// message received by phone that the agent wrote down.
func (s *Server) phoneNote(w http.ResponseWriter, r *http.Request, v *viewer) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	p := s.newPhonePage(r, v, "")
	p.Number = strings.TrimSpace(r.PostFormValue("number"))
	p.CallNotes = r.PostFormValue("call_notes")
	t, ok, err := s.otherTicket(r, v, "number")
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	if !ok {
		p.addError("number", p.L.T("phone.number.unknown"))
	}
	notes := strings.TrimSpace(p.CallNotes)
	if notes == "" {
		p.addError("call_notes", p.L.T("phone.notes.empty"))
	}
	if len(p.Errors) > 0 {
		s.render(w, http.StatusUnprocessableEntity, "phone", p)
		return
	}
	m := &balcao.Message{Direction: balcao.DirectionIn, Channel: balcao.ChannelPhone, FromAddr: t.RequesterEmail, FromName: t.RequesterName,
		AuthorID: v.User.ID, Text: notes, CreatedAt: s.Clock.Now()}
	if err := s.Store.AddMessage(r.Context(), t.ID, m, v.actor()); err != nil {
		s.serverError(w, r, v, err)
		return
	}
	http.Redirect(w, r, ticketURL(t)+"?done=phone_note#thread-title", http.StatusSeeOther)
}
