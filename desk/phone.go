package desk

import (
	"net/http"
	netmail "net/mail"
	"strconv"
	"strings"
	"unicode"

	"balcao"
	"balcao/catalog"
	"balcao/validate"
)

// phoneField is one input of a request type's data on the phone form,
// drawn as the field's type asks: a list for choices, a date picker, an
// email or phone keyboard, a text area for long texts.
type phoneField struct {
	ID, Name string
	// Label names the field everywhere (errors included): the group and
	// the item it belongs to, then the field's label. Short is the label
	// shown inside an item, whose legend already names the item.
	Label, Short string
	Value, Error string
	Required     bool
	Req          string // "(obrigatório)" in the page's language, or ""
	Input        string // text, email, tel, date, textarea or select
	InputMode    string // "numeric" for identifiers written with digits only
	MaxLen       int    // the maxlength attribute, 0 for none
	Help         string
	Choices      []option
	ChoiceNone   string // the select's first option, for no value
	Autocomplete string
}

// HelpID is the id of the field's help text.
func (f *phoneField) HelpID() string { return f.ID + "-help" }

// DescribedBy lists the ids of what describes the input: its help and its
// error.
func (f *phoneField) DescribedBy() string {
	var ids []string
	if f.Help != "" {
		ids = append(ids, f.HelpID())
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
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
	Fields    []phoneNode
	Number    string
	CallNotes string
}

// phoneNode is a field or a repeatable group of the form.
type phoneNode struct {
	Field *phoneField
	Group *phoneGroup
}

// phoneGroup is a repeatable group (the doctors of a credentials request):
// its items, and the button that adds one by sending the form back.
type phoneGroup struct {
	ID, Key, Label string
	Help           string
	Count          int // items shown, posted back as n.<Key>
	AddLabel       string
	CanAdd         bool
	Items          []phoneItem
}

// phoneItem is one item of a repeatable group.
type phoneItem struct {
	Legend string
	Nodes  []phoneNode
}

// idKey writes a key path as an element id without brackets, which URLs
// would escape ("medicos[1].cedula" → "medicos.1.cedula").
var idKey = strings.NewReplacer("[", ".", "]", "")

// maxPhoneItems caps the items of a group on the phone form; more come by
// the Excel template or the API.
const maxPhoneItems = 100

// inputKinds are the inputs of the field types that are not plain text.
var inputKinds = map[validate.Kind]string{
	validate.LongText: "textarea", validate.Date: "date", validate.Email: "email",
	validate.Phone: "tel", validate.Choice: "select",
}

// digitKinds are the identifiers written with digits only.
var digitKinds = map[validate.Kind]bool{
	validate.NISS: true, validate.NIF: true, validate.NNU: true, validate.Cedula: true,
	validate.CPF: true, validate.CNS: true, validate.UASG: true,
}

// phoneInputs builds the inputs of a request type's values, by key path
// ("medicos[1].cedula"). count says how many items a repeatable group at a
// key path has on the form (0 when the form did not say); add is the group
// whose "add" button was pressed.
func phoneInputs(rt *catalog.RequestType, l Localizer, count func(key string) int, add string) []phoneNode {
	lang := l.Lang
	var walk func(keyPrefix, labelPrefix, shortPrefix string, required bool, fs []*catalog.Field) []phoneNode
	walk = func(keyPrefix, labelPrefix, shortPrefix string, required bool, fs []*catalog.Field) []phoneNode {
		var out []phoneNode
		for _, f := range fs {
			label := f.Label.Get(lang)
			if label == "" {
				label = f.Key
			}
			key := keyPrefix + f.Key
			if f.IsGroup() {
				req := required && (f.Required || f.Min > 0) && !f.Conditional
				if !f.Repeat {
					out = append(out, walk(key+".", labelPrefix+label+" – ", shortPrefix+label+" – ", req, f.Fields)...)
					continue
				}
				out = append(out, phoneNode{Group: repeatGroup(f, key, label, req, l, count, add, walk)})
				continue
			}
			pf := &phoneField{ID: "f-" + idKey.Replace(key), Name: "f." + key, Label: labelPrefix + label, Short: shortPrefix + label,
				Required: required && f.Required, Help: f.Help.Get(lang), Input: "text", Autocomplete: "off"}
			if pf.Required {
				pf.Req = "(" + l.T("required") + ")"
			}
			kind := validate.Kind(f.Type)
			if in, ok := inputKinds[kind]; ok {
				pf.Input = in
			}
			if digitKinds[kind] {
				pf.InputMode = "numeric"
			}
			pf.MaxLen = validate.MaxLength(kind, f.MaxLen)
			if kind == validate.Choice {
				pf.ChoiceNone = l.T("phone.choice.none")
				for _, c := range f.Choices {
					pf.Choices = append(pf.Choices, option{Value: c.Value, Label: c.Display(lang)})
				}
			}
			out = append(out, phoneNode{Field: pf})
		}
		return out
	}
	return walk("", "", "", true, rt.Fields)
}

// repeatGroup builds a repeatable group with its items: as many as the
// form had (at least one, at least the group's minimum up to 5), one more
// when its "add" button was pressed, never more than its maximum.
func repeatGroup(f *catalog.Field, key, label string, required bool, l Localizer, count func(string) int, add string,
	walk func(keyPrefix, labelPrefix, shortPrefix string, required bool, fs []*catalog.Field) []phoneNode) *phoneGroup {
	limit := maxPhoneItems
	if f.Max > 0 && f.Max < limit {
		limit = f.Max
	}
	n := count(key)
	if n < 1 {
		n = max(1, min(f.Min, 5))
	}
	if add == key {
		n++
	}
	n = min(n, limit)
	item := f.ItemLabel.Get(l.Lang)
	if item == "" {
		item = label
	}
	g := &phoneGroup{ID: "g-" + idKey.Replace(key), Key: key, Label: label, Help: f.Help.Get(l.Lang), Count: n,
		AddLabel: l.T("phone.add", lowerFirst(item)), CanAdd: n < limit}
	for i := range n {
		legend := item + " " + strconv.Itoa(i+1)
		g.Items = append(g.Items, phoneItem{Legend: legend,
			Nodes: walk(key+"["+strconv.Itoa(i)+"].", legend+" – ", "", required && i < max(f.Min, 1), f.Fields)})
	}
	return g
}

// lowerFirst lowercases the first letter of a label ("Médico" → "médico")
// unless it starts an acronym ("CIT").
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 1 && unicode.IsUpper(r[0]) && unicode.IsLower(r[1]) {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}

// eachPhoneField calls fn for every field of the form, in order.
func eachPhoneField(nodes []phoneNode, fn func(*phoneField)) {
	for _, n := range nodes {
		if n.Field != nil {
			fn(n.Field)
			continue
		}
		for _, it := range n.Group.Items {
			eachPhoneField(it.Nodes, fn)
		}
	}
}

// newPhonePage builds the phone page for a request type; count and add
// are those of phoneInputs (the form sent back).
func (s *Server) newPhonePage(r *http.Request, v *viewer, code string, count func(string) int, add string) *phonePage {
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
		if count == nil {
			count = func(string) int { return 0 }
		}
		p.Fields = phoneInputs(rt, p.L, count, add)
	}
	return p
}

// phoneForm shows the forms of a call: a new ticket of a chosen request
// type, or a call about an existing ticket.
func (s *Server) phoneForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.newPhonePage(r, v, r.URL.Query().Get("type"), nil, "")
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
	count := func(key string) int {
		n, _ := strconv.Atoi(r.PostFormValue("n." + key))
		return n
	}
	add := r.PostFormValue("add")
	p := s.newPhonePage(r, v, code, count, add)
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
	byKey := map[string]*phoneField{}
	eachPhoneField(p.Fields, func(f *phoneField) {
		f.Value = r.PostFormValue(f.Name)
		key := strings.TrimPrefix(f.Name, "f.")
		byKey[key] = f
		if strings.TrimSpace(f.Value) != "" {
			values[key] = f.Value
		}
	})
	if add != "" {
		// "Add an item": the same form with one more item, every value kept.
		s.render(w, http.StatusOK, "phone", p)
		return
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
		if f := byKey[pr.Field]; f != nil {
			f.Error = pr.Message
			p.addError(f.ID, p.L.T("phone.field.invalid", f.Label, pr.Fix))
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
	p := s.newPhonePage(r, v, "", nil, "")
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
