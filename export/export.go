// Package export writes a list of tickets as a spreadsheet a supervisor
// can open: CSV (RFC 4180, UTF-8 with a byte-order mark so Excel reads the
// accents right) or XLSX (dates as real date cells, identifiers as text so
// leading zeros stay). Column headers come in pt-PT, pt-BR, en and es.
//
// Both writers take the tickets as an iterator, so a long list can be
// streamed from the store page by page without holding it all.
package export

import (
	"iter"
	"strconv"
	"time"

	"balcao"
)

// Languages are the languages of the column headers; the first is the
// default.
var Languages = []string{"pt-PT", "pt-BR", "en", "es"}

// Options say how to write a list.
type Options struct {
	// Lang is the language of the headers and state names (Languages);
	// pt-PT when empty or unknown.
	Lang string
	// Comma separates CSV fields: ',' (the default) or ';' (what Excel
	// expects where the decimal separator is a comma).
	Comma rune
	// Location is the time zone dates are written in; UTC when nil.
	Location *time.Location
}

func (o Options) lang() string {
	for _, l := range Languages {
		if l == o.Lang {
			return l
		}
	}
	return Languages[0]
}

func (o Options) loc() *time.Location {
	if o.Location == nil {
		return time.UTC
	}
	return o.Location
}

// Slice returns the tickets of a slice as the iterator the writers take.
func Slice(tickets []*balcao.Ticket) iter.Seq2[*balcao.Ticket, error] {
	return func(yield func(*balcao.Ticket, error) bool) {
		for _, t := range tickets {
			if !yield(t, nil) {
				return
			}
		}
	}
}

// kind is how a column's values are written.
type kind int

const (
	text   kind = iota // kept as text, however it looks
	number             // a whole number
	date               // a time; empty when zero
)

// column is one column of the list.
type column struct {
	key    string
	kind   kind
	width  float64 // in XLSX, in characters
	header map[string]string
	text   func(t *balcao.Ticket, lang string) string
	num    func(t *balcao.Ticket) int
	time   func(t *balcao.Ticket) time.Time
}

func h(ptPT, ptBR, en, es string) map[string]string {
	return map[string]string{"pt-PT": ptPT, "pt-BR": ptBR, "en": en, "es": es}
}

var columns = []column{
	{key: "number", kind: text, width: 16, header: h("Número", "Número", "Number", "Número"),
		text: func(t *balcao.Ticket, _ string) string { return string(t.Number) }},
	{key: "subject", kind: text, width: 48, header: h("Assunto", "Assunto", "Subject", "Asunto"),
		text: func(t *balcao.Ticket, _ string) string { return t.Subject }},
	{key: "request_type", kind: text, width: 14, header: h("Tipo de pedido", "Tipo de solicitação", "Request type", "Tipo de solicitud"),
		text: func(t *balcao.Ticket, _ string) string { return t.RequestType }},
	{key: "service", kind: text, width: 12, header: h("Serviço", "Serviço", "Service", "Servicio"),
		text: func(t *balcao.Ticket, _ string) string { return t.Service }},
	{key: "status", kind: text, width: 24, header: h("Estado", "Status", "Status", "Estado"),
		text: func(t *balcao.Ticket, lang string) string { return t.Status.Label(lang) }},
	{key: "priority", kind: number, width: 10, header: h("Prioridade", "Prioridade", "Priority", "Prioridad"),
		num: func(t *balcao.Ticket) int { return t.Priority }},
	{key: "channel", kind: text, width: 10, header: h("Canal", "Canal", "Channel", "Canal"),
		text: func(t *balcao.Ticket, _ string) string { return string(t.Channel) }},
	{key: "requester_name", kind: text, width: 24, header: h("Requerente", "Solicitante", "Requester", "Solicitante"),
		text: func(t *balcao.Ticket, _ string) string { return t.RequesterName }},
	{key: "requester_email", kind: text, width: 28, header: h("Email do requerente", "E-mail do solicitante", "Requester email", "Correo del solicitante"),
		text: func(t *balcao.Ticket, _ string) string { return t.RequesterEmail }},
	{key: "organisation_code", kind: text, width: 14, header: h("Código da organização", "Código da organização", "Organisation code", "Código de la organización"),
		text: func(t *balcao.Ticket, _ string) string { return t.OrganisationCode }},
	{key: "organisation", kind: text, width: 28, header: h("Organização", "Organização", "Organisation", "Organización"),
		text: func(t *balcao.Ticket, _ string) string { return t.OrganisationName }},
	{key: "team", kind: text, width: 20, header: h("Equipa", "Equipe", "Team", "Equipo"),
		text: func(t *balcao.Ticket, _ string) string { return t.TeamName }},
	{key: "assignee", kind: text, width: 24, header: h("Responsável", "Responsável", "Assignee", "Responsable"),
		text: func(t *balcao.Ticket, _ string) string { return t.AssigneeName }},
	{key: "created_at", kind: date, width: 17, header: h("Criado em", "Criado em", "Created", "Creado"),
		time: func(t *balcao.Ticket) time.Time { return t.CreatedAt }},
	{key: "updated_at", kind: date, width: 17, header: h("Atualizado em", "Atualizado em", "Updated", "Actualizado"),
		time: func(t *balcao.Ticket) time.Time { return t.UpdatedAt }},
	{key: "first_response_at", kind: date, width: 17, header: h("Primeira resposta", "Primeira resposta", "First response", "Primera respuesta"),
		time: func(t *balcao.Ticket) time.Time { return t.FirstResponseAt }},
	{key: "due_at", kind: date, width: 17, header: h("Prazo", "Prazo", "Due", "Vencimiento"),
		time: func(t *balcao.Ticket) time.Time { return t.DueAt }},
	{key: "resolved_at", kind: date, width: 17, header: h("Resolvido em", "Resolvido em", "Resolved", "Resuelto"),
		time: func(t *balcao.Ticket) time.Time { return t.ResolvedAt }},
	{key: "closed_at", kind: date, width: 17, header: h("Fechado em", "Fechado em", "Closed", "Cerrado"),
		time: func(t *balcao.Ticket) time.Time { return t.ClosedAt }},
}

// Headers returns the column headers in a language (pt-PT when unknown).
func Headers(lang string) []string {
	lang = Options{Lang: lang}.lang()
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = c.header[lang]
	}
	return out
}

// dateLayout is how CSV writes dates: ISO 8601 to the minute, which Excel
// and LibreOffice read as dates in every locale.
const dateLayout = "2006-01-02 15:04"

// cellText returns a column's value for a ticket as text.
func (c *column) cellText(t *balcao.Ticket, lang string, loc *time.Location) string {
	switch c.kind {
	case number:
		return strconv.Itoa(c.num(t))
	case date:
		v := c.time(t)
		if v.IsZero() {
			return ""
		}
		return v.In(loc).Format(dateLayout)
	}
	return c.text(t, lang)
}
