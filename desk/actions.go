package desk

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"balcao"
	"balcao/catalog"
	"balcao/intake"
)

// The ticket actions beyond the first ones of ticket.go: asking for the
// missing data, approval, merge and links, the request type, canned
// responses, and recording phone calls (phone.go). The requester is told
// through the Replier when it also implements the notifier interfaces
// below (intake.Intake does); without one the actions still work and no
// email leaves.

// decisionNotifier tells a requester an approval decision (the REST API
// uses the same).
type decisionNotifier interface {
	NotifyDecision(tx balcao.Tx, t *balcao.Ticket, approved bool, reason string, now time.Time) error
}

// mergeNotifier tells the requester of a duplicate where it went.
type mergeNotifier interface {
	NotifyMerged(tx balcao.Tx, dup, into *balcao.Ticket, now time.Time) error
}

// emailAsker asks a caller to send their request by email.
type emailAsker interface {
	AskToSubmitByEmail(tx balcao.Tx, t *balcao.Ticket, now time.Time) error
}

// actionsView is what the ticket page shows of these actions.
type actionsView struct {
	CanAsk    bool // the ticket has missing data and can be answered
	Wait      bool // the reply form comes with "wait for the requester" ticked
	CanDecide bool // the viewer may approve or reject
	Decision  string
	DecReason string
	Links     []linkView
	CanMerge  bool
	MergeInto string
	LinkTo    string
	Types     []optGroup
	Canned    []option
}

type linkView struct {
	Label, Number, URL, Subject, Status string
}

func (s *Server) registerActions(mux *http.ServeMux) {
	mux.HandleFunc("GET /desk/tickets/{number}/ask", s.staff(s.askMissing))
	mux.HandleFunc("POST /desk/tickets/{number}/canned", s.staff(s.insertCanned))
	mux.HandleFunc("POST /desk/tickets/{number}/approval", s.staff(s.decide))
	mux.HandleFunc("POST /desk/tickets/{number}/merge", s.staff(s.merge))
	mux.HandleFunc("POST /desk/tickets/{number}/link", s.staff(s.link))
	mux.HandleFunc("POST /desk/tickets/{number}/type", s.staff(s.changeType))
	mux.HandleFunc("POST /desk/bulk", s.staff(s.bulk))
	mux.HandleFunc("GET /desk/phone", s.staff(s.phoneForm))
	mux.HandleFunc("POST /desk/phone", s.staff(s.phoneTicket))
	mux.HandleFunc("POST /desk/phone/note", s.staff(s.phoneNote))
	mux.HandleFunc("GET /desk/canned", s.staff(s.cannedPage))
	mux.HandleFunc("POST /desk/canned", s.staff(s.saveCanned))
	mux.HandleFunc("POST /desk/canned/{id}/delete", s.staff(s.deleteCanned))
}

func (s *Server) fillActions(r *http.Request, v *viewer, t *balcao.Ticket, p *ticketPage) error {
	ctx := r.Context()
	x := &p.X
	for _, m := range t.Missing {
		x.CanAsk = x.CanAsk || !m.Warning
	}
	x.CanAsk = x.CanAsk && p.CanReply
	if t.Status == balcao.StatusPendingApproval {
		ok, err := s.mayDecide(r, v, t)
		if err != nil {
			return err
		}
		x.CanDecide = ok
	}
	links, err := s.Store.TicketLinks(ctx, t.ID)
	if err != nil {
		return err
	}
	for _, l := range links {
		if !v.canSee(&balcao.Ticket{TeamID: l.TeamID, AssigneeID: l.AssigneeID}) {
			continue // a ticket out of scope is not there
		}
		key := "link." + l.Kind
		if l.Incoming {
			key = "link.in." + l.Kind
		}
		label := l.Kind
		if _, ok := messages[key]; ok {
			label = p.L.T(key)
		}
		x.Links = append(x.Links, linkView{Label: label, Number: string(l.Number), URL: "/desk/tickets/" + string(l.Number),
			Subject: l.Subject, Status: l.Status.Label(p.L.Lang)})
	}
	x.CanMerge = !t.Status.Terminal()
	if s.Catalog != nil && !t.Status.Terminal() {
		for _, sv := range s.Catalog.Services {
			g := optGroup{Label: sv.Name.Get(p.L.Lang)}
			for _, rt := range sv.RequestTypes {
				if !rt.Disabled || rt.Code == t.RequestType {
					g.Options = append(g.Options, option{rt.Code, rt.Title.Get(p.L.Lang), rt.Code == t.RequestType})
				}
			}
			if len(g.Options) > 0 {
				x.Types = append(x.Types, g)
			}
		}
	}
	for i := range p.Events {
		s.actionEventView(&p.Events[i], p.L)
	}
	if p.CanReply {
		canned, err := s.Store.CannedResponses(ctx, t.RequestType, false)
		if err != nil {
			return err
		}
		for _, c := range canned {
			x.Canned = append(x.Canned, option{Value: strconv.FormatInt(c.ID, 10), Label: c.Title})
		}
	}
	return nil
}

