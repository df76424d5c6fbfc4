package desk

import (
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"balcao"
	"balcao/catalog"
	"balcao/intake"
	"balcao/mail"
)

type fieldRow struct {
	Key, Label, Value string
	State             string // ok, missing, invalid, warning
	Problem           string
	// Masked rows show Display (the last characters only) and a button
	// that reveals the value, recording the reveal in the history.
	Masked  bool
	Display string
	// Personal rows hold a personal identifier, masked or revealed.
	Personal bool
}

// personalKinds are the field types that identify a person; their values
// are masked until a member of staff asks to see them.
var personalKinds = map[string]bool{"niss": true, "nif": true, "nnu": true, "cc": true, "cpf": true, "cns": true}

// revealWindow is how long a reveal keeps a value shown to whoever asked.
const revealWindow = 15 * time.Minute

// mask hides all but the last three characters of an identifier.
func mask(v string) string {
	r := []rune(v)
	if len(r) <= 4 {
		return strings.Repeat("•", len(r))
	}
	return strings.Repeat("•", len(r)-3) + string(r[len(r)-3:])
}

type messageView struct {
	M         *balcao.Message
	Direction string
	Main      string // the text without quoted history
	Full      string // the whole text
	Quoted    bool   // the full text differs from Main
	HTMLURL   string
	FrameName string
	Files     []fileLink
	// Hidden are the identifiers found only in the message, masked, each
	// with its own reveal button.
	Hidden []hiddenID
}

type fileLink struct {
	Name, URL, Type string
	Size            int64
	// Preview is the URL of the image shown inline, "" for other files.
	Preview string
}

// previewTypes are the images the thread shows inline (never SVG, which
// can carry script), up to previewMax bytes.
var previewTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true, "image/bmp": true}

const previewMax = 10 << 20

type eventView struct {
	E      *balcao.Event
	Who    string
	What   string
	Change string
}

type ticketPage struct {
	page
	T           *balcao.Ticket
	URL         string
	RequestType string
	Fields      []fieldRow
	Problems    int
	Messages    []messageView
	Events      []eventView
	Next        []option
	MineToTake  bool // the viewer may take the ticket
	Assigned    bool // the viewer holds the ticket
	Note        string
	HasMasked   bool
	Teams       []option // every team, the ticket's selected
	Members     []option // the staff of the ticket's team, the assignee selected
	Impacts     []option // 1 high … 3 low, the current one selected
	Urgencies   []option
	Reason      string
	CanReply    bool
	CanWait     bool // a reply may also move the ticket to pending_requester
	Reply       string
	X           actionsView // the actions of actions.go

	thread    []string // Message-IDs, oldest first
	addresses []string // where the requester wrote to
}

// loadTicket finds the ticket of the URL and checks the viewer may see it;
// one out of scope answers as not found.
func (s *Server) loadTicket(r *http.Request, v *viewer) (*balcao.Ticket, error) {
	n, err := balcao.ParseTicketNumber(r.PathValue("number"))
	if err != nil {
		return nil, balcao.Errorf(balcao.ENOTFOUND, "not a ticket number")
	}
	t, err := s.Store.TicketByNumber(r.Context(), n)
	if err != nil {
		return nil, err
	}
	if !v.canSee(t) {
		return nil, balcao.Errorf(balcao.ENOTFOUND, "ticket out of scope")
	}
	return t, nil
}

func ticketURL(t *balcao.Ticket) string { return "/desk/tickets/" + url.PathEscape(string(t.Number)) }

func (s *Server) ticket(w http.ResponseWriter, r *http.Request, v *viewer) {
	t, err := s.loadTicket(r, v)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	p := &ticketPage{page: s.newPage(r, v, "ticket.title", t.Number)}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["done."+done]; ok {
			p.Status = p.L.T("done." + done)
		}
	}
	if err := s.fillTicket(r, v, t, p); err != nil {
		s.serverError(w, r, v, err)
		return
	}
	s.render(w, http.StatusOK, "ticket", p)
}

