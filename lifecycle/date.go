package lifecycle

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"balcao"
)

// Date is a civil date without a time of day or a time zone: a holiday is
// a day, and which instants it covers depends on the calendar's Location.
//
// A Date with Year 0 stands for that month and day in every year; only a
// Calendar's Local list gives it that meaning (a municipal holiday such as
// Lisbon's 13 June recurs every year). The zero Date is "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date of t in t's own location; convert t with
// In first to get its date somewhere else.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads an ISO date "2026-04-03", or a yearly date "06-13" or
// "--06-13" (Year 0). It rejects days that do not exist, such as
// 2026-02-29, and says how to write the date.
func ParseDate(s string) (Date, error) {
	in := strings.TrimSpace(s)
	parts := strings.Split(strings.TrimPrefix(in, "--"), "-")
	var d Date
	var ok bool
	switch {
	case len(parts) == 3 && !strings.HasPrefix(in, "--") && len(parts[0]) == 4:
		d.Year, ok = atoiDigits(parts[0])
		if ok {
			d.Month, d.Day, ok = monthDay(parts[1], parts[2])
		}
	case len(parts) == 2:
		d.Month, d.Day, ok = monthDay(parts[0], parts[1])
	}
	if !ok {
		return Date{}, balcao.Errorf(balcao.EINVALID,
			"date %q: write it as year-month-day, e.g. 2026-06-13, or month-day for every year, e.g. 06-13", s)
	}
	if !d.valid() {
		return Date{}, balcao.Errorf(balcao.EINVALID, "date %q does not exist: %s has no day %d", s, monthName(d), d.Day)
	}
	return d, nil
}

func monthName(d Date) string {
	if d.Year == 0 {
		return d.Month.String()
	}
	return fmt.Sprintf("%s %d", d.Month, d.Year)
}

func monthDay(m, d string) (time.Month, int, bool) {
	if len(m) != 2 || len(d) != 2 {
		return 0, 0, false
	}
	mm, ok1 := atoiDigits(m)
	dd, ok2 := atoiDigits(d)
	if !ok1 || !ok2 || mm < 1 || mm > 12 || dd < 1 {
		return 0, 0, false
	}
	return time.Month(mm), dd, true
}

// atoiDigits accepts ASCII digits only: strconv.Atoi would also take a sign.
func atoiDigits(s string) (int, bool) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// valid reports whether d names a day that exists; a yearly date may be
// 29 February (it only happens in leap years).
func (d Date) valid() bool {
	if d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	y := d.Year
	if y == 0 {
		y = 2000 // a leap year, so --02-29 is accepted
	}
	return time.Date(y, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Day() == d.Day
}

// String returns the ISO form "2026-04-03", "--06-13" for a yearly date,
// and "" for the zero Date.
func (d Date) String() string {
	switch {
	case d == Date{}:
		return ""
	case d.Year == 0:
		return fmt.Sprintf("--%02d-%02d", int(d.Month), d.Day)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// In returns the first instant of d in loc (UTC when loc is nil). Where
// the clocks jump at midnight that instant is whatever time.Date makes of
// 00:00.
func (d Date) In(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns the date n days after d (before it when n < 0),
// normalising across months and years.
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	}
	return cmpInt(d.Day, e.Day)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