// mayDecide applies the API's rule: admins, and users with the approver
// permission for the ticket's service.
func (s *Server) mayDecide(r *http.Request, v *viewer, t *balcao.Ticket) (bool, error) {
	if v.User.Role == balcao.RoleAdmin {
		return true, nil
	}
	return s.Store.IsApprover(r.Context(), v.User.ID, t.Service)
}

// showTicket renders the ticket page with a form filled in by fill.
func (s *Server) showTicket(w http.ResponseWriter, r *http.Request, v *viewer, t *balcao.Ticket, status string, fill func(*ticketPage)) {
	p := &ticketPage{page: s.newPage(r, v, "ticket.title", t.Number)}
	if err := s.fillTicket(r, v, t, p); err != nil {
		s.serverError(w, r, v, err)
		return
	}
	p.Here = ticketURL(t)
	if status != "" {
		p.Status = p.L.T(status)
	}
	fill(p)
	s.render(w, http.StatusOK, "ticket", p)
}

// askMissing shows the ticket with the reply form holding the message that
// asks for the missing data, for the agent to edit and send; sent with the
// box ticked, the ticket then waits for the requester.
func (s *Server) askMissing(w http.ResponseWriter, r *http.Request, v *viewer) {
	t, err := s.loadTicket(r, v)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	if s.Replier == nil || t.Status.Terminal() {
		s.renderError(w, r, v, http.StatusNotFound, "error.notfound")
		return
	}
	s.showTicket(w, r, v, t, "ask.ready", func(p *ticketPage) {
		p.Reply = intake.AskForMissing(t)
		p.X.Wait = p.CanWait
	})
}

// insertCanned adds a canned response to the text of the reply form.
func (s *Server) insertCanned(w http.ResponseWriter, r *http.Request, v *viewer) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	t, err := s.loadTicket(r, v)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	text := r.PostFormValue("text")
	keep := func(p *ticketPage) { p.Reply = text; p.X.Wait = r.PostFormValue("wait") != "" }
	id, _ := strconv.ParseInt(r.PostFormValue("canned"), 10, 64)
	list, err := s.Store.CannedResponses(r.Context(), t.RequestType, false)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	for _, c := range list {
		if c.ID == id {
			langs, err := s.replyLanguages(r.Context(), t)
			if err != nil {
				s.serverError(w, r, v, err)
				return
			}
			text, _ := c.TextIn(langs...)
			s.showTicket(w, r, v, t, "", func(p *ticketPage) {
				keep(p)
				if strings.TrimSpace(p.Reply) != "" {
					p.Reply = strings.TrimRight(p.Reply, "\r\n ") + "\n\n"
				}
				p.Reply += text
			})
			return
		}
	}
	s.actionError(w, r, v, t, "canned", "canned.invalid", keep)
}