func (s *Server) fillTicket(r *http.Request, v *viewer, t *balcao.Ticket, p *ticketPage) error {
	ctx := r.Context()
	msgs, err := s.Store.Messages(ctx, t.ID)
	if err != nil {
		return err
	}
	events, err := s.Store.Events(ctx, t.ID)
	if err != nil {
		return err
	}
	p.T, p.URL = t, ticketURL(t)
	p.RequestType = s.requestTypeTitle(t.RequestType, p.L)
	revealed := revealedBy(events, v.User.ID, s.Clock.Now())
	p.Fields, p.Problems = s.fieldRows(t, p.L, revealed)
	masker := newBodyMasker(p.Fields, revealed)
	for _, f := range p.Fields {
		p.HasMasked = p.HasMasked || f.Masked
	}
	for _, m := range msgs {
		if m.MessageID != "" {
			p.thread = append(p.thread, m.MessageID)
		}
		if m.Direction == balcao.DirectionIn {
			p.addresses = append(p.addresses, m.To...)
		}
		mv := messageView{M: m, Direction: p.L.T("dir." + string(m.Direction))}
		mv.Main = mail.StripQuoted(m.Text)
		mv.Quoted = strings.TrimSpace(mv.Main) != strings.TrimSpace(m.Text)
		mv.Main, mv.Full = masker.MaskMessage(m.ID, mv.Main), masker.MaskMessage(m.ID, m.Text)
		mv.Hidden = masker.Hidden(m)
		p.HasMasked = p.HasMasked || len(mv.Hidden) > 0
		if m.HTML != "" {
			mv.HTMLURL = p.URL + "/messages/" + strconv.FormatInt(m.ID, 10) + "/html"
			from := m.FromName
			if from == "" {
				from = m.FromAddr
			}
			mv.FrameName = p.L.T("msg.html.frame", from)
		}
		for _, a := range m.Attachments {
			f := fileLink{Name: a.Filename, URL: p.URL + "/attachments/" + strconv.FormatInt(a.ID, 10), Type: a.MediaType, Size: a.Size}
			if previewTypes[strings.ToLower(a.MediaType)] && a.Size <= previewMax {
				f.Preview = f.URL + "?inline=1"
			}
			mv.Files = append(mv.Files, f)
		}
		p.Messages = append(p.Messages, mv)
	}
	for _, e := range events {
		p.Events = append(p.Events, s.eventView(e, p.L))
	}
	for _, st := range balcao.NextStatuses(t.Status) {
		if st == balcao.StatusMerged {
			continue // a merge names the other ticket: not a plain state change
		}
		p.Next = append(p.Next, option{Value: string(st), Label: st.Label(p.L.Lang)})
	}
	teams, err := s.Store.ListTeams(ctx)
	if err != nil {
		return err
	}
	for _, tm := range teams {
		p.Teams = append(p.Teams, option{tm.Code, tm.Name, tm.ID == t.TeamID})
	}
	if t.TeamID != 0 {
		members, err := s.Store.TeamMembers(ctx, t.TeamID)
		if err != nil {
			return err
		}
		for _, u := range members {
			label := u.Email
			if u.Name != "" {
				label = u.Name + " <" + u.Email + ">"
			}
			p.Members = append(p.Members, option{strconv.FormatInt(u.ID, 10), label, u.ID == t.AssigneeID})
		}
	}
	for n := 1; n <= 3; n++ {
		p.Impacts = append(p.Impacts, option{strconv.Itoa(n), p.L.T("level." + strconv.Itoa(n)), n == t.Impact})
		p.Urgencies = append(p.Urgencies, option{strconv.Itoa(n), p.L.T("level." + strconv.Itoa(n)), n == t.Urgency})
	}
	p.CanReply = s.Replier != nil && !t.Status.Terminal()
	p.CanWait = t.Status != balcao.StatusPendingRequester && balcao.CheckTransition(t.Status, balcao.StatusPendingRequester) == nil
	p.Assigned = t.AssigneeID == v.User.ID
	p.MineToTake = !p.Assigned && !t.Status.Terminal()
	return s.fillActions(r, v, t, p)
}

