package web

import (
	"time"

	"balcao"
	"balcao/lifecycle"
)

// SLAClock is one service-level target of a ticket.
type SLAClock struct {
	Due      *time.Time `json:"due" doc:"When the target falls due (RFC 3339); null without a target"`
	Met      bool       `json:"met"`
	Breached bool       `json:"breached"`
	AtRisk   bool       `json:"at_risk" doc:"Most of the target used (80 %) and not yet done"`
}

// SLAOut is a ticket's service levels, measured in business time on the
// calendar of its service's country (working hours, national holidays).
type SLAOut struct {
	Policy           string     `json:"policy"`
	Calendar         string     `json:"calendar" example:"PT"`
	FirstResponseDue *time.Time `json:"first_response_due"`
	ResolutionDue    *time.Time `json:"resolution_due"`
	PausedSeconds    int64      `json:"paused_seconds" doc:"Business time the resolution clock stood still while waiting on the requester"`
	PausedNow        bool       `json:"paused_now"`
	FirstResponse    SLAClock   `json:"first_response"`
	Resolution       SLAClock   `json:"resolution"`
}

// calendars are the business calendars the API measures with, one per
// country, built once (they are read-only).
type calendars map[string]*lifecycle.Calendar

func newCalendars() calendars {
	out := calendars{}
	for _, c := range []string{"PT", "BR"} {
		cal, err := lifecycle.NewCalendar(c, "", lifecycle.DefaultHours, nil, nil)
		if err == nil {
			out[c] = cal
		}
	}
	return out
}

// slaClock reads a ticket's clock from its history: the first human answer
// or assignment is the first response (automatic answers do not count);
// the resolution clock pauses while the ticket waits on the requester.
func slaClock(t *balcao.Ticket, msgs []*balcao.Message, evs []*balcao.Event) lifecycle.Clock {
	c := lifecycle.Clock{Created: t.CreatedAt, Resolved: t.ResolvedAt}
	first := func(at time.Time) {
		if c.FirstResponse.IsZero() || at.Before(c.FirstResponse) {
			c.FirstResponse = at
		}
	}
	for _, m := range msgs {
		if m.Direction == balcao.DirectionOut && !m.Auto {
			first(m.CreatedAt)
		}
	}
	var open *lifecycle.Pause
	for _, e := range evs {
		switch {
		case e.Kind == balcao.EventAssign && e.To != "":
			first(e.CreatedAt)
		case (e.Kind == balcao.EventCreated || e.Kind == balcao.EventStatus) && e.To == string(balcao.StatusPendingRequester):
			if open == nil {
				open = &lifecycle.Pause{From: e.CreatedAt}
			}
		case e.Kind == balcao.EventStatus && e.From == string(balcao.StatusPendingRequester):
			if open != nil {
				open.To = e.CreatedAt
				c.Pauses = append(c.Pauses, *open)
				open = nil
			}
		}
	}
	if open != nil {
		c.Pauses = append(c.Pauses, *open)
	}
	return c
}

func (s *Server) sla(t *balcao.Ticket, msgs []*balcao.Message, evs []*balcao.Event) SLAOut {
	country := "PT"
	if t.Language == "pt-BR" {
		country = "BR"
	}
	policy := lifecycle.DefaultPolicy()
	st := policy.Evaluate(s.calendars[country], t.Priority, slaClock(t, msgs, evs), s.Clock.Now())
	return SLAOut{
		Policy: policy.Name, Calendar: country,
		FirstResponseDue: optTime(st.FirstResponseDue), ResolutionDue: optTime(st.ResolutionDue),
		PausedSeconds: int64(st.Paused / time.Second), PausedNow: st.PausedNow,
		FirstResponse: SLAClock{Due: optTime(st.FirstResponseDue), Met: st.FirstResponseMet, Breached: st.FirstResponseBreached, AtRisk: st.WarnFirstResponse},
		Resolution:    SLAClock{Due: optTime(st.ResolutionDue), Met: st.ResolutionMet, Breached: st.ResolutionBreached, AtRisk: st.WarnResolution},
	}
}
