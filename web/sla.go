package web

import (
	"time"

	"balcao"
)

// SLAClock is one service-level target of a ticket.
type SLAClock struct {
	Due      *time.Time `json:"due" doc:"When the target falls due (RFC 3339); null without a target"`
	Met      bool       `json:"met"`
	Breached bool       `json:"breached"`
	AtRisk   bool       `json:"at_risk" doc:"The warning share of the target (80 % by default) used and not yet done"`
}

// SLAOut is a ticket's service levels, measured in business time on the
// calendar of its organisation or service (working hours, holidays).
type SLAOut struct {
	Policy           string     `json:"policy"`
	Calendar         string     `json:"calendar" example:"pt" doc:"The business calendar: a catalogue calendar code, or PT/BR for a national default"`
	FirstResponseDue *time.Time `json:"first_response_due"`
	ResolutionDue    *time.Time `json:"resolution_due"`
	PausedSeconds    int64      `json:"paused_seconds" doc:"Business time the resolution clock stood still while waiting on the requester"`
	PausedNow        bool       `json:"paused_now"`
	FirstResponse    SLAClock   `json:"first_response"`
	Resolution       SLAClock   `json:"resolution"`
}

func (s *Server) sla(t *balcao.Ticket, msgs []*balcao.Message, evs []*balcao.Event) SLAOut {
	m := s.Levels.Measure(t, msgs, evs, s.Clock.Now())
	st := m.Status
	return SLAOut{
		Policy: m.Terms.Policy.Name, Calendar: m.Terms.CalendarName,
		FirstResponseDue: optTime(st.FirstResponseDue), ResolutionDue: optTime(st.ResolutionDue),
		PausedSeconds: int64(st.Paused / time.Second), PausedNow: st.PausedNow,
		FirstResponse: SLAClock{Due: optTime(st.FirstResponseDue), Met: st.FirstResponseMet, Breached: st.FirstResponseBreached, AtRisk: st.WarnFirstResponse},
		Resolution:    SLAClock{Due: optTime(st.ResolutionDue), Met: st.ResolutionMet, Breached: st.ResolutionBreached, AtRisk: st.WarnResolution},
	}
}
