package lifecycle

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"balcao"
)

// Span is a working period of a day in wall-clock minutes since midnight,
// Start included and End excluded: Span{540, 780} is 09:00–13:00. A valid
// span has 0 <= Start < End <= 1440 (24:00).
type Span struct {
	Start, End int
}

// String returns the span as "09:00-13:00".
func (s Span) String() string { return clock(s.Start) + "-" + clock(s.End) }

func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// valid reports whether s is a non-empty part of one day.
func (s Span) valid() bool { return s.Start >= 0 && s.End <= 1440 && s.Start < s.End }

// WeekHours gives the working spans of each weekday. ParseHours returns
// them sorted, without overlaps, with touching spans joined and with no
// entry for a day off; a Calendar built by hand should keep that shape,
// because a span that starts before the previous one ends only counts from
// where that one ends.
type WeekHours map[time.Weekday][]Span

// DefaultHours is a common public-service desk: weekdays 09:00–13:00 and
// 14:00–18:00, eight hours a day.
const DefaultHours = "mon-fri 09:00-13:00,14:00-18:00"

// weekOrder lists days from Monday, the order people write them in.
var weekOrder = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

var dayAbbr = map[time.Weekday]string{
	time.Monday: "mon", time.Tuesday: "tue", time.Wednesday: "wed", time.Thursday: "thu",
	time.Friday: "fri", time.Saturday: "sat", time.Sunday: "sun",
}

// dayNames accepts English and Portuguese abbreviations and full names.
var dayNames = map[string]time.Weekday{
	"mon": time.Monday, "monday": time.Monday, "seg": time.Monday, "segunda": time.Monday,
	"tue": time.Tuesday, "tuesday": time.Tuesday, "ter": time.Tuesday, "terca": time.Tuesday, "terça": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday, "qua": time.Wednesday, "quarta": time.Wednesday,
	"thu": time.Thursday, "thursday": time.Thursday, "qui": time.Thursday, "quinta": time.Thursday,
	"fri": time.Friday, "friday": time.Friday, "sex": time.Friday, "sexta": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday, "sab": time.Saturday, "sáb": time.Saturday, "sabado": time.Saturday, "sábado": time.Saturday,
	"sun": time.Sunday, "sunday": time.Sunday, "dom": time.Sunday, "domingo": time.Sunday,
}

const hoursExample = "mon-fri 09:00-13:00,14:00-18:00; sat 09:00-12:00"

// ParseHours reads working hours written as groups separated by ";" (or
// new lines), each a list of days then a list of spans:
//
//	mon-fri 09:00-13:00,14:00-18:00; sat 09:00-12:00
//
// Days are mon tue wed thu fri sat sun (Portuguese seg ter qua qui sex sab
// dom and full names also work), singly, in ranges ("mon-fri", "fri-mon"
// wraps over the weekend) or in comma lists ("mon,wed"). Times are H:MM or
// HH:MM from 00:00 to 24:00; a span cannot cross midnight. Days not named
// are days off. Every error is EINVALID and names the bad part and how to
// write it. On success the result is in the shape WeekHours describes and
// String writes it back in a form ParseHours reads to the same value.
func ParseHours(s string) (WeekHours, error) {
	h := WeekHours{}
	seen := map[time.Weekday]string{}
	groups := strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' || r == '\r' })
	for _, g := range groups {
		g = strings.TrimSpace(g)
		if g == "" {
			continue
		}
		daySpec, spanSpec := g, ""
		if i := strings.IndexAny(g, " \t"); i >= 0 {
			daySpec, spanSpec = g[:i], g[i+1:]
		}
		daySpec = strings.TrimSuffix(daySpec, ":")
		spanSpec = strings.Join(strings.Fields(spanSpec), "")
		if spanSpec == "" {
			return nil, hoursErr(s, "%q gives days but no times; put the spans after the days, e.g. %q", g, "mon-fri 09:00-18:00")
		}
		days, err := parseDays(s, daySpec)
		if err != nil {
			return nil, err
		}
		spans, err := parseSpans(s, spanSpec)
		if err != nil {
			return nil, err
		}
		for _, d := range days {
			if prev, dup := seen[d]; dup {
				return nil, hoursErr(s, "%s is given twice (in %q and %q); name each day once", dayAbbr[d], prev, g)
			}
			seen[d] = g
			h[d] = slices.Clone(spans)
		}
	}
	if len(h) == 0 {
		return nil, hoursErr(s, "no working hours given; write them like %q", hoursExample)
	}
	return h, nil
}

