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

// Notifier tells requesters about decisions taken on their tickets (the
// intake package implements it; it owns the answers' texts).
type Notifier interface {
	NotifyDecision(tx balcao.Tx, t *balcao.Ticket, approved bool, reason string, now time.Time) error
}

func (s *Server) registerApprovalAPI(api huma.API, security []map[string][]string) {
	huma.Register(api, huma.Operation{
		OperationID: "decide-approval", Method: http.MethodPost, Path: "/api/v1/tickets/{number}/approval", Tags: []string{"Tickets"},
		Summary: "Approve or reject a request that needs approval",
		Description: "For tickets in pending_approval (e.g. CIT rectifications, models F and G). Only a user with the approver " +
			"permission for the ticket's service (`balcao approver add`), or an admin, may decide. Approved tickets move to open, " +
			"rejected ones to cancelled; the reason is recorded in the ticket's history and sent to the requester.",
		Security: security,
		Errors:   []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, s.decideApproval)
}

// ApprovalInput is a decision.
type ApprovalInput struct {
	Number string `path:"number" example:"SD-2026-000123"`
	Body   struct {
		Decision string `json:"decision" enum:"approve,reject"`
		Reason   string `json:"reason" minLength:"1" maxLength:"2000" doc:"Why; recorded in the history and sent to the requester"`
	}
	AcceptLanguage string `header:"Accept-Language"`
}

func (s *Server) decideApproval(ctx context.Context, in *ApprovalInput) (*TicketOutput, error) {
	user := currentUser(ctx)
	if !user.Role.IsStaff() {
		return nil, huma.Error403Forbidden("only the desk's staff may approve or reject requests")
	}
	t, err := s.visibleTicket(ctx, in.Number)
	if err != nil {
		return nil, err
	}
	reason := strings.TrimSpace(in.Body.Reason)
	if reason == "" {
		return nil, huma.Error422UnprocessableEntity("reason: say why the request is approved or rejected; the requester receives it",
			&huma.ErrorDetail{Location: "body.reason", Message: "empty"})
	}
	if t.Status != balcao.StatusPendingApproval {
		return nil, huma.Error409Conflict(fmt.Sprintf("ticket %s is %s, not awaiting approval", t.Number, t.Status))
	}
	if user.Role != balcao.RoleAdmin {
		ok, err := s.Store.IsApprover(ctx, user.ID, t.Service)
		if err != nil {
			return nil, s.apiError(err)
		}
		if !ok {
			return nil, huma.Error403Forbidden(fmt.Sprintf("you do not have the approver permission for service %q; an admin grants it with `balcao approver add`", t.Service))
		}
	}
	approved := in.Body.Decision == "approve"
	to, word := balcao.StatusOpen, "aprovado"
	if !approved {
		to, word = balcao.StatusCancelled, "rejeitado"
	}
	now := s.Clock.Now()
	actor := balcao.Actor{ID: user.ID, Name: user.Email}
	err = s.Store.Update(ctx, func(tx balcao.Tx) error {
		updated, err := tx.ChangeStatus(t.ID, to, actor, word+": "+reason, now)
		if err != nil {
			return err
		}
		if s.Notifier != nil {
			return s.Notifier.NotifyDecision(tx, updated, approved, reason, now)
		}
		return nil
	})
	if err != nil {
		return nil, s.apiError(err)
	}
	return s.getTicket(ctx, &TicketInput{Number: string(t.Number), AcceptLanguage: in.AcceptLanguage})
}

func (s *Server) registerPriorityAPI(api huma.API, security []map[string][]string) {
	huma.Register(api, huma.Operation{
		OperationID: "change-priority", Method: http.MethodPost, Path: "/api/v1/tickets/{number}/priority", Tags: []string{"Tickets"},
		Summary: "Change impact and urgency (and so the priority)",
		Description: "For agents: raise the urgency of a ticket, e.g. when the requester calls quoting its number to ask for " +
			"urgent handling. Priority follows the ITIL matrix (impact + urgency − 1). The reason is recorded in the history.",
		Security: security,
		Errors:   []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity},
	}, s.changePriority)
}

// PriorityInput is a new impact and urgency with the reason.
type PriorityInput struct {
	Number string `path:"number" example:"SD-2026-000123"`
	Body   struct {
		Impact  int    `json:"impact" minimum:"1" maximum:"3" doc:"1 high, 2 medium, 3 low"`
		Urgency int    `json:"urgency" minimum:"1" maximum:"3" doc:"1 high, 2 medium, 3 low"`
		Reason  string `json:"reason" minLength:"1" maxLength:"2000" example:"Pedido de tratamento urgente por telefone"`
	}
	AcceptLanguage string `header:"Accept-Language"`
}

func (s *Server) changePriority(ctx context.Context, in *PriorityInput) (*TicketOutput, error) {
	user := currentUser(ctx)
	if !user.Role.IsStaff() {
		return nil, huma.Error403Forbidden("only the desk's staff may change a ticket's priority")
	}
	t, err := s.visibleTicket(ctx, in.Number)
	if err != nil {
		return nil, err
	}
	if _, err := s.Store.ChangePriority(ctx, t.ID, in.Body.Impact, in.Body.Urgency, balcao.Actor{ID: user.ID, Name: user.Email},
		strings.TrimSpace(in.Body.Reason), s.Clock.Now()); err != nil {
		return nil, s.apiError(err)
	}
	return s.getTicket(ctx, &TicketInput{Number: string(t.Number), AcceptLanguage: in.AcceptLanguage})
}
