package lifecycle

import (
	"iter"
	"maps"
	"slices"
	"strings"
	"time"

	"balcao"
)

// Calendar says when an organisation works: spans of wall-clock time per
// weekday in one Location, closed on the national holidays of Country, on
// the optional holidays it observes and on its local holidays.
//
// Its methods only read it, so one Calendar may serve many goroutines.
// They also accept a nil *Calendar, which means plain elapsed time: always
// open, no holidays, UTC.
type Calendar struct {
	// Location is the time zone the spans are read in; nil means UTC.
	Location *time.Location
	// Hours holds the working spans per weekday. When no weekday has a
	// span, every day that is not a holiday is open 00:00–24:00.
	Hours WeekHours
	// Country ("PT" or "BR", any case) adds its national holidays for
	// every year; any other value adds none (NewCalendar rejects it).
	Country string
	// Optional lists the keys of the optional holidays the organisation
	// observes, e.g. "carnaval" (see OptionalHolidays).
	Optional []string
	// Local lists local holidays: a full date for one year, or a Date with
	// Year 0 for a day that recurs every year (a municipal holiday).
	Local []Date
}

// NewCalendar builds a Calendar from configuration text: country "PT" or
// "BR"; tz an IANA zone name ("" means Europe/Lisbon for PT and
// America/Sao_Paulo for BR; the Azores, Madeira and Brazil's other zones
// must be named); hours in ParseHours's syntax; optional holidays by key
// or by name in any of the four languages ("carnaval", "Corpus Christi");
// local holidays as "2026-06-13", or "06-13" for every year. Every error
// is EINVALID and names the bad value and how to write it.
func NewCalendar(country, tz string, hours string, optional []string, local []string) (*Calendar, error) {
	if _, _, ok := countryRules(country); !ok {
		return nil, unknownCountry(country)
	}
	c := &Calendar{Country: strings.ToUpper(country)}
	if tz == "" {
		tz = map[string]string{"PT": "Europe/Lisbon", "BR": "America/Sao_Paulo"}[c.Country]
	}
	loc, err := time.LoadLocation(tz)
	// "Local" would make business time depend on the host's settings.
	if err != nil || tz == "Local" {
		return nil, balcao.Errorf(balcao.EINVALID,
			"time zone %q is unknown; use an IANA zone name such as Europe/Lisbon, Atlantic/Azores, Atlantic/Madeira or America/Sao_Paulo", tz)
	}
	c.Location = loc
	if c.Hours, err = ParseHours(hours); err != nil {
		return nil, err
	}
	for _, o := range optional {
		key, err := optionalKey(c.Country, o)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(c.Optional, key) {
			c.Optional = append(c.Optional, key)
		}
	}
	for _, l := range local {
		d, err := ParseDate(l)
		if err != nil {
			return nil, balcao.Errorf(balcao.EINVALID, "local holiday: %s", balcao.ErrorMessage(err))
		}
		if !slices.Contains(c.Local, d) {
			c.Local = append(c.Local, d)
		}
	}
	slices.SortFunc(c.Local, Date.Compare)
	return c, nil
}

