package lifecycle

import (
	"testing"
	"time"

	"balcao"
)

func TestAutoCloseDue(t *testing.T) {
	day := 24 * time.Hour
	pending := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		rules       Rules
		since, last time.Time
		want        time.Time
	}{
		{"30 days after the request went pending", DefaultRules(), pending, time.Time{}, pending.Add(30 * day)},
		{"a later message from the requester restarts the wait", DefaultRules(), pending, pending.Add(12 * day), pending.Add(42 * day)},
		{"an earlier message does not shorten it", DefaultRules(), pending, pending.Add(-5 * day), pending.Add(30 * day)},
		{"a service with 15 days", Rules{AutoClosePending: 15 * day}, pending, time.Time{}, pending.Add(15 * day)},
		{"auto-close off", Rules{}, pending, time.Time{}, time.Time{}},
		{"not pending", DefaultRules(), time.Time{}, pending, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rules.AutoCloseDue(tt.since, tt.last); !got.Equal(tt.want) {
				t.Errorf("AutoCloseDue = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestReopenWindow(t *testing.T) {
	day := 24 * time.Hour
	resolved := time.Date(2026, 4, 10, 17, 30, 0, 0, time.UTC)
	tests := []struct {
		name     string
		rules    Rules
		resolved time.Time
		now      time.Time
		want     bool
	}{
		{"the next day", DefaultRules(), resolved, resolved.Add(day), true},
		{"the last instant of the 10 days", DefaultRules(), resolved, resolved.Add(10 * day), true},
		{"just after the 10 days", DefaultRules(), resolved, resolved.Add(10*day + time.Nanosecond), false},
		{"a month later", DefaultRules(), resolved, resolved.Add(30 * day), false},
		{"clock skew: now before the resolution", DefaultRules(), resolved, resolved.Add(-time.Minute), true},
		{"never resolved", DefaultRules(), time.Time{}, resolved, false},
		{"reopening off", Rules{}, resolved, resolved.Add(time.Minute), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rules.CanReopen(tt.resolved, tt.now); got != tt.want {
				t.Errorf("CanReopen = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReopenOnRequesterReply(t *testing.T) {
	day := 24 * time.Hour
	resolved := time.Date(2026, 4, 10, 17, 30, 0, 0, time.UTC)
	inside, outside := resolved.Add(3*day), resolved.Add(11*day)
	r := DefaultRules()
	tests := []struct {
		status    balcao.Status
		now       time.Time
		automatic bool
		want      ReplyAction
	}{
		{balcao.StatusResolved, inside, false, ReplyReopen},
		{balcao.StatusResolved, outside, false, ReplyNewLinked},
		{balcao.StatusResolved, inside, true, ReplyAppend},
		{balcao.StatusResolved, outside, true, ReplyAppend},
		{balcao.StatusClosed, inside, false, ReplyNewLinked},
		{balcao.StatusClosed, inside, true, ReplyAppend},
		{balcao.StatusCancelled, inside, false, ReplyNewLinked},
		{balcao.StatusMerged, inside, false, ReplyNewLinked},
		{balcao.StatusNew, inside, false, ReplyAppend},
		{balcao.StatusOpen, inside, false, ReplyAppend},
		{balcao.StatusPendingRequester, outside, false, ReplyAppend},
		{balcao.StatusPendingApproval, outside, false, ReplyAppend},
		{balcao.Status("archived"), outside, false, ReplyAppend},
	}
	for _, tt := range tests {
		name := string(tt.status)
		if tt.automatic {
			name += "/automatic"
		}
		t.Run(name, func(t *testing.T) {
			if got := r.OnRequesterReply(tt.status, resolved, tt.now, tt.automatic); got != tt.want {
				t.Errorf("OnRequesterReply(%s, +%v, auto=%v) = %s, want %s", tt.status, tt.now.Sub(resolved), tt.automatic, got, tt.want)
			}
		})
	}
	// Every state the domain defines gets an answer, and a reopen is a
	// move the domain's state machine allows.
	for _, s := range balcao.Statuses {
		if a := r.OnRequesterReply(s, resolved, inside, false); a == ReplyReopen {
			if err := balcao.CheckTransition(s, balcao.StatusOpen); err != nil {
				t.Errorf("reopen from %s is not a legal move: %v", s, err)
			}
		}
	}
}
