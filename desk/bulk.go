package desk

import (
	"net/http"
	"strings"

	"balcao"
	"balcao/intake"
)

// bulkView is the form under a queue that acts on the tickets ticked.
type bulkView struct {
	States   []option
	CanClose bool // closing sends a message, so needs the Replier
}

func (s *Server) fillBulk(p *queuePage) {
	for _, st := range balcao.Statuses {
		if st != balcao.StatusMerged && st != balcao.StatusNew {
			p.B.States = append(p.B.States, option{Value: string(st), Label: st.Label(p.L.Lang)})
		}
	}
	p.B.CanClose = s.Replier != nil
}

// errNoEmail: the ticket's service takes no email, so no message can
// close it.
var errNoEmail = balcao.Errorf(balcao.EINVALID, "this ticket's service takes no email")

type bulkOutcome struct {
	Number, URL, Result string
	OK                  bool
}

type bulkPage struct {
	page
	Outcomes []bulkOutcome
	Done     int
}

// bulk applies one action to the tickets ticked on a queue: take them,
// move them to a state (with a reason), or close them with a message sent
// to each requester. Each ticket is done on its own; the page says what
// happened to each, and why one was left as it was.
func (s *Server) bulk(w http.ResponseWriter, r *http.Request, v *viewer) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, v, http.StatusBadRequest, "error.notfound")
		return
	}
	p := &bulkPage{page: s.newPage(r, v, "bulk.title")}
	p.Here = "/desk/"
	numbers := r.PostForm["t"]
	action := r.PostFormValue("bulk_action")
	to := balcao.Status(r.PostFormValue("bulk_status"))
	text := strings.TrimSpace(r.PostFormValue("bulk_text"))
	if len(numbers) == 0 {
		p.addError("bulk_tickets", p.L.T("bulk.none"))
	}
	switch action {
	case "assign":
	case "status":
		if !to.Valid() || to == balcao.StatusMerged {
			p.addError("bulk_status", p.L.T("bulk.status.invalid"))
		}
	case "close":
		if s.Replier == nil {
			p.addError("bulk_action", p.L.T("bulk.action.invalid"))
		} else if text == "" {
			p.addError("bulk_text", p.L.T("bulk.text.empty"))
		}
	default:
		p.addError("bulk_action", p.L.T("bulk.action.invalid"))
	}
	if len(numbers) > 200 {
		p.addError("bulk_tickets", p.L.T("bulk.toomany"))
	}
	if len(p.Errors) > 0 {
		s.render(w, http.StatusUnprocessableEntity, "bulk", p)
		return
	}
	now := s.Clock.Now()
	for _, raw := range numbers {
		o := bulkOutcome{Number: raw}
		n, err := balcao.ParseTicketNumber(raw)
		var t *balcao.Ticket
		if err == nil {
			t, err = s.Store.TicketByNumber(r.Context(), n)
		}
		if err != nil || !v.canSee(t) {
			o.Result = p.L.T("bulk.result.notfound")
			p.Outcomes = append(p.Outcomes, o)
			continue
		}
		o.URL = ticketURL(t)
		switch action {
		case "assign":
			_, err = s.Store.AssignTicket(r.Context(), t.ID, v.User.ID, v.actor(), now)
		case "status":
			_, err = s.Store.ChangeStatus(r.Context(), t.ID, to, v.actor(), text, now)
		case "close":
			err = s.closeWithMessage(r, v, t, text)
		}
		switch balcao.ErrorCode(err) {
		case "":
			o.OK, o.Result = true, p.L.T("bulk.result.ok")
			p.Done++
		case balcao.EINVALID:
			o.Result = p.L.T("bulk.result.invalid", t.Status.Label(p.L.Lang))
			if err == errNoEmail {
				o.Result = p.L.T("bulk.result.noemail")
			}
		case balcao.ECONFLICT:
			o.Result = p.L.T("action.conflict")
		default:
			s.serverError(w, r, v, err)
			return
		}
		p.Outcomes = append(p.Outcomes, o)
	}
	p.Status = p.L.T("bulk.summary", p.Done, len(p.Outcomes))
	s.render(w, http.StatusOK, "bulk", p)
}

// closeWithMessage answers the requester and closes the ticket (through
// resolved where the lifecycle asks for it), all in one transaction.
func (s *Server) closeWithMessage(r *http.Request, v *viewer, t *balcao.Ticket, text string) error {
	msgs, err := s.Store.Messages(r.Context(), t.ID)
	if err != nil {
		return err
	}
	var thread, addresses []string
	for _, m := range msgs {
		if m.MessageID != "" {
			thread = append(thread, m.MessageID)
		}
		if m.Direction == balcao.DirectionIn {
			addresses = append(addresses, m.To...)
		}
	}
	now := s.Clock.Now()
	return s.Store.Update(r.Context(), func(tx balcao.Tx) error {
		cur, err := tx.TicketByID(t.ID)
		if err != nil {
			return err
		}
		if cur.Status.Terminal() {
			return balcao.Errorf(balcao.EINVALID, "ticket %s is %s", cur.Number, cur.Status)
		}
		if balcao.CheckTransition(cur.Status, balcao.StatusClosed) != nil {
			if _, err := tx.ChangeStatus(t.ID, balcao.StatusResolved, v.actor(), "", now); err != nil {
				return err
			}
		}
		if _, err := s.Replier.Reply(tx, cur, intake.AgentReply{Text: text, Author: v.actor(), Thread: thread, Addresses: addresses, Now: now}); err != nil {
			if balcao.ErrorCode(err) == balcao.EINVALID {
				return errNoEmail
			}
			return err
		}
		_, err = tx.ChangeStatus(t.ID, balcao.StatusClosed, v.actor(), "", now)
		return err
	})
}