// decide approves or rejects a ticket awaiting approval, with the reason
// the requester receives: the rule and the texts of the REST API.
func (s *Server) decide(w http.ResponseWriter, r *http.Request, v *viewer) {
	t, err := s.loadTicket(r, v)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	decision := r.PostFormValue("decision")
	reason := strings.TrimSpace(r.PostFormValue("decision_reason"))
	keep := func(p *ticketPage) { p.X.Decision, p.X.DecReason = decision, r.PostFormValue("decision_reason") }
	if t.Status != balcao.StatusPendingApproval {
		s.actionError(w, r, v, t, "decision", "approval.notpending", keep)
		return
	}
	ok, err := s.mayDecide(r, v, t)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	if !ok {
		p := &ticketPage{page: s.newPage(r, v, "ticket.title", t.Number)}
		if err := s.fillTicket(r, v, t, p); err != nil {
			s.serverError(w, r, v, err)
			return
		}
		p.Here = ticketURL(t)
		p.addError("decision", p.L.T("approval.forbidden"))
		s.render(w, http.StatusForbidden, "ticket", p)
		return
	}
	if decision != "approve" && decision != "reject" {
		s.actionError(w, r, v, t, "decision", "approval.nodecision", keep)
		return
	}
	if reason == "" {
		s.actionError(w, r, v, t, "decision_reason", "approval.noreason", keep)
		return
	}
	approved := decision == "approve"
	to, word, done := balcao.StatusOpen, "aprovado", "approved"
	if !approved {
		to, word, done = balcao.StatusCancelled, "rejeitado", "rejected"
	}
	now := s.Clock.Now()
	err = s.Store.Update(r.Context(), func(tx balcao.Tx) error {
		updated, err := tx.ChangeStatus(t.ID, to, v.actor(), word+": "+reason, now)
		if err != nil {
			return err
		}
		if n, ok := s.Replier.(decisionNotifier); ok {
			return n.NotifyDecision(tx, updated, approved, reason, now)
		}
		return nil
	})
	switch balcao.ErrorCode(err) {
	case "":
		afterAction(w, r, t, done)
	case balcao.EINVALID, balcao.ECONFLICT:
		s.actionError(w, r, v, t, "decision", "action.conflict", keep)
	default:
		s.serverError(w, r, v, err)
	}
}

// otherTicket finds the ticket a form names by number, if the viewer may
// see it.
func (s *Server) otherTicket(r *http.Request, v *viewer, field string) (*balcao.Ticket, bool, error) {
	n, err := balcao.ParseTicketNumber(strings.ToUpper(strings.TrimSpace(r.PostFormValue(field))))
	if err != nil {
		return nil, false, nil
	}
	o, err := s.Store.TicketByNumber(r.Context(), n)
	if balcao.ErrorCode(err) == balcao.ENOTFOUND || (err == nil && !v.canSee(o)) {
		return nil, false, nil
	}
	return o, err == nil, err
}

// merge moves this ticket (the duplicate) into another: its messages move
// there, it becomes merged, and its requester is told.
func (s *Server) merge(w http.ResponseWriter, r *http.Request, v *viewer) {
	t, err := s.loadTicket(r, v)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	keep := func(p *ticketPage) { p.X.MergeInto = r.PostFormValue("into") }
	into, ok, err := s.otherTicket(r, v, "into")
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	if !ok {
		s.actionError(w, r, v, t, "into", "merge.unknown", keep)
		return
	}
	if into.ID == t.ID || into.Status.Terminal() || t.Status.Terminal() {
		s.actionError(w, r, v, t, "into", "merge.invalid", keep)
		return
	}
	now := s.Clock.Now()
	err = s.Store.Update(r.Context(), func(tx balcao.Tx) error {
		if err := tx.MergeTicket(t.ID, into.ID, v.actor(), now); err != nil {
			return err
		}
		if n, ok := s.Replier.(mergeNotifier); ok {
			dup, err := tx.TicketByID(t.ID)
			if err != nil {
				return err
			}
			return n.NotifyMerged(tx, dup, into, now)
		}
		return nil
	})
	switch balcao.ErrorCode(err) {
	case "":
		afterAction(w, r, into, "merged")
	case balcao.EINVALID, balcao.ECONFLICT:
		s.actionError(w, r, v, t, "into", "merge.invalid", keep)
	default:
		s.serverError(w, r, v, err)
	}
}

