package lifecycle

import (
	"testing"
	"time"
)

// BenchmarkCalendarAdd40h is a P4 resolution target (40 business hours)
// from a Thursday afternoon before Easter: a weekend, Good Friday and a
// lunch break every day.
func BenchmarkCalendarAdd40h(b *testing.B) {
	cal := mustCalendar(b, "PT", "", DefaultHours, []string{"carnaval"}, []string{"06-13"})
	start := at(lisbon, "2026-04-02 16:00")
	want := at(lisbon, "2026-04-10 16:00")
	for b.Loop() {
		if got := cal.Add(start, 40*time.Hour); !got.Equal(want) {
			b.Fatal(got)
		}
	}
}

// BenchmarkCalendarAdd6Weeks is a target of 240 business hours, over
// Christmas and New Year.
func BenchmarkCalendarAdd6Weeks(b *testing.B) {
	cal := mustCalendar(b, "PT", "", DefaultHours, nil, nil)
	start := at(lisbon, "2026-12-01 10:00")
	for b.Loop() {
		cal.Add(start, 240*time.Hour)
	}
}

// BenchmarkEvaluate is one SLA evaluation of a paused P3 ticket, what a
// queue page does per row.
func BenchmarkEvaluate(b *testing.B) {
	cal := mustCalendar(b, "PT", "", DefaultHours, nil, nil)
	p := DefaultPolicy()
	c := Clock{Created: at(lisbon, "2026-04-02 16:00"), FirstResponse: at(lisbon, "2026-04-02 16:30"),
		Pauses: []Pause{{at(lisbon, "2026-04-06 10:00"), at(lisbon, "2026-04-07 10:00")}, {From: at(lisbon, "2026-04-08 11:00")}}}
	now := at(lisbon, "2026-04-09 12:00")
	for b.Loop() {
		p.Evaluate(cal, 3, c, now)
	}
}