func (c *Calendar) loc() *time.Location {
	if c == nil || c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// observes reports whether c observes the optional holiday key.
func (c *Calendar) observes(key string) bool {
	for _, o := range c.Optional {
		if o == key || normKey(o) == key {
			return true
		}
	}
	return false
}

// Holidays returns the days of year on which c is closed for a holiday,
// sorted by date: national, then observed optional, then local on the same
// day. A yearly local 29 February appears in leap years only.
func (c *Calendar) Holidays(year int) []Holiday {
	if c == nil {
		return nil
	}
	var out []Holiday
	c.eachHoliday(year, func(def *holidayDef, kind string, d Date) {
		if def == nil {
			out = append(out, Holiday{Date: d, Key: "local", Name: maps.Clone(localNames), Kind: KindLocal})
			return
		}
		out = append(out, def.holiday(d, kind))
	})
	sortHolidays(out)
	return out
}

// eachHoliday calls fn for every holiday c keeps in year; def is nil for a
// local one.
func (c *Calendar) eachHoliday(year int, fn func(def *holidayDef, kind string, d Date)) {
	national, optional, _ := countryRules(c.Country)
	easter := easterDate(year)
	for i := range national {
		if national[i].inForce(year) {
			fn(&national[i], KindNational, national[i].date(year, easter))
		}
	}
	for i := range optional {
		if optional[i].inForce(year) && c.observes(optional[i].key) {
			fn(&optional[i], KindOptional, optional[i].date(year, easter))
		}
	}
	for _, l := range c.Local {
		switch {
		case l.Year == year:
			fn(nil, KindLocal, l)
		case l.Year == 0:
			if d := (Date{year, l.Month, l.Day}); d.valid() {
				fn(nil, KindLocal, d)
			}
		}
	}
}

// holidayDates is eachHoliday without names, for the hot path.
func (c *Calendar) holidayDates(year int) []Date {
	var out []Date
	c.eachHoliday(year, func(_ *holidayDef, _ string, d Date) { out = append(out, d) })
	return out
}

// IsHoliday returns the holiday c keeps on d, and false when d is not one
// (or is a yearly Date, Year 0). When several fall on d, a national one is
// returned first.
func (c *Calendar) IsHoliday(d Date) (Holiday, bool) {
	if c == nil || d.Year == 0 {
		return Holiday{}, false
	}
	for _, h := range c.Holidays(d.Year) {
		if h.Date == d {
			return h, true
		}
	}
	return Holiday{}, false
}

// HolidayAt is IsHoliday for the day that contains t in c's Location.
func (c *Calendar) HolidayAt(t time.Time) (Holiday, bool) {
	return c.IsHoliday(DateOf(t.In(c.loc())))
}

// IsWorkingTime reports whether t falls inside a working span of a day
// that is not a holiday. Span ends are excluded: at 13:00 a 09:00–13:00
// morning is over. It agrees with Between: t is working time exactly when
// Between(t, t+1ns) is 1ns.
func (c *Calendar) IsWorkingTime(t time.Time) bool {
	if c == nil {
		return true
	}
	t = t.Round(0)
	for s := range c.intervals(t) {
		return s.Equal(t)
	}
	return false
}

// Next returns the first working instant at or after t: t itself during
// working time, otherwise the next opening, in c's Location.
func (c *Calendar) Next(t time.Time) time.Time {
	if c == nil {
		return t
	}
	for s := range c.intervals(t.Round(0)) {
		return s.In(c.loc())
	}
	return t
}

// Add returns the instant at which d of business time has elapsed after
// start, in c's Location. Time before the next opening does not count, and
// when d runs out exactly at the end of a span the result is that end
// (Thursday 18:00, not Monday 09:00). d <= 0 returns start. Add and
// Between agree: Between(start, Add(start, d)) == d for every start and
// every d >= 0, and Add never decreases as start or d grow. Whole days
// off cost one step each, so a target of several weeks is cheap.
func (c *Calendar) Add(start time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return start
	}
	if c == nil {
		return start.Add(d)
	}
	start = start.Round(0)
	rem := d
	for s, e := range c.intervals(start) {
		span := e.Sub(s)
		if rem <= span {
			return s.Add(rem).In(c.loc())
		}
		rem -= span
	}
	// Only a calendar without a working day in years gets here.
	return start.Add(d)
}

// Between returns the business time in [a, b): the part of it inside
// working spans of days that are not holidays. It is 0 when b <= a, and
// additive: Between(a, b) + Between(b, c) == Between(a, c) for a <= b <= c.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if c == nil {
		return b.Sub(a)
	}
	a, b = a.Round(0), b.Round(0)
	var total time.Duration
	for s, e := range c.intervals(a) {
		if !s.Before(b) {
			break
		}
		if e.After(b) {
			e = b
		}
		total += e.Sub(s)
	}
	return total
}

// maxClosedDays bounds the search for working time, so that a calendar
// with none (every day a local holiday) ends instead of looping forever.
const maxClosedDays = 3 * 366

var wholeDay = []Span{{0, 1440}}

// intervals yields c's working time from `from` on as disjoint, increasing
// real-time intervals [s, e), the first clipped to start at from. Spans
// are read as wall-clock times of each day in c's Location; where a change
// of summer time makes a span's instants collide with the previous span,
// the later one starts where the earlier ended, so the intervals never
// overlap and business time never runs backwards.
func (c *Calendar) intervals(from time.Time) iter.Seq2[time.Time, time.Time] {
	return func(yield func(time.Time, time.Time) bool) {
		loc := c.loc()
		allOpen := true
		for _, spans := range c.Hours {
			if len(validSpans(spans)) > 0 {
				allOpen = false
				break
			}
		}
		// Start a day early: a span of the previous day may end at 24:00,
		// which, where the clocks jump at midnight, is not always the
		// first instant of from's day.
		day := DateOf(from.In(loc)).AddDays(-1)
		prev := from
		year := day.Year - 1
		var closed []Date
		for idle := 0; idle < maxClosedDays; idle++ {
			if day.Year != year {
				year = day.Year
				closed = c.holidayDates(year)
			}
			spans := wholeDay
			if !allOpen {
				spans = c.Hours[day.Weekday()]
			}
			if len(spans) > 0 && !slices.Contains(closed, day) {
				for _, sp := range spans {
					if !sp.valid() {
						continue
					}
					idle = -1
					s, e := wall(day, sp.Start, loc), wall(day, sp.End, loc)
					if s.Before(prev) {
						s = prev
					}
					if !e.After(s) {
						continue
					}
					if !yield(s, e) {
						return
					}
					prev = e
				}
			}
			day = day.AddDays(1)
		}
	}
}

func wall(d Date, minute int, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, minute/60, minute%60, 0, 0, loc)
}