// link records that two tickets are about related matters; both pages show it.
func (s *Server) link(w http.ResponseWriter, r *http.Request, v *viewer) {
	t, err := s.loadTicket(r, v)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	keep := func(p *ticketPage) { p.X.LinkTo = r.PostFormValue("link_to") }
	o, ok, err := s.otherTicket(r, v, "link_to")
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	if !ok {
		s.actionError(w, r, v, t, "link_to", "link.unknown", keep)
		return
	}
	if o.ID == t.ID {
		s.actionError(w, r, v, t, "link_to", "link.self", keep)
		return
	}
	now := s.Clock.Now()
	err = s.Store.Update(r.Context(), func(tx balcao.Tx) error {
		if err := tx.LinkTickets(t.ID, o.ID, balcao.LinkRelated, now); err != nil {
			return err
		}
		for _, pair := range [][2]*balcao.Ticket{{t, o}, {o, t}} {
			if err := tx.AddEvent(&balcao.Event{TicketID: pair[0].ID, ActorID: v.User.ID, ActorName: v.actor().Name,
				Kind: balcao.EventLink, Field: balcao.LinkRelated, To: string(pair[1].Number), CreatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	afterAction(w, r, t, "linked")
}

// changeType gives a ticket another request type: its values are checked
// again against the new type (problems in the requester's language), and
// it goes to the new type's team.
func (s *Server) changeType(w http.ResponseWriter, r *http.Request, v *viewer) {
	t, err := s.loadTicket(r, v)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	var rt *catalog.RequestType
	if s.Catalog != nil {
		rt = s.Catalog.RequestType(r.PostFormValue("request_type"))
	}
	if rt == nil || (rt.Disabled && rt.Code != t.RequestType) || rt.Service() == nil || t.Status.Terminal() {
		s.actionError(w, r, v, t, "request_type", "type.invalid", nil)
		return
	}
	var teamID int64
	if tm, err := s.Store.TeamByCode(r.Context(), rt.Team); err == nil {
		teamID = tm.ID
	} else if balcao.ErrorCode(err) != balcao.ENOTFOUND {
		s.serverError(w, r, v, err)
		return
	}
	now := s.Clock.Now()
	lang := t.Language
	if lang == "" {
		lang = rt.Language()
	}
	var moved *balcao.Ticket
	err = s.Store.Update(r.Context(), func(tx balcao.Tx) error {
		stored, err := tx.Attachments(t.ID)
		if err != nil {
			return err
		}
		atts := make([]catalog.Attachment, 0, len(stored))
		for _, a := range stored {
			atts = append(atts, catalog.Attachment{Filename: a.Filename, MediaType: a.MediaType, Size: a.Size})
		}
		fields, problems := rt.Validate(t.Fields, atts, lang, now)
		if err := tx.ChangeRequestType(t.ID, rt.Code, rt.Service().Code, teamID, fields, catalog.ToDomain(problems), v.actor(), now); err != nil {
			return err
		}
		moved, err = tx.TicketByID(t.ID)
		return err
	})
	switch balcao.ErrorCode(err) {
	case "":
	case balcao.EINVALID:
		s.actionError(w, r, v, t, "request_type", "type.invalid", nil)
		return
	default:
		s.serverError(w, r, v, err)
		return
	}
	if !v.canSee(moved) {
		http.Redirect(w, r, "/desk/?done=type", http.StatusSeeOther)
		return
	}
	afterAction(w, r, t, "type")
}

// actionEventView words the history entries of these actions: a merge
// names both tickets and how many messages moved, a link the other ticket,
// a request type change the types' titles.
func (s *Server) actionEventView(ev *eventView, l Localizer) {
	e := *ev.E
	switch e.Kind {
	case balcao.EventMerge:
		n, _ := strconv.Atoi(e.Reason)
		key := "event.merge.into"
		if e.Field == "merged_from" {
			key = "event.merge.from"
		}
		ev.Change = l.T(key, e.From, e.To, n)
		e.Reason = ""
	case balcao.EventLink:
		label := e.Field
		if _, ok := messages["link."+e.Field]; ok {
			label = l.T("link." + e.Field)
		}
		ev.Change = label + " " + e.To
	case balcao.EventRequestType:
		ev.Change = s.requestTypeTitle(e.From, l) + " → " + s.requestTypeTitle(e.To, l)
	default:
		return
	}
	ev.E = &e
}
