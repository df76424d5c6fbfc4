package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"balcao"
)

func (s *Server) registerReportAPI(api huma.API, security []map[string][]string) {
	huma.Register(api, huma.Operation{
		OperationID: "report-ratings", Method: http.MethodGet, Path: "/api/v1/reports/ratings", Tags: []string{"Reports"},
		Summary:     "Satisfaction ratings of a period (Avaliações)",
		Description: "For supervisors and admins: how many ratings were given (or last changed) in [from, to), their average and how many of each score.",
		Security:    security,
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity},
	}, s.reportRatings)
	huma.Register(api, huma.Operation{
		OperationID: "report-sla", Method: http.MethodGet, Path: "/api/v1/reports/sla", Tags: []string{"Reports"},
		Summary:     "Service-level warnings and breaches of a period",
		Description: "For supervisors and admins: the warnings and breaches recorded in [from, to), by clock.",
		Security:    security,
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity},
	}, s.reportSLA)
	huma.Register(api, huma.Operation{
		OperationID: "list-notifications", Method: http.MethodGet, Path: "/api/v1/notifications", Tags: []string{"Notifications"},
		Summary:     "My notifications",
		Description: "For staff: service-level warnings and breaches of the tickets of their teams, newest first.",
		Security:    security,
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden},
	}, s.listNotifications)
	huma.Register(api, huma.Operation{
		OperationID: "read-notifications", Method: http.MethodPost, Path: "/api/v1/notifications/read", Tags: []string{"Notifications"},
		Summary:  "Mark my notifications read, up to an id",
		Security: security,
		Errors:   []int{http.StatusUnauthorized, http.StatusForbidden},
	}, s.readNotifications)
}

// ReportInput selects a period, a service and a team.
type ReportInput struct {
	From    string `query:"from" example:"2026-03-01" doc:"First day (YYYY-MM-DD) or instant (RFC 3339), included"`
	To      string `query:"to" example:"2026-04-01" doc:"Last day (YYYY-MM-DD) or instant (RFC 3339), excluded"`
	Service string `query:"service" example:"cit"`
	Team    string `query:"team" example:"spms-cit" doc:"Team code"`
}

func (s *Server) reportFilter(ctx context.Context, in *ReportInput) (balcao.ReportFilter, error) {
	var f balcao.ReportFilter
	if u := currentUser(ctx); u.Role != balcao.RoleSupervisor && u.Role != balcao.RoleAdmin {
		return f, huma.Error403Forbidden("reports are for supervisors and admins")
	}
	parse := func(name, v string) (time.Time, error) {
		if v == "" {
			return time.Time{}, nil
		}
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t, nil
		}
		if t, err := time.Parse("2006-01-02", v); err == nil {
			return t, nil
		}
		return time.Time{}, huma.Error422UnprocessableEntity(fmt.Sprintf("%s: %q is not a date; write YYYY-MM-DD or an RFC 3339 instant", name, v),
			&huma.ErrorDetail{Location: "query." + name, Value: v})
	}
	var err error
	if f.From, err = parse("from", in.From); err != nil {
		return f, err
	}
	if f.To, err = parse("to", in.To); err != nil {
		return f, err
	}
	f.Service = in.Service
	if in.Team != "" {
		tm, err := s.Store.TeamByCode(ctx, in.Team)
		if err != nil {
			return f, huma.Error422UnprocessableEntity(fmt.Sprintf("team: no team %q", in.Team), &huma.ErrorDetail{Location: "query.team", Value: in.Team})
		}
		f.TeamID = tm.ID
	}
	return f, nil
}

// RatingReport sums up ratings.
type RatingReport struct {
	Body struct {
		Count   int     `json:"count"`
		Average float64 `json:"average" doc:"0 when there are no ratings"`
		ByScore [5]int  `json:"by_score" doc:"How many 1s, 2s, 3s, 4s and 5s"`
	}
}

func (s *Server) reportRatings(ctx context.Context, in *ReportInput) (*RatingReport, error) {
	f, err := s.reportFilter(ctx, in)
	if err != nil {
		return nil, err
	}
	sum, err := s.Store.RatingSummary(ctx, f)
	if err != nil {
		return nil, s.apiError(err)
	}
	out := &RatingReport{}
	out.Body.Count, out.Body.Average, out.Body.ByScore = sum.Count, sum.Average, sum.ByScore
	return out, nil
}

// SLAReport counts warnings and breaches.
type SLAReport struct {
	Body struct {
		FirstResponse struct {
			Warnings int `json:"warnings"`
			Breaches int `json:"breaches"`
		} `json:"first_response"`
		Resolution struct {
			Warnings int `json:"warnings"`
			Breaches int `json:"breaches"`
		} `json:"resolution"`
	}
}

func (s *Server) reportSLA(ctx context.Context, in *ReportInput) (*SLAReport, error) {
	f, err := s.reportFilter(ctx, in)
	if err != nil {
		return nil, err
	}
	sum, err := s.Store.SLASummary(ctx, f)
	if err != nil {
		return nil, s.apiError(err)
	}
	out := &SLAReport{}
	out.Body.FirstResponse.Warnings, out.Body.FirstResponse.Breaches = sum.FirstResponseWarnings, sum.FirstResponseBreaches
	out.Body.Resolution.Warnings, out.Body.Resolution.Breaches = sum.ResolutionWarnings, sum.ResolutionBreaches
	return out, nil
}

// NotificationsInput filters notifications.
type NotificationsInput struct {
	Unread bool `query:"unread" doc:"Only the unread ones"`
	Limit  int  `query:"limit" minimum:"1" maximum:"200" default:"50"`
}

// NotificationOut is one notification.
type NotificationOut struct {
	ID        int64      `json:"id"`
	Ticket    string     `json:"ticket,omitempty"`
	Kind      string     `json:"kind" example:"sla_breach"`
	Text      string     `json:"text"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

// NotificationsOutput lists notifications.
type NotificationsOutput struct {
	Body struct {
		Notifications []NotificationOut `json:"notifications"`
	}
}

func (s *Server) listNotifications(ctx context.Context, in *NotificationsInput) (*NotificationsOutput, error) {
	u := currentUser(ctx)
	if !u.Role.IsStaff() {
		return nil, huma.Error403Forbidden("notifications are for the desk's staff")
	}
	ns, err := s.Store.Notifications(ctx, u.ID, in.Unread, in.Limit)
	if err != nil {
		return nil, s.apiError(err)
	}
	out := &NotificationsOutput{}
	out.Body.Notifications = []NotificationOut{}
	for _, n := range ns {
		out.Body.Notifications = append(out.Body.Notifications, NotificationOut{ID: n.ID, Ticket: string(n.TicketNumber), Kind: n.Kind,
			Text: n.Body, CreatedAt: n.CreatedAt, ReadAt: optTime(n.ReadAt)})
	}
	return out, nil
}

// ReadInput marks notifications read.
type ReadInput struct {
	Body struct {
		UpTo int64 `json:"up_to" minimum:"1" doc:"The id of the newest notification read"`
	}
}

func (s *Server) readNotifications(ctx context.Context, in *ReadInput) (*struct{}, error) {
	u := currentUser(ctx)
	if !u.Role.IsStaff() {
		return nil, huma.Error403Forbidden("notifications are for the desk's staff")
	}
	if err := s.Store.MarkNotificationsRead(ctx, u.ID, in.Body.UpTo, s.Clock.Now()); err != nil {
		return nil, s.apiError(err)
	}
	return nil, nil
}
