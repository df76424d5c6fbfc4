package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"balcao"
)

func (s *Server) registerReopenAPI(api huma.API, security []map[string][]string) {
	huma.Register(api, huma.Operation{
		OperationID: "reopen-ticket", Method: http.MethodPost, Path: "/api/v1/tickets/{number}/reopen", Tags: []string{"Tickets"},
		Summary: "Reopen a resolved ticket",
		Description: "The requester (or an agent for them) reopens a resolved ticket within the reopen window of its service " +
			"(10 days after the resolution by default): it keeps its number, goes back to its team as open and its reopen count " +
			"grows. After the window the ticket is closed for good and the answer is 409: open a new request quoting the old number.",
		Security: security,
		Errors:   []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, s.reopenTicket)
}

// ReopenInput says why a ticket is reopened.
type ReopenInput struct {
	Number string `path:"number" example:"SD-2026-000123"`
	Body   struct {
		Reason string `json:"reason" minLength:"1" maxLength:"5000" example:"O erro voltou a acontecer." doc:"Why; added to the ticket's thread"`
	}
	AcceptLanguage string `header:"Accept-Language"`
}

func (s *Server) reopenTicket(ctx context.Context, in *ReopenInput) (*TicketOutput, error) {
	user := currentUser(ctx)
	t, err := s.visibleTicket(ctx, in.Number)
	if err != nil {
		return nil, err
	}
	reason := strings.TrimSpace(in.Body.Reason)
	if reason == "" {
		return nil, huma.Error422UnprocessableEntity("reason: say what is still wrong; it goes into the ticket's thread",
			&huma.ErrorDetail{Location: "body.reason", Message: "empty"})
	}
	now := s.Clock.Now()
	rules := s.Levels.Ticket(t).Rules
	switch {
	case t.Status == balcao.StatusClosed:
		return nil, huma.Error409Conflict(fmt.Sprintf("ticket %s is closed; open a new request quoting %s", t.Number, t.Number))
	case t.Status != balcao.StatusResolved:
		return nil, huma.Error409Conflict(fmt.Sprintf("ticket %s is %s; only a resolved ticket can be reopened", t.Number, t.Status))
	case !rules.CanReopen(t.ResolvedAt, now):
		return nil, huma.Error409Conflict(fmt.Sprintf("ticket %s could be reopened until %s; open a new request quoting %s",
			t.Number, t.ResolvedAt.Add(rules.ReopenWindow).Format(time.RFC3339), t.Number))
	}
	actor := balcao.Actor{ID: user.ID, Name: user.Email}
	dir := balcao.DirectionIn
	if user.Role.IsStaff() {
		dir = balcao.DirectionNote
	}
	err = s.Store.Update(ctx, func(tx balcao.Tx) error {
		if _, err := tx.ChangeStatus(t.ID, balcao.StatusOpen, actor, "reaberto: "+reason, now); err != nil {
			return err
		}
		return tx.AddMessage(t.ID, &balcao.Message{Direction: dir, Channel: balcao.ChannelAPI, FromAddr: user.Email, FromName: user.Name,
			AuthorID: authorID(user), Text: reason, CreatedAt: now}, actor)
	})
	if err != nil {
		return nil, s.apiError(err)
	}
	return s.getTicket(ctx, &TicketInput{Number: string(t.Number), AcceptLanguage: in.AcceptLanguage})
}

// authorID is the staff author of a message, 0 for a requester.
func authorID(u *balcao.User) int64 {
	if u.Role.IsStaff() {
		return u.ID
	}
	return 0
}
