package lifecycle

import (
	"testing"
	"time"
)

// TestSLAEvaluate follows a P3 ticket (4 h first response, 24 h
// resolution) opened on Thursday 2 April 2026 at 16:00 in Lisbon, the eve
// of Sexta-feira Santa. First response is due Monday 6 April 11:00 (2 h on
// Thursday, 2 h on Monday), resolution Wednesday 8 April 16:00.
func TestSLAEvaluate(t *testing.T) {
	cal := mustCalendar(t, "PT", "", DefaultHours, nil, nil)
	p3 := DefaultPolicy().For(3)
	l := func(s string) time.Time { return at(lisbon, s) }
	created := l("2026-04-02 16:00")
	frDue, resDue := l("2026-04-06 11:00"), l("2026-04-08 16:00")

	type want struct {
		frDue, resDue                time.Time
		frMet, frBreached, warnFR    bool
		resMet, resBreached, warnRes bool
		paused                       time.Duration
		pausedNow                    bool
		remaining, frRemaining       time.Duration
	}
	tests := []struct {
		name  string
		clock Clock
		now   string
		want  want
	}{
		{"just opened", Clock{Created: created}, "2026-04-02 17:00",
			want{frDue: frDue, resDue: resDue, remaining: 23 * time.Hour, frRemaining: 3 * time.Hour}},
		{"holiday and weekend do not count", Clock{Created: created}, "2026-04-05 23:00",
			want{frDue: frDue, resDue: resDue, remaining: 22 * time.Hour, frRemaining: 2 * time.Hour}},
		{"first response at risk (3.5 h of 4 h used)", Clock{Created: created}, "2026-04-06 10:30",
			want{frDue: frDue, resDue: resDue, warnFR: true, remaining: 20*time.Hour + 30*time.Minute, frRemaining: 30 * time.Minute}},
		{"first response due now: still at risk, not breached", Clock{Created: created}, "2026-04-06 11:00",
			want{frDue: frDue, resDue: resDue, warnFR: true, remaining: 20 * time.Hour}},
		{"first response breached one minute later", Clock{Created: created}, "2026-04-06 11:01",
			want{frDue: frDue, resDue: resDue, frBreached: true, remaining: 20*time.Hour - time.Minute, frRemaining: -time.Minute}},
		{"first response at the due time is met", Clock{Created: created, FirstResponse: l("2026-04-06 11:00")}, "2026-04-07 10:00",
			want{frDue: frDue, resDue: resDue, frMet: true, remaining: 13 * time.Hour}},
		{"late first response stays breached", Clock{Created: created, FirstResponse: l("2026-04-06 11:01")}, "2026-04-06 12:00",
			want{frDue: frDue, resDue: resDue, frBreached: true, remaining: 19 * time.Hour, frRemaining: -time.Minute}},
		{"resolution at risk from 19 h 12 min", Clock{Created: created, FirstResponse: l("2026-04-02 16:30")}, "2026-04-08 10:12",
			want{frDue: frDue, resDue: resDue, frMet: true, warnRes: true, remaining: 4*time.Hour + 48*time.Minute, frRemaining: 3*time.Hour + 30*time.Minute}},
		{"not yet at risk a minute before", Clock{Created: created, FirstResponse: l("2026-04-02 16:30")}, "2026-04-08 10:11",
			want{frDue: frDue, resDue: resDue, frMet: true, remaining: 4*time.Hour + 49*time.Minute, frRemaining: 3*time.Hour + 30*time.Minute}},
		{"resolved at the due time is met", Clock{Created: created, FirstResponse: l("2026-04-02 16:30"), Resolved: resDue}, "2026-04-20 10:00",
			want{frDue: frDue, resDue: resDue, frMet: true, resMet: true, frRemaining: 3*time.Hour + 30*time.Minute}},
		{"resolved a minute late is breached", Clock{Created: created, FirstResponse: l("2026-04-02 16:30"), Resolved: l("2026-04-08 16:01")}, "2026-04-20 10:00",
			want{frDue: frDue, resDue: resDue, frMet: true, resBreached: true, remaining: -time.Minute, frRemaining: 3*time.Hour + 30*time.Minute}},
		{"open and late", Clock{Created: created, FirstResponse: l("2026-04-02 16:30")}, "2026-04-09 10:00",
			want{frDue: frDue, resDue: resDue, frMet: true, resBreached: true, remaining: -3 * time.Hour, frRemaining: 3*time.Hour + 30*time.Minute}},
		{"resolved without a recorded first response: the resolution answers", Clock{Created: created, Resolved: l("2026-04-06 10:00")}, "2026-04-06 12:00",
			want{frDue: frDue, resDue: resDue, frMet: true, resMet: true, remaining: 21 * time.Hour, frRemaining: time.Hour}},
		{"a pause and its resumption move the due time by 8 business hours",
			Clock{Created: created, FirstResponse: l("2026-04-02 16:30"), Pauses: []Pause{{l("2026-04-06 10:00"), l("2026-04-07 10:00")}}}, "2026-04-08 16:30",
			want{frDue: frDue, resDue: l("2026-04-09 16:00"), frMet: true, paused: 8 * time.Hour, remaining: 7*time.Hour + 30*time.Minute, frRemaining: 3*time.Hour + 30*time.Minute}},
		{"still paused: due is now plus what is left",
			Clock{Created: created, FirstResponse: l("2026-04-02 16:30"), Pauses: []Pause{{From: l("2026-04-06 10:00")}}}, "2026-04-08 12:00",
			want{frDue: frDue, resDue: l("2026-04-10 18:00"), frMet: true, paused: 18 * time.Hour, pausedNow: true, remaining: 21 * time.Hour, frRemaining: 3*time.Hour + 30*time.Minute}},
		{"overlapping pauses count once",
			Clock{Created: created, FirstResponse: l("2026-04-02 16:30"), Pauses: []Pause{
				{l("2026-04-06 15:00"), l("2026-04-07 10:00")}, {l("2026-04-06 10:00"), l("2026-04-06 16:00")}, {l("2026-04-07 09:30"), l("2026-04-07 09:45")}}}, "2026-04-08 16:30",
			want{frDue: frDue, resDue: l("2026-04-09 16:00"), frMet: true, paused: 8 * time.Hour, remaining: 7*time.Hour + 30*time.Minute, frRemaining: 3*time.Hour + 30*time.Minute}},
		{"a pause that starts after the due time does not undo the breach",
			Clock{Created: created, FirstResponse: l("2026-04-02 16:30"), Pauses: []Pause{{From: l("2026-04-08 17:00")}}}, "2026-04-09 10:00",
			want{frDue: frDue, resDue: resDue, frMet: true, resBreached: true, paused: 2 * time.Hour, pausedNow: true, remaining: -time.Hour, frRemaining: 3*time.Hour + 30*time.Minute}},
		{"the first-response clock never pauses",
			Clock{Created: created, Pauses: []Pause{{From: created}}}, "2026-04-06 12:00",
			want{frDue: frDue, resDue: l("2026-04-09 12:00"), frBreached: true, paused: 5 * time.Hour, pausedNow: true, remaining: 24 * time.Hour, frRemaining: -time.Hour}},
		{"resolved during a pause",
			Clock{Created: created, FirstResponse: l("2026-04-02 16:30"), Resolved: l("2026-04-10 10:00"), Pauses: []Pause{{From: l("2026-04-06 09:00")}}}, "2026-04-20 10:00",
			want{frDue: frDue, resDue: l("2026-04-14 17:00"), frMet: true, resMet: true, paused: 33 * time.Hour, remaining: 22 * time.Hour, frRemaining: 3*time.Hour + 30*time.Minute}},
		{"now before creation is read as creation", Clock{Created: created}, "2026-04-01 10:00",
			want{frDue: frDue, resDue: resDue, remaining: 24 * time.Hour, frRemaining: 4 * time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := Evaluate(cal, p3, 0.8, tt.clock, l(tt.now))
			got := want{st.FirstResponseDue, st.ResolutionDue, st.FirstResponseMet, st.FirstResponseBreached, st.WarnFirstResponse,
				st.ResolutionMet, st.ResolutionBreached, st.WarnResolution, st.Paused, st.PausedNow, st.Remaining, st.FirstResponseRemaining}
			if !got.frDue.Equal(tt.want.frDue) || !got.resDue.Equal(tt.want.resDue) {
				t.Errorf("due = %s / %s, want %s / %s", got.frDue, got.resDue, tt.want.frDue, tt.want.resDue)
			}
			got.frDue, got.resDue = tt.want.frDue, tt.want.resDue
			if got != tt.want {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestSLAEvaluateWithoutTargetsOrWarnings(t *testing.T) {
	cal := mustCalendar(t, "PT", "", DefaultHours, nil, nil)
	created := at(lisbon, "2026-04-06 09:00")
	late := at(lisbon, "2026-05-06 09:00")
	st := Evaluate(cal, Target{}, 0.8, Clock{Created: created}, late)
	if st != (Status{}) {
		t.Errorf("no targets: %+v, want the zero Status", st)
	}
	for _, warnAt := range []float64{0, -1, 1.5} {
		st = Evaluate(cal, Target{time.Hour, 8 * time.Hour}, warnAt, Clock{Created: created}, at(lisbon, "2026-04-06 15:00"))
		if st.WarnFirstResponse || st.WarnResolution || !st.FirstResponseBreached {
			t.Errorf("warnAt %v: %+v", warnAt, st)
		}
	}
}

func TestSLAEvaluate24x7Priority1(t *testing.T) {
	p := DefaultPolicy()
	created := time.Date(2026, 4, 3, 22, 0, 0, 0, time.UTC) // Good Friday night
	st := p.Evaluate(nil, 1, Clock{Created: created}, created.Add(50*time.Minute))
	if !st.FirstResponseDue.Equal(created.Add(time.Hour)) || !st.ResolutionDue.Equal(created.Add(4*time.Hour)) {
		t.Errorf("24/7 P1 due %s / %s", st.FirstResponseDue, st.ResolutionDue)
	}
	if !st.WarnFirstResponse || st.WarnResolution {
		t.Errorf("at 50 of 60 minutes: %+v", st)
	}
}

func TestSLADefaultPolicy(t *testing.T) {
	p := DefaultPolicy()
	want := map[int][2]time.Duration{1: {1, 4}, 2: {2, 8}, 3: {4, 24}, 4: {8, 40}, 5: {16, 80}}
	for prio, w := range want {
		if got := p.For(prio); got.FirstResponse != w[0]*time.Hour || got.Resolution != w[1]*time.Hour {
			t.Errorf("P%d = %+v", prio, got)
		}
	}
	if p.For(0) != p.For(1) || p.For(9) != p.For(5) {
		t.Error("out-of-range priorities should clamp to 1…5")
	}
	if p.WarnAt != 0.8 {
		t.Errorf("WarnAt = %v", p.WarnAt)
	}
	if (Policy{}).For(3) != (Target{}) {
		t.Error("an empty policy promises nothing")
	}
}