func (s *Server) eventView(e *balcao.Event, l Localizer) eventView {
	ev := eventView{E: e, Who: e.ActorName}
	if e.ActorID == 0 && e.ActorName == balcao.SystemActor.Name {
		ev.Who = l.T("events.system")
	}
	if _, ok := messages["event."+string(e.Kind)]; ok {
		ev.What = l.T("event." + string(e.Kind))
	} else {
		ev.What = l.T("event.other")
	}
	show := func(v string) string {
		if e.Kind == balcao.EventStatus || e.Kind == balcao.EventCreated {
			if st := balcao.Status(v); st.Valid() {
				return st.Label(l.Lang)
			}
		}
		if v == "" {
			return l.T("none")
		}
		return v
	}
	switch e.Kind {
	case balcao.EventReveal:
		ev.Change = e.Field
		if id, kind, tail, ok := parseBodyKey(e.Field); ok {
			ev.Change = l.T("event.reveal.msg", strings.ToUpper(string(kind)), tail, id)
		}
	case balcao.EventCreated:
		ev.Change = show(e.To)
	case balcao.EventMessage:
		ev.Change = l.T("dir." + e.Field)
	default:
		ev.Change = show(e.From) + " → " + show(e.To)
		if e.Field != "" && e.Kind != balcao.EventStatus && e.Kind != balcao.EventAssign && e.Kind != balcao.EventTeam {
			ev.Change = e.Field + ": " + ev.Change
		}
	}
	return ev
}

var indexRE = regexp.MustCompile(`\[\d+\]`)

// fieldRows lists a ticket's structured values in catalogue order, each
// marked valid, missing or invalid from the ticket's open problems.
func (s *Server) fieldRows(t *balcao.Ticket, l Localizer, revealed map[string]bool) ([]fieldRow, int) {
	labels := map[string]string{}
	kinds := map[string]string{}
	var order []string
	if s.Catalog != nil {
		if rt := s.Catalog.RequestType(t.RequestType); rt != nil {
			var walk func(prefix string, fs []*catalog.Field)
			walk = func(prefix string, fs []*catalog.Field) {
				for _, f := range fs {
					key := prefix + f.Key
					if f.IsGroup() {
						walk(key+".", f.Fields)
						continue
					}
					labels[key] = f.Label.Get(l.Lang)
					kinds[key] = f.Type
					order = append(order, key)
				}
			}
			walk("", rt.Fields)
		}
	}
	problems := map[string]balcao.FieldProblem{}
	for _, fp := range t.Missing {
		if _, seen := problems[fp.Key]; !seen {
			problems[fp.Key] = fp
		}
	}
	keys := map[string]bool{}
	for k := range t.Fields {
		keys[k] = true
	}
	for k := range problems {
		keys[k] = true
	}
	rank := func(k string) int {
		if i := slices.Index(order, indexRE.ReplaceAllString(k, "")); i >= 0 {
			return i
		}
		return len(order)
	}
	list := make([]string, 0, len(keys))
	for k := range keys {
		list = append(list, k)
	}
	sort.Slice(list, func(i, j int) bool {
		ri, rj := rank(list[i]), rank(list[j])
		if ri != rj {
			return ri < rj
		}
		return list[i] < list[j]
	})
	var rows []fieldRow
	n := 0
	for _, k := range list {
		row := fieldRow{Key: k, Value: t.Fields[k], State: "ok"}
		row.Label = labels[indexRE.ReplaceAllString(k, "")]
		if fp, ok := problems[k]; ok {
			if row.Label == "" {
				row.Label = fp.Label
			}
			row.Problem = fp.Problem
			switch {
			case fp.Warning:
				row.State = "warning"
			case strings.TrimSpace(row.Value) == "":
				row.State = "missing"
				n++
			default:
				row.State = "invalid"
				n++
			}
		}
		if row.Label == "" {
			row.Label = k
		}
		if personalKinds[kinds[indexRE.ReplaceAllString(k, "")]] && row.Value != "" {
			row.Personal = true
			if !revealed[k] {
				row.Masked, row.Display = true, mask(row.Value)
			}
		}
		rows = append(rows, row)
	}
	return rows, n
}