func hoursErr(all, format string, args ...any) error {
	return balcao.Errorf(balcao.EINVALID, "working hours %q: %s", all, fmt.Sprintf(format, args...))
}

func parseDays(all, spec string) ([]time.Weekday, error) {
	var days []time.Weekday
	for item := range strings.SplitSeq(spec, ",") {
		from, to, isRange := strings.Cut(item, "-")
		a, ok := dayNames[strings.ToLower(from)]
		b := a
		if ok && isRange {
			b, ok = dayNames[strings.ToLower(to)]
		}
		if !ok {
			return nil, hoursErr(all, "%q is not a day or a range of days; write days as mon, tue, wed, thu, fri, sat, sun, a range such as mon-fri, or a list such as mon,wed", item)
		}
		for d := a; ; d = (d + 1) % 7 {
			if !slices.Contains(days, d) {
				days = append(days, d)
			}
			if d == b {
				break
			}
		}
	}
	return days, nil
}

func parseSpans(all, spec string) ([]Span, error) {
	var spans []Span
	for item := range strings.SplitSeq(spec, ",") {
		a, b, ok := strings.Cut(item, "-")
		start, ok1 := parseClock(a)
		end, ok2 := parseClock(b)
		if !ok || !ok1 || !ok2 {
			return nil, hoursErr(all, "%q is not a time span; write it as start-end in 24-hour time, e.g. 09:00-13:00", item)
		}
		if start >= end {
			return nil, hoursErr(all, "%q ends before it starts; a span cannot cross midnight: split a night shift as 22:00-24:00 on one day and 00:00-06:00 on the next", item)
		}
		spans = append(spans, Span{start, end})
	}
	slices.SortFunc(spans, func(x, y Span) int { return x.Start - y.Start })
	out := spans[:1]
	for _, sp := range spans[1:] {
		last := &out[len(out)-1]
		switch {
		case sp.Start < last.End:
			return nil, hoursErr(all, "%s and %s overlap; give each working period once", last, sp)
		case sp.Start == last.End:
			last.End = sp.End
		default:
			out = append(out, sp)
		}
	}
	return out, nil
}

// parseClock reads H:MM or HH:MM, 00:00 to 24:00, as minutes since midnight.
func parseClock(s string) (int, bool) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 {
		return 0, false
	}
	h, ok1 := atoiDigits(hh)
	m, ok2 := atoiDigits(mm)
	if !ok1 || !ok2 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// String writes the hours in ParseHours's syntax, Monday first, joining
// consecutive days with the same spans into a range: "mon-fri
// 09:00-13:00,14:00-18:00; sat 09:00-12:00". Days without a valid span are
// left out; an empty WeekHours gives "".
func (h WeekHours) String() string {
	var groups []string
	for i := 0; i < len(weekOrder); {
		spans := validSpans(h[weekOrder[i]])
		if len(spans) == 0 {
			i++
			continue
		}
		j := i
		for j+1 < len(weekOrder) && slices.Equal(validSpans(h[weekOrder[j+1]]), spans) {
			j++
		}
		days := dayAbbr[weekOrder[i]]
		if j > i {
			days += "-" + dayAbbr[weekOrder[j]]
		}
		parts := make([]string, len(spans))
		for k, sp := range spans {
			parts[k] = sp.String()
		}
		groups = append(groups, days+" "+strings.Join(parts, ","))
		i = j + 1
	}
	return strings.Join(groups, "; ")
}

func validSpans(spans []Span) []Span {
	out := make([]Span, 0, len(spans))
	for _, sp := range spans {
		if sp.valid() {
			out = append(out, sp)
		}
	}
	return out
}
