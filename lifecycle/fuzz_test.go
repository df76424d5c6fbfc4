package lifecycle

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// fuzzCalendars covers the shapes that make business time hard: lunch
// breaks, holidays movable and fixed, optional and yearly local days,
// summer time changes in the afternoon-free small hours (Lisbon) and at
// midnight (São Paulo until 2019), a 24/7 desk and a nil calendar.
func fuzzCalendars(f *testing.F) []*Calendar {
	pt, err := NewCalendar("PT", "", DefaultHours, []string{"carnaval"}, []string{"06-13", "2026-09-15"})
	if err != nil {
		f.Fatal(err)
	}
	br, err := NewCalendar("BR", "", "mon-fri 08:00-12:00,13:00-17:00; sat 08:00-12:00", []string{"carnaval", "corpus_christi"}, nil)
	if err != nil {
		f.Fatal(err)
	}
	azores, err := NewCalendar("PT", "Atlantic/Azores", "mon-sun 00:00-01:30,23:00-24:00", nil, nil)
	if err != nil {
		f.Fatal(err)
	}
	return []*Calendar{
		pt, br, azores,
		{Location: lisbon, Hours: WeekHours{time.Sunday: {{0, 240}}}},
		{Location: saoPaulo, Country: "BR"},
		{Location: saoPaulo, Hours: WeekHours{time.Saturday: {{1380, 1440}}, time.Sunday: {{0, 120}, {600, 660}}}},
		nil,
	}
}

// FuzzCalendarAddBetween checks that Add and Between agree on every
// calendar: Between(t, Add(t, d)) == d, Add never goes back in time and
// grows with d and with t, the instant before a due time is working time,
// and Between is additive. Run it with
//
//	go test ./lifecycle -run '^$' -fuzz FuzzCalendarAddBetween -fuzztime 20s -fuzzminimizetime 2s
func FuzzCalendarAddBetween(f *testing.F) {
	cals := fuzzCalendars(f)
	f.Add(uint8(0), int64(0), int64(8*time.Hour), int64(time.Hour), int64(time.Minute))
	f.Add(uint8(1), int64(400*24*time.Hour), int64(40*time.Hour), int64(0), int64(3*24*time.Hour))
	f.Add(uint8(2), int64(-90*24*time.Hour), int64(90*time.Minute), int64(30*time.Minute), int64(time.Second))
	f.Add(uint8(3), int64(-1), int64(1), int64(2), int64(3))
	f.Add(uint8(4), int64(-7*365*24*time.Hour), int64(25*time.Hour), int64(23*time.Hour), int64(-time.Hour))
	f.Add(uint8(5), int64(-7*365*24*time.Hour), int64(5*time.Hour), int64(2*time.Hour), int64(time.Hour))
	f.Fuzz(func(t *testing.T, which uint8, offset, d, d2, shift int64) {
		cal := cals[int(which)%len(cals)]
		// Start within ±25 years of 2026, durations up to two years of
		// business time: wide enough for every rule, small enough to run fast.
		const years25 = int64(25 * 365 * 24 * time.Hour)
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		start := base.Add(time.Duration(offset % years25))
		dd := time.Duration(d % int64(2*365*24*time.Hour))
		due := cal.Add(start, dd)

		if due.Before(start) {
			t.Fatalf("Add(%s, %v) = %s, before the start", start, dd, due)
		}
		if dd <= 0 {
			if !due.Equal(start) {
				t.Fatalf("Add(%s, %v) = %s, want the start", start, dd, due)
			}
			return
		}
		if got := cal.Between(start, due); got != dd {
			t.Fatalf("Between(%s, Add(…, %v) = %s) = %v", start, dd, due, got)
		}
		if !cal.IsWorkingTime(due.Add(-time.Nanosecond)) {
			t.Fatalf("the nanosecond before %s (due %v after %s) is not working time", due, dd, start)
		}
		mid := start.Add(due.Sub(start) / 2)
		if a, b := cal.Between(start, mid), cal.Between(mid, due); a+b != dd {
			t.Fatalf("Between not additive at %s: %v + %v != %v", mid, a, b, dd)
		}

		small := time.Duration(d2 % int64(dd+1))
		if small >= 0 {
			if e := cal.Add(start, small); e.After(due) {
				t.Fatalf("Add(%s, %v) = %s after Add(…, %v) = %s", start, small, e, dd, due)
			}
		}
		later := start.Add(time.Duration(shift % int64(30*24*time.Hour)))
		if later.After(start) {
			if e := cal.Add(later, dd); e.Before(due) {
				t.Fatalf("Add(%s, %v) = %s before Add(%s, …) = %s", later, dd, e, start, due)
			}
		}
	})
}

// FuzzParseHours checks that ParseHours never panics, that every error
// says it is about the working hours, and that whatever it accepts is
// well formed and survives a round trip through String. Run it with
//
//	go test ./lifecycle -run '^$' -fuzz FuzzParseHours -fuzztime 20s -fuzzminimizetime 2s
func FuzzParseHours(f *testing.F) {
	for _, s := range []string{
		DefaultHours, hoursExample, "mon-sun 00:00-24:00", "fri-mon 8:00-20:00", "seg,qua 9:00-13:00,13:00-18:00",
		"mon 09:00-13:00,12:00-18:00", "mon 18:00-09:00", "sáb: 9:00-12:00\nDOM 10:00-11:00", "", ";", "mon 24:00-24:00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHours(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "balcao error: code=invalid message=working hours ") {
				t.Fatalf("error %q", err)
			}
			return
		}
		if len(h) == 0 {
			t.Fatal("accepted with no hours")
		}
		for day, spans := range h {
			if day < time.Sunday || day > time.Saturday || len(spans) == 0 {
				t.Fatalf("day %v: %v", day, spans)
			}
			for i, sp := range spans {
				if !sp.valid() || (i > 0 && sp.Start <= spans[i-1].End) {
					t.Fatalf("%v: spans %v not sorted, separate and within the day", day, spans)
				}
			}
		}
		again, err := ParseHours(h.String())
		if err != nil || !reflect.DeepEqual(again, h) {
			t.Fatalf("round trip %q -> %q -> %v, %v", s, h.String(), again, err)
		}
	})
}
