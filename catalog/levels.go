package catalog

import (
	"fmt"
	"strings"
	"time"

	"balcao"
	"balcao/lifecycle"
)

// Calendar is a named business calendar: when a desk or an organisation
// works, and which days it is closed besides the national holidays of its
// country. Services and organisations refer to calendars by code.
type Calendar struct {
	pos
	Code string `yaml:"code" json:"code"`
	// Country is PT or BR: its national holidays are always closed days.
	Country string `yaml:"country" json:"country"`
	// Timezone is an IANA zone name; "" means Europe/Lisbon for PT and
	// America/Sao_Paulo for BR.
	Timezone string `yaml:"timezone" json:"timezone,omitempty"`
	// Hours are the working hours (lifecycle.ParseHours syntax), ""
	// meaning lifecycle.DefaultHours.
	Hours string `yaml:"hours" json:"hours,omitempty"`
	// Optional lists the optional holidays observed ("carnaval").
	Optional []string `yaml:"optional_holidays" json:"optional_holidays,omitempty"`
	// Local lists local holidays: "2026-06-13" once, "06-13" every year.
	Local []string `yaml:"local_holidays" json:"local_holidays,omitempty"`
}

// Build returns the lifecycle.Calendar the definition describes, or an
// EINVALID error naming the bad value and how to write it.
func (c *Calendar) Build() (*lifecycle.Calendar, error) {
	hours := c.Hours
	if strings.TrimSpace(hours) == "" {
		hours = lifecycle.DefaultHours
	}
	return lifecycle.NewCalendar(c.Country, c.Timezone, hours, c.Optional, c.Local)
}

// Levels are the service levels and lifecycle durations of a service, or
// an organisation's overrides of them. An unset value (empty, zero) takes
// the value of the level above: organisation over service over Balcão's
// defaults (lifecycle.DefaultPolicy, lifecycle.DefaultRules, a calendar of
// the service's country).
type Levels struct {
	pos
	// Calendar is the code of the Calendar service levels are measured on.
	Calendar string `yaml:"calendar" json:"calendar,omitempty"`
	// WarnAtPercent is the share of a target after which a ticket is at
	// risk and the team is warned (1–100).
	WarnAtPercent int `yaml:"warn_at_percent" json:"warn_at_percent,omitempty"`
	// Targets are the first-response and resolution targets by priority.
	Targets []*Target `yaml:"targets" json:"targets,omitempty"`
	// AutoClosePendingDays is how many days a request waiting on the
	// requester waits for an answer before it is closed (seeds: 30).
	AutoClosePendingDays int `yaml:"auto_close_pending_days" json:"auto_close_pending_days,omitempty"`
	// ReopenDays is how many days after its resolution a requester may
	// reopen a request (seeds: 10).
	ReopenDays int `yaml:"reopen_days" json:"reopen_days,omitempty"`
}

// Target is the promise for one priority, in business time written as a
// Go duration ("4h", "90m"); "0" means no promise for that clock.
type Target struct {
	pos
	Priority      int    `yaml:"priority" json:"priority"`
	FirstResponse string `yaml:"first_response" json:"first_response"`
	Resolution    string `yaml:"resolution" json:"resolution"`
}

// Durations returns the target's durations.
func (t *Target) Durations() (firstResponse, resolution time.Duration, err error) {
	fr, err := parseBusinessDuration(t.FirstResponse)
	if err != nil {
		return 0, 0, fmt.Errorf("first_response: %w", err)
	}
	res, err := parseBusinessDuration(t.Resolution)
	if err != nil {
		return 0, 0, fmt.Errorf("resolution: %w", err)
	}
	return fr, res, nil
}

func parseBusinessDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration; write business hours and minutes such as 4h, 90m or 1h30m", s)
	}
	return d, nil
}

// Organisation is a body requesters belong to (a health unit, a public
// body, a company) with its own calendar or service levels, if any.
type Organisation struct {
	pos
	Code string `yaml:"code" json:"code"`
	Name string `yaml:"name" json:"name"`
	// Kind is a free classification: health_unit, public_body, company.
	Kind   string  `yaml:"kind" json:"kind,omitempty"`
	Levels *Levels `yaml:"service_levels" json:"service_levels,omitempty"`
}

// CalendarDef returns the calendar with this code, or nil.
func (c *Catalog) CalendarDef(code string) *Calendar {
	for _, cal := range c.Calendars {
		if cal.Code == code {
			return cal
		}
	}
	return nil
}