// attachment sends a file of the ticket's thread, always as a download:
// the browser never renders it in the console's origin.
func (s *Server) attachment(w http.ResponseWriter, r *http.Request, v *viewer) {
	t, err := s.loadTicket(r, v)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	msgs, err := s.Store.Messages(r.Context(), t.ID)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	for _, m := range msgs {
		for _, a := range m.Attachments {
			if a.ID != id {
				continue
			}
			data, err := s.Store.Blob(r.Context(), a.SHA256)
			if err != nil {
				s.serverError(w, r, v, err)
				return
			}
			ct := a.MediaType
			if _, _, err := mime.ParseMediaType(ct); err != nil || ct == "" {
				ct = "application/octet-stream"
			}
			disposition := contentDisposition(a.Filename)
			// An image previewed in the thread is sent inline, only when its
			// declared type is one shown and its bytes are that image.
			if r.URL.Query().Get("inline") == "1" && previewTypes[strings.ToLower(ct)] && http.DetectContentType(data) == strings.ToLower(ct) {
				ct, disposition = strings.ToLower(ct), "inline"
			}
			w.Header().Set("Content-Type", ct)
			w.Header().Set("Content-Disposition", disposition)
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
			w.Write(data)
			return
		}
	}
	s.renderError(w, r, v, http.StatusNotFound, "error.notfound")
}

func contentDisposition(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '/' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	if name == "" {
		name = "anexo"
	}
	if v := mime.FormatMediaType("attachment", map[string]string{"filename": name}); v != "" {
		return v
	}
	return "attachment"
}

// frameCSP is the policy of the frame that shows mail HTML: a sandbox
// without scripts, nothing loaded from anywhere (no tracking pixels), only
// inline styles; only the console may frame it.
const frameCSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"

