package balcao

import (
	"strings"
	"testing"
)

func TestCheckTransitionTable(t *testing.T) {
	allowed := map[[2]Status]bool{}
	for _, p := range [][2]Status{
		{StatusNew, StatusOpen}, {StatusNew, StatusPendingRequester}, {StatusNew, StatusPendingApproval},
		{StatusNew, StatusResolved}, {StatusNew, StatusCancelled}, {StatusNew, StatusMerged},
		{StatusOpen, StatusPendingRequester}, {StatusOpen, StatusPendingApproval}, {StatusOpen, StatusResolved},
		{StatusOpen, StatusCancelled}, {StatusOpen, StatusMerged},
		{StatusPendingRequester, StatusOpen}, {StatusPendingRequester, StatusPendingApproval},
		{StatusPendingRequester, StatusResolved}, {StatusPendingRequester, StatusClosed},
		{StatusPendingRequester, StatusCancelled}, {StatusPendingRequester, StatusMerged},
		{StatusPendingApproval, StatusOpen}, {StatusPendingApproval, StatusPendingRequester},
		{StatusPendingApproval, StatusResolved}, {StatusPendingApproval, StatusCancelled}, {StatusPendingApproval, StatusMerged},
		{StatusResolved, StatusOpen}, {StatusResolved, StatusClosed},
	} {
		allowed[p] = true
	}
	// Every ordered pair of states is checked, so a change to the table that
	// is not reflected here fails.
	for _, from := range Statuses {
		for _, to := range Statuses {
			err := CheckTransition(from, to)
			if want := allowed[[2]Status{from, to}]; want != (err == nil) {
				t.Errorf("%s -> %s: allowed=%v, got err=%v", from, to, want, err)
			}
			if err != nil && ErrorCode(err) != EINVALID {
				t.Errorf("%s -> %s: code %s, want %s", from, to, ErrorCode(err), EINVALID)
			}
		}
	}
}

func TestCheckTransitionMessageListsPossibleMoves(t *testing.T) {
	err := CheckTransition(StatusResolved, StatusPendingApproval)
	msg := ErrorMessage(err)
	for _, want := range []string{"resolved", "pending_approval", "open", "closed"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not mention %q", msg, want)
		}
	}
	if msg := ErrorMessage(CheckTransition(StatusClosed, StatusOpen)); !strings.Contains(msg, "final") {
		t.Errorf("closed -> open message %q should say the state is final", msg)
	}
	if msg := ErrorMessage(CheckTransition(StatusOpen, "bogus")); !strings.Contains(msg, "pending_requester") {
		t.Errorf("unknown target message %q should list the valid statuses", msg)
	}
}

func TestStatusLabels(t *testing.T) {
	for _, s := range Statuses {
		for _, lang := range []string{"pt-PT", "pt-BR", "en", "es"} {
			if l := s.Label(lang); l == "" || l == string(s) {
				t.Errorf("%s has no %s label", s, lang)
			}
		}
	}
	if got := StatusPendingRequester.Label("fr"); got != "Pendente – aguarda requerente" {
		t.Errorf("fallback label = %q", got)
	}
	if !StatusClosed.Terminal() || StatusResolved.Terminal() {
		t.Error("terminal states wrong")
	}
}

func TestPriorityFor(t *testing.T) {
	cases := []struct{ impact, urgency, want int }{
		{1, 1, 1}, {1, 2, 2}, {2, 1, 2}, {2, 2, 3}, {1, 3, 3}, {3, 1, 3}, {2, 3, 4}, {3, 2, 4}, {3, 3, 5},
		{0, 0, 1}, {9, 9, 5},
	}
	for _, c := range cases {
		if got := PriorityFor(c.impact, c.urgency); got != c.want {
			t.Errorf("PriorityFor(%d,%d) = %d, want %d", c.impact, c.urgency, got, c.want)
		}
	}
}