// Organisation returns the organisation with this code, or nil.
func (c *Catalog) Organisation(code string) *Organisation {
	for _, o := range c.Organisations {
		if o.Code == code {
			return o
		}
	}
	return nil
}

// mergeByCode adds items to list, replacing the one with the same code;
// within one layer a code may appear once.
func mergeByCode[T any](list []*T, items []*T, code func(*T) string, p func(*T) pos, kind, file string, seen map[string]pos, problems *[]Problem) []*T {
	for _, it := range items {
		if it == nil || code(it) == "" {
			line := 0
			if it != nil {
				line = p(it).line
			}
			*problems = append(*problems, Problem{File: file, Line: line, Message: kind + " without code"})
			continue
		}
		c := code(it)
		if prev, ok := seen[c]; ok {
			*problems = append(*problems, Problem{File: p(it).file, Line: p(it).at("code").line,
				Message: fmt.Sprintf("duplicate %s code %q (first declared at %s:%d)", kind, c, prev.file, prev.at("code").line)})
			continue
		}
		seen[c] = p(it)
		replaced := false
		for i, old := range list {
			if code(old) == c {
				list[i], replaced = it, true
				break
			}
		}
		if !replaced {
			list = append(list, it)
		}
	}
	return list
}

// checkLevels checks the calendars, the organisations and the service
// levels of services and organisations.
func (ck *checker) checkLevels(c *Catalog) {
	cals := map[string]bool{}
	for _, cal := range c.Calendars {
		where := fmt.Sprintf("calendar %q", cal.Code)
		if !codeRe.MatchString(cal.Code) {
			ck.add(cal.at("code"), "%s: use lowercase letters, digits and hyphens in the code", where)
		}
		cals[cal.Code] = true
		if _, err := cal.Build(); err != nil {
			ck.add(cal.pos, "%s: %s", where, balcao.ErrorMessage(err))
		}
	}
	for _, s := range c.Services {
		if s.Levels != nil {
			ck.levels(s.Levels, fmt.Sprintf("service %q service_levels", s.Code), cals)
		}
	}
	for _, o := range c.Organisations {
		where := fmt.Sprintf("organisation %q", o.Code)
		if strings.TrimSpace(o.Name) == "" {
			ck.add(o.pos, "%s: name missing", where)
		}
		if o.Levels != nil {
			ck.levels(o.Levels, where+" service_levels", cals)
			if o.Levels.AutoClosePendingDays != 0 || o.Levels.ReopenDays != 0 {
				ck.add(o.Levels.pos, "%s: auto_close_pending_days and reopen_days are rules of a service; set them under the service's service_levels", where)
			}
		}
	}
}

func (ck *checker) levels(l *Levels, where string, cals map[string]bool) {
	if l.Calendar != "" && !cals[l.Calendar] {
		ck.add(l.at("calendar"), "%s: no calendar with code %q; declare it under calendars:", where, l.Calendar)
	}
	if l.WarnAtPercent < 0 || l.WarnAtPercent > 100 {
		ck.add(l.at("warn_at_percent"), "%s: warn_at_percent %d is not between 1 and 100", where, l.WarnAtPercent)
	}
	if l.AutoClosePendingDays < 0 {
		ck.add(l.at("auto_close_pending_days"), "%s: auto_close_pending_days cannot be negative", where)
	}
	if l.ReopenDays < 0 {
		ck.add(l.at("reopen_days"), "%s: reopen_days cannot be negative", where)
	}
	seen := map[int]bool{}
	for _, t := range l.Targets {
		if t.Priority < 1 || t.Priority > 5 {
			ck.add(t.at("priority"), "%s: priority %d is not between 1 (critical) and 5 (planning)", where, t.Priority)
			continue
		}
		if seen[t.Priority] {
			ck.add(t.at("priority"), "%s: priority %d has two targets", where, t.Priority)
		}
		seen[t.Priority] = true
		fr, res, err := t.Durations()
		if err != nil {
			ck.add(t.pos, "%s priority %d: %v", where, t.Priority, err)
			continue
		}
		if fr > 0 && res > 0 && fr > res {
			ck.add(t.at("first_response"), "%s priority %d: the first response (%s) is due after the resolution (%s)", where, t.Priority, fr, res)
		}
	}
}