// messageHTML serves a message's HTML, sanitised, for the sandboxed frame
// of the ticket page.
func (s *Server) messageHTML(w http.ResponseWriter, r *http.Request, v *viewer) {
	t, err := s.loadTicket(r, v)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	msgs, err := s.Store.Messages(r.Context(), t.ID)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	for _, m := range msgs {
		if m.ID != id || m.HTML == "" {
			continue
		}
		masker, err := s.maskerFor(r, v, t)
		if err != nil {
			s.serverError(w, r, v, err)
			return
		}
		clean := masker.MaskMessage(m.ID, mail.SanitizeHTML(m.HTML, func(string) string { return "" }))
		h := w.Header()
		h.Set("Content-Security-Policy", frameCSP)
		h.Set("X-Frame-Options", "SAMEORIGIN")
		h.Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html><head><meta charset="utf-8"><title>` +
			strings.NewReplacer("&", "&amp;", "<", "&lt;").Replace(m.Subject) + `</title></head><body>` + clean + `</body></html>`))
		return
	}
	s.renderError(w, r, v, http.StatusNotFound, "error.notfound")
}

// afterAction returns to the ticket with what was done announced.
func afterAction(w http.ResponseWriter, r *http.Request, t *balcao.Ticket, done string) {
	http.Redirect(w, r, ticketURL(t)+"?done="+done+"#actions", http.StatusSeeOther)
}

// actionError shows the ticket again with a form's error.
func (s *Server) actionError(w http.ResponseWriter, r *http.Request, v *viewer, t *balcao.Ticket, field, key string, form func(*ticketPage)) {
	p := &ticketPage{page: s.newPage(r, v, "ticket.title", t.Number)}
	if err := s.fillTicket(r, v, t, p); err != nil {
		s.serverError(w, r, v, err)
		return
	}
	p.Here = ticketURL(t) // the language switch returns to the page, not to the form's target
	p.addError(field, p.L.T(key))
	if form != nil {
		form(p)
	}
	s.render(w, http.StatusUnprocessableEntity, "ticket", p)
}

func (s *Server) assign(w http.ResponseWriter, r *http.Request, v *viewer) {
	t, err := s.loadTicket(r, v)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	to, done := v.User.ID, "assigned"
	switch who := r.PostFormValue("to"); who {
	case "", strconv.FormatInt(v.User.ID, 10):
	case "none":
		to, done = 0, "unassigned"
	default:
		// Someone else: a member of the ticket's team.
		id, _ := strconv.ParseInt(who, 10, 64)
		members, err := s.Store.TeamMembers(r.Context(), t.TeamID)
		if err != nil {
			s.serverError(w, r, v, err)
			return
		}
		if t.TeamID == 0 || !slices.ContainsFunc(members, func(u *balcao.User) bool { return u.ID == id }) {
			s.actionError(w, r, v, t, "assignee", "action.assign.invalid", nil)
			return
		}
		to, done = id, "assigned_other"
	}
	if _, err := s.Store.AssignTicket(r.Context(), t.ID, to, v.actor(), s.Clock.Now()); err != nil {
		s.serverError(w, r, v, err)
		return
	}
	afterAction(w, r, t, done)
}

func (s *Server) changeStatus(w http.ResponseWriter, r *http.Request, v *viewer) {
	t, err := s.loadTicket(r, v)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	to := balcao.Status(r.PostFormValue("status"))
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	_, err = s.Store.ChangeStatus(r.Context(), t.ID, to, v.actor(), reason, s.Clock.Now())
	switch balcao.ErrorCode(err) {
	case "":
		afterAction(w, r, t, "status")
	case balcao.EINVALID:
		s.actionError(w, r, v, t, "status", "action.status.invalid", nil)
	case balcao.ECONFLICT:
		s.actionError(w, r, v, t, "status", "action.conflict", nil)
	default:
		s.serverError(w, r, v, err)
	}
}

func (s *Server) addNote(w http.ResponseWriter, r *http.Request, v *viewer) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	t, err := s.loadTicket(r, v)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	text := strings.TrimSpace(r.PostFormValue("text"))
	if text == "" {
		s.actionError(w, r, v, t, "note", "action.note.empty", nil)
		return
	}
	m := &balcao.Message{Direction: balcao.DirectionNote, Channel: balcao.ChannelPortal, FromAddr: v.User.Email,
		FromName: v.User.Name, AuthorID: v.User.ID, Text: text, CreatedAt: s.Clock.Now()}
	if err := s.Store.AddMessage(r.Context(), t.ID, m, v.actor()); err != nil {
		s.serverError(w, r, v, err)
		return
	}
	afterAction(w, r, t, "note")
}

func (s *Server) reply(w http.ResponseWriter, r *http.Request, v *viewer) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	t, err := s.loadTicket(r, v)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	text := strings.TrimSpace(r.PostFormValue("text"))
	keep := func(p *ticketPage) { p.Reply = r.PostFormValue("text") }
	if s.Replier == nil || t.Status.Terminal() {
		s.renderError(w, r, v, http.StatusNotFound, "error.notfound")
		return
	}
	if text == "" {
		s.actionError(w, r, v, t, "reply", "action.reply.empty", keep)
		return
	}
	// The thread and the addresses come from the page's own reading of
	// the ticket, outside the write transaction.
	p := &ticketPage{page: s.newPage(r, v, "ticket.title", t.Number)}
	if err := s.fillTicket(r, v, t, p); err != nil {
		s.serverError(w, r, v, err)
		return
	}
	now := s.Clock.Now()
	wait := r.PostFormValue("wait") != "" && p.CanWait
	err = s.Store.Update(r.Context(), func(tx balcao.Tx) error {
		cur, err := tx.TicketByID(t.ID)
		if err != nil {
			return err
		}
		if _, err := s.Replier.Reply(tx, cur, intake.AgentReply{Text: text, Author: v.actor(), Thread: p.thread,
			Addresses: p.addresses, Now: now}); err != nil {
			return err
		}
		if wait {
			_, err = tx.ChangeStatus(t.ID, balcao.StatusPendingRequester, v.actor(), "", now)
		}
		return err
	})
	switch balcao.ErrorCode(err) {
	case "":
		afterAction(w, r, t, "reply")
	case balcao.EINVALID:
		s.actionError(w, r, v, t, "reply", "action.reply.noemail", keep)
	case balcao.ECONFLICT:
		s.actionError(w, r, v, t, "reply", "action.conflict", keep)
	default:
		s.serverError(w, r, v, err)
	}
}

// reveal shows a masked identifier to the viewer for a while, recording
// who saw which value when.
func (s *Server) reveal(w http.ResponseWriter, r *http.Request, v *viewer) {
	t, err := s.loadTicket(r, v)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	key := r.PostFormValue("field")
	rows, _ := s.fieldRows(t, Localizer{Lang: languages[0]}, nil)
	ok := false
	for _, row := range rows {
		ok = ok || (row.Key == key && row.Masked)
	}
	back := ticketURL(t) + "#field-" + url.PathEscape(key)
	if msgID, _, _, isBody := parseBodyKey(key); isBody {
		// An identifier found only in a message: it must still be there,
		// and held by no field.
		msgs, err := s.Store.Messages(r.Context(), t.ID)
		if err != nil {
			s.serverError(w, r, v, err)
			return
		}
		masker := newBodyMasker(rows, nil)
		for _, m := range msgs {
			if m.ID != msgID {
				continue
			}
			for _, h := range masker.Hidden(m) {
				ok = ok || h.Key == key
			}
		}
		back = ticketURL(t) + "#msg-" + strconv.FormatInt(msgID, 10)
	}
	if !ok {
		s.renderError(w, r, v, http.StatusNotFound, "error.notfound")
		return
	}
	e := &balcao.Event{TicketID: t.ID, ActorID: v.User.ID, ActorName: v.actor().Name, Kind: balcao.EventReveal, Field: key, CreatedAt: s.Clock.Now()}
	if err := s.Store.RecordEvent(r.Context(), e); err != nil {
		s.serverError(w, r, v, err)
		return
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// changePriority sets impact and urgency, and so the priority, with the
// reason the history keeps (an urgent request by phone, say).
func (s *Server) changePriority(w http.ResponseWriter, r *http.Request, v *viewer) {
	t, err := s.loadTicket(r, v)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	impact, err1 := strconv.Atoi(r.PostFormValue("impact"))
	urgency, err2 := strconv.Atoi(r.PostFormValue("urgency"))
	reason := strings.TrimSpace(r.PostFormValue("priority_reason"))
	keep := func(p *ticketPage) { p.Reason = r.PostFormValue("priority_reason") }
	if err1 != nil || err2 != nil || impact < 1 || impact > 3 || urgency < 1 || urgency > 3 {
		s.actionError(w, r, v, t, "impact", "action.priority.invalid", keep)
		return
	}
	if reason == "" {
		s.actionError(w, r, v, t, "priority_reason", "action.priority.noreason", keep)
		return
	}
	if _, err := s.Store.ChangePriority(r.Context(), t.ID, impact, urgency, v.actor(), reason, s.Clock.Now()); err != nil {
		s.serverError(w, r, v, err)
		return
	}
	afterAction(w, r, t, "priority")
}

// changeTeam routes a ticket to another team (or back to triage). When the
// agent is not in the new team the ticket leaves their sight, so they go
// back to the queue.
func (s *Server) changeTeam(w http.ResponseWriter, r *http.Request, v *viewer) {
	t, err := s.loadTicket(r, v)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	code := r.PostFormValue("team")
	var teamID int64
	if code != "" {
		tm, err := s.Store.TeamByCode(r.Context(), code)
		if balcao.ErrorCode(err) == balcao.ENOTFOUND {
			s.actionError(w, r, v, t, "team", "action.team.invalid", nil)
			return
		}
		if err != nil {
			s.serverError(w, r, v, err)
			return
		}
		teamID = tm.ID
	}
	moved, err := s.Store.ChangeTeam(r.Context(), t.ID, teamID, v.actor(), s.Clock.Now())
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	if !v.canSee(moved) {
		http.Redirect(w, r, "/desk/?done=team", http.StatusSeeOther)
		return
	}
	afterAction(w, r, t, "team")
}
