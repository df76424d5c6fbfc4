// Package sla decides which service levels and lifecycle rules apply to a
// ticket, measures the ticket against them from its history, and says when
// it must be looked at again.
//
// The terms come from the catalogue, most specific first: the ticket's
// organisation, then its service, then Balcão's defaults
// (lifecycle.DefaultPolicy, lifecycle.DefaultRules and the national
// calendar of the service's country, pt-BR services measured on Brazil's).
package sla

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"balcao"
	"balcao/catalog"
	"balcao/lifecycle"
)

// Terms are what a ticket is promised and the rules its life follows.
type Terms struct {
	Policy   lifecycle.Policy
	Calendar *lifecycle.Calendar
	// CalendarName is the catalogue code of the calendar, or the country
	// (PT, BR) of a default national calendar.
	CalendarName string
	Rules        lifecycle.Rules
}

// Book holds the terms of every service and organisation of a catalogue.
// It is read-only once built and safe for concurrent use.
type Book struct {
	byService map[string]Terms
	byOrg     map[string]*catalog.Levels
	// byOrgService holds the terms of each organisation with levels for
	// each service of the catalogue, built once.
	byOrgService map[[2]string]Terms
	cals         map[string]*lifecycle.Calendar
	national     map[string]Terms // PT and BR defaults
}

// New builds the book of a checked catalogue; a calendar that does not
// build is an error naming it.
func New(cat *catalog.Catalog) (*Book, error) {
	b := &Book{byService: map[string]Terms{}, byOrg: map[string]*catalog.Levels{}, byOrgService: map[[2]string]Terms{},
		cals: map[string]*lifecycle.Calendar{}, national: map[string]Terms{}}
	for _, country := range []string{"PT", "BR"} {
		cal, err := lifecycle.NewCalendar(country, "", lifecycle.DefaultHours, nil, nil)
		if err != nil {
			return nil, err
		}
		b.national[country] = Terms{Policy: lifecycle.DefaultPolicy(), Calendar: cal, CalendarName: country, Rules: lifecycle.DefaultRules()}
	}
	if cat == nil {
		return b, nil
	}
	for _, c := range cat.Calendars {
		cal, err := c.Build()
		if err != nil {
			return nil, fmt.Errorf("calendar %q: %s", c.Code, balcao.ErrorMessage(err))
		}
		b.cals[c.Code] = cal
	}
	for _, s := range cat.Services {
		base := b.national["PT"]
		if catalog.NormLang(s.Language) == catalog.LangBR {
			base = b.national["BR"]
		}
		terms, err := b.apply(base, s.Levels, "service "+s.Code)
		if err != nil {
			return nil, err
		}
		b.byService[s.Code] = terms
	}
	for _, o := range cat.Organisations {
		if o.Levels != nil {
			b.byOrg[o.Code] = o.Levels
			for code, s := range b.byService {
				terms, err := b.apply(s, o.Levels, "organisation "+o.Code)
				if err != nil {
					return nil, err
				}
				b.byOrgService[[2]string{o.Code, code}] = terms
			}
		}
	}
	return b, nil
}

// apply lays levels l over terms t.
func (b *Book) apply(t Terms, l *catalog.Levels, name string) (Terms, error) {
	if l == nil {
		return t, nil
	}
	out := t
	out.Policy.ByPriority = map[int]lifecycle.Target{}
	for p, tg := range t.Policy.ByPriority {
		out.Policy.ByPriority[p] = tg
	}
	if l.Calendar != "" {
		cal, ok := b.cals[l.Calendar]
		if !ok {
			return t, fmt.Errorf("%s: no calendar %q", name, l.Calendar)
		}
		out.Calendar, out.CalendarName = cal, l.Calendar
	}
	if l.WarnAtPercent > 0 {
		out.Policy.WarnAt = float64(l.WarnAtPercent) / 100
	}
	if len(l.Targets) > 0 {
		out.Policy.Name = name
		for _, tg := range l.Targets {
			fr, res, err := tg.Durations()
			if err != nil {
				return t, fmt.Errorf("%s priority %d: %v", name, tg.Priority, err)
			}
			out.Policy.ByPriority[tg.Priority] = lifecycle.Target{FirstResponse: fr, Resolution: res}
		}
	}
	if l.AutoClosePendingDays > 0 && !strings.HasPrefix(name, "organisation ") {
		out.Rules.AutoClosePending = time.Duration(l.AutoClosePendingDays) * 24 * time.Hour
	}
	if l.ReopenDays > 0 && !strings.HasPrefix(name, "organisation ") {
		out.Rules.ReopenWindow = time.Duration(l.ReopenDays) * 24 * time.Hour
	}
	return out, nil
}

// For returns the terms of a service for an organisation's request, in a
// language (which picks the national calendar of a service the catalogue
// does not know).
func (b *Book) For(service, organisation, language string) Terms {
	t, ok := b.byService[service]
	if !ok {
		t = b.national["PT"]
		if catalog.NormLang(language) == catalog.LangBR {
			t = b.national["BR"]
		}
	}
	if l := b.byOrg[organisation]; l != nil {
		if o, ok := b.byOrgService[[2]string{organisation, service}]; ok {
			return o
		}
		// A service the catalogue does not know (a ticket in triage).
		if o, err := b.apply(t, l, "organisation "+organisation); err == nil {
			return o
		}
	}
	return t
}

// Ticket returns the terms of a ticket.
func (b *Book) Ticket(t *balcao.Ticket) Terms {
	return b.For(t.Service, t.OrganisationCode, t.Language)
}

// RuleGroup is a set of services that follow the same lifecycle rules.
// Services lists them; the group of the default rules lists nil and
// instead names the services that are not in it (Except), so that a
// ticket of a service the catalogue no longer has follows the defaults.
type RuleGroup struct {
	Rules    lifecycle.Rules
	Services []string
	Except   []string
}

