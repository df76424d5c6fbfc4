package balcao

import (
	"slices"
	"strings"
)

// Status is the state of a ticket, spelled as the API names it.
type Status string

// The ticket states. Their Portuguese labels are what the UI shows.
const (
	StatusNew              Status = "new"
	StatusOpen             Status = "open"
	StatusPendingRequester Status = "pending_requester"
	StatusPendingApproval  Status = "pending_approval"
	StatusResolved         Status = "resolved"
	StatusClosed           Status = "closed"
	StatusCancelled        Status = "cancelled"
	StatusMerged           Status = "merged"
)

// Statuses lists every state in lifecycle order.
var Statuses = []Status{
	StatusNew, StatusOpen, StatusPendingRequester, StatusPendingApproval,
	StatusResolved, StatusClosed, StatusCancelled, StatusMerged,
}

// OpenStatuses are the states in which a ticket still needs work from the
// desk or the requester; the agent queue shows these.
var OpenStatuses = []Status{StatusNew, StatusOpen, StatusPendingRequester, StatusPendingApproval}

// transitions is the single source of truth for which moves are legal.
// Closed, cancelled and merged are terminal: a requester writing about a
// closed ticket gets a new ticket linked to the old one, never a reopen.
var transitions = map[Status][]Status{
	StatusNew:              {StatusOpen, StatusPendingRequester, StatusPendingApproval, StatusResolved, StatusCancelled, StatusMerged},
	StatusOpen:             {StatusPendingRequester, StatusPendingApproval, StatusResolved, StatusCancelled, StatusMerged},
	StatusPendingRequester: {StatusOpen, StatusPendingApproval, StatusResolved, StatusClosed, StatusCancelled, StatusMerged},
	StatusPendingApproval:  {StatusOpen, StatusPendingRequester, StatusResolved, StatusCancelled, StatusMerged},
	StatusResolved:         {StatusOpen, StatusClosed},
	StatusClosed:           nil,
	StatusCancelled:        nil,
	StatusMerged:           nil,
}

var statusLabels = map[Status]map[string]string{
	StatusNew:              {"pt-PT": "Novo", "pt-BR": "Novo", "en": "New", "es": "Nuevo"},
	StatusOpen:             {"pt-PT": "Em análise", "pt-BR": "Em análise", "en": "In progress", "es": "En análisis"},
	StatusPendingRequester: {"pt-PT": "Pendente – aguarda requerente", "pt-BR": "Pendente – aguardando solicitante", "en": "Pending – awaiting requester", "es": "Pendiente – a la espera del solicitante"},
	StatusPendingApproval:  {"pt-PT": "Aguarda aprovação", "pt-BR": "Aguardando aprovação", "en": "Awaiting approval", "es": "Pendiente de aprobación"},
	StatusResolved:         {"pt-PT": "Resolvido", "pt-BR": "Resolvido", "en": "Resolved", "es": "Resuelto"},
	StatusClosed:           {"pt-PT": "Fechado", "pt-BR": "Fechado", "en": "Closed", "es": "Cerrado"},
	StatusCancelled:        {"pt-PT": "Cancelado", "pt-BR": "Cancelado", "en": "Cancelled", "es": "Cancelado"},
	StatusMerged:           {"pt-PT": "Fundido noutro pedido", "pt-BR": "Mesclado em outro chamado", "en": "Merged into another ticket", "es": "Fusionado con otra solicitud"},
}

// Valid reports whether s is one of the defined states.
func (s Status) Valid() bool { _, ok := transitions[s]; return ok }

// Label returns the state's name in lang (pt-PT when lang is unknown).
func (s Status) Label(lang string) string {
	l, ok := statusLabels[s]
	if !ok {
		return string(s)
	}
	if t, ok := l[lang]; ok {
		return t
	}
	return l["pt-PT"]
}

// Terminal reports whether no move leaves s.
func (s Status) Terminal() bool { return s.Valid() && len(transitions[s]) == 0 }

// NextStatuses returns the states a ticket in s may move to, in lifecycle order.
func NextStatuses(s Status) []Status { return slices.Clone(transitions[s]) }

// CheckTransition returns nil when a ticket may move from one state to the
// other, and otherwise an EINVALID error that says which moves are possible.
func CheckTransition(from, to Status) error {
	if !from.Valid() {
		return Errorf(EINVALID, "unknown current status %q", from)
	}
	if !to.Valid() {
		return Errorf(EINVALID, "unknown status %q; valid statuses: %s", to, joinStatuses(Statuses))
	}
	if from == to {
		return Errorf(EINVALID, "the ticket is already %s", from)
	}
	next := transitions[from]
	if slices.Contains(next, to) {
		return nil
	}
	if len(next) == 0 {
		return Errorf(EINVALID, "cannot move from %s to %s: %s is final and allows no further moves", from, to, from)
	}
	return Errorf(EINVALID, "cannot move from %s to %s; possible moves from %s: %s", from, to, from, joinStatuses(next))
}

func joinStatuses(ss []Status) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}

// Open reports whether a ticket in state s is still being worked: new,
// open, or waiting on the requester or an approval.
func (s Status) Open() bool {
	switch s {
	case StatusNew, StatusOpen, StatusPendingRequester, StatusPendingApproval:
		return true
	}
	return false
}
