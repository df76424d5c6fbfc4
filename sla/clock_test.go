package sla

import (
	"testing"
	"time"

	"balcao"
)

func TestSLAClockFromHistory(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	at := func(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }
	tk := &balcao.Ticket{CreatedAt: t0}
	msgs := []*balcao.Message{
		{Direction: balcao.DirectionOut, Auto: true, CreatedAt: at(0)}, // the acknowledgement: not a response
		{Direction: balcao.DirectionNote, CreatedAt: at(1)},
		{Direction: balcao.DirectionOut, CreatedAt: at(3)},
	}
	evs := []*balcao.Event{
		{Kind: balcao.EventCreated, To: "pending_requester", CreatedAt: at(0)},
		{Kind: balcao.EventStatus, From: "pending_requester", To: "open", CreatedAt: at(1)},
		{Kind: balcao.EventAssign, To: "rui@spms.pt", CreatedAt: at(2)},
		{Kind: balcao.EventStatus, From: "open", To: "pending_requester", CreatedAt: at(4)},
	}
	c := ClockOf(tk, msgs, evs)
	if !c.FirstResponse.Equal(at(2)) {
		t.Errorf("first response %v, want the assignment at %v", c.FirstResponse, at(2))
	}
	if len(c.Pauses) != 2 || !c.Pauses[0].From.Equal(at(0)) || !c.Pauses[0].To.Equal(at(1)) || !c.Pauses[1].From.Equal(at(4)) || !c.Pauses[1].To.IsZero() {
		t.Errorf("pauses %+v", c.Pauses)
	}
}