// RuleGroups returns the services grouped by their lifecycle rules (which
// are per service: an organisation's levels do not change them), the
// default group last.
func (b *Book) RuleGroups() []RuleGroup {
	byRules := map[lifecycle.Rules][]string{}
	var others []string
	def := lifecycle.DefaultRules()
	for code, t := range b.byService {
		if t.Rules == def {
			continue
		}
		byRules[t.Rules] = append(byRules[t.Rules], code)
		others = append(others, code)
	}
	var out []RuleGroup
	for r, codes := range byRules {
		slices.Sort(codes)
		out = append(out, RuleGroup{Rules: r, Services: codes})
	}
	slices.SortFunc(out, func(a, b RuleGroup) int { return strings.Compare(a.Services[0], b.Services[0]) })
	slices.Sort(others)
	return append(out, RuleGroup{Rules: def, Except: others})
}

// ClockOf reads a ticket's service-level clock from its history: the first
// human answer or assignment is the first response (automatic answers do
// not count); the resolution clock pauses while the ticket waits on the
// requester.
func ClockOf(t *balcao.Ticket, msgs []*balcao.Message, evs []*balcao.Event) lifecycle.Clock {
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

// Measure is where a ticket stands against its terms at now.
type Measure struct {
	Terms  Terms
	Clock  lifecycle.Clock
	Status lifecycle.Status
	// FirstResponseWarnAt and ResolutionWarnAt are when each clock reaches
	// the warning share of its target (zero without a target or warning).
	FirstResponseWarnAt, ResolutionWarnAt time.Time
}

// Measure measures a ticket from its history.
func (b *Book) Measure(t *balcao.Ticket, msgs []*balcao.Message, evs []*balcao.Event, now time.Time) Measure {
	terms := b.Ticket(t)
	clock := ClockOf(t, msgs, evs)
	m := Measure{Terms: terms, Clock: clock, Status: terms.Policy.Evaluate(terms.Calendar, t.Priority, clock, now)}
	if w := terms.Policy.WarnAt; w > 0 && w < 1 {
		target := terms.Policy.For(t.Priority)
		// The instant a clock has used the share w of its target is the due
		// time of a target that long.
		share := func(d time.Duration) time.Duration {
			if d <= 0 {
				return 0
			}
			return time.Duration(float64(d) * w)
		}
		at := lifecycle.Evaluate(terms.Calendar, lifecycle.Target{FirstResponse: share(target.FirstResponse), Resolution: share(target.Resolution)}, 0, clock, now)
		m.FirstResponseWarnAt, m.ResolutionWarnAt = at.FirstResponseDue, at.ResolutionDue
	}
	return m
}

// Schedule says what to store on a ticket after measuring it: its due
// times, and the next instant after now at which a warning or a breach
// can happen. An open ticket waiting on the requester has no next instant
// for its resolution clock (it stands still until the ticket moves, which
// marks it for a new measure); a resolved or closed one has none at all.
func (m Measure) Schedule(t *balcao.Ticket, now time.Time) balcao.SLASchedule {
	st := m.Status
	s := balcao.SLASchedule{FirstResponseDue: st.FirstResponseDue, ResolutionDue: st.ResolutionDue, FirstResponseAt: m.Clock.FirstResponse}
	if !t.Status.Open() {
		return s
	}
	var next time.Time
	consider := func(at time.Time) {
		if !at.IsZero() && at.After(now) && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	if m.Clock.FirstResponse.IsZero() {
		consider(m.FirstResponseWarnAt)
		consider(st.FirstResponseDue)
	}
	if !st.PausedNow {
		consider(m.ResolutionWarnAt)
		consider(st.ResolutionDue)
	}
	if !next.IsZero() {
		// A moment past the due time, so that "breached" (strictly after
		// the due time) holds when the job looks.
		next = next.Add(time.Second)
	}
	s.NextCheck = next
	return s
}

// Events lists the warnings and breaches a measure shows, as records to
// keep (each is kept once per ticket and clock).
func (m Measure) Events(t *balcao.Ticket, now time.Time) []*balcao.SLARecord {
	st := m.Status
	var out []*balcao.SLARecord
	add := func(clock, kind string, due time.Time) {
		out = append(out, &balcao.SLARecord{TicketID: t.ID, Clock: clock, Kind: kind, DueAt: due, RecordedAt: now,
			TeamID: t.TeamID, Service: t.Service, Priority: t.Priority})
	}
	if st.WarnFirstResponse {
		add(balcao.SLAFirstResponse, balcao.SLAWarning, st.FirstResponseDue)
	}
	if st.FirstResponseBreached {
		add(balcao.SLAFirstResponse, balcao.SLABreach, st.FirstResponseDue)
	}
	if st.WarnResolution {
		add(balcao.SLAResolution, balcao.SLAWarning, st.ResolutionDue)
	}
	if st.ResolutionBreached {
		add(balcao.SLAResolution, balcao.SLABreach, st.ResolutionDue)
	}
	return out
}

// RatingOpen reports whether a ticket's requester may rate it, or change
// their rating, at now: while it is resolved and could still be reopened.
// until is when that ends (zero when it does not apply).
func (b *Book) RatingOpen(t *balcao.Ticket, now time.Time) (open bool, until time.Time) {
	if t.Status != balcao.StatusResolved || t.ResolvedAt.IsZero() {
		return false, time.Time{}
	}
	r := b.Ticket(t).Rules
	if r.ReopenWindow <= 0 {
		return true, time.Time{}
	}
	return r.CanReopen(t.ResolvedAt, now), t.ResolvedAt.Add(r.ReopenWindow)
}
