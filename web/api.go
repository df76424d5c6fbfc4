package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"balcao"
	"balcao/secret"
)

type ctxKey int

const userKey ctxKey = iota

// registerAPI mounts the REST API under /api/v1 and its OpenAPI document at
// /api/openapi.json.
func (s *Server) registerAPI(mux *http.ServeMux) {
	cfg := huma.DefaultConfig("Balcão API", s.Version)
	cfg.Info.Description = "REST API of Balcão, the service desk: tickets, their structured data, messages and history. " +
		"Authenticate with `Authorization: Bearer <token>`; create a token with `balcao token create`."
	cfg.OpenAPIPath = "/api/openapi"
	cfg.DocsPath = ""    // the default docs page loads scripts from a CDN
	cfg.SchemasPath = "" // schemas are inline in the OpenAPI document
	cfg.Transformers = nil
	cfg.CreateHooks = nil // the default hook adds "$schema" links to every answer
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "An API token made by `balcao token create`."},
	}
	if s.BaseURL != "" {
		cfg.Servers = []*huma.Server{{URL: strings.TrimRight(s.BaseURL, "/")}}
	}
	api := humago.New(mux, cfg)
	api.UseMiddleware(s.authenticate(api))

	security := []map[string][]string{{"bearer": {}}}
	huma.Register(api, huma.Operation{
		OperationID: "list-tickets", Method: http.MethodGet, Path: "/api/v1/tickets", Tags: []string{"Tickets"},
		Summary:     "List tickets",
		Description: "Tickets, most recently updated first, one page at a time. Pass `cursor` from `next_cursor` to get the next page. Requesters see only their own tickets.",
		Security:    security,
		Errors:      []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusUnprocessableEntity},
	}, s.listTickets)
	huma.Register(api, huma.Operation{
		OperationID: "get-ticket", Method: http.MethodGet, Path: "/api/v1/tickets/{number}", Tags: []string{"Tickets"},
		Summary:     "Get a ticket",
		Description: "One ticket with its structured fields, what is still missing, its messages and its history.",
		Security:    security,
		Errors:      []int{http.StatusUnauthorized, http.StatusNotFound},
	}, s.getTicket)
	huma.Register(api, huma.Operation{
		OperationID: "get-attachment", Method: http.MethodGet, Path: "/api/v1/tickets/{number}/attachments/{id}", Tags: []string{"Tickets"},
		Summary:  "Download an attachment",
		Security: security,
		Errors:   []int{http.StatusUnauthorized, http.StatusNotFound},
		Responses: map[string]*huma.Response{"200": {Description: "The file", Content: map[string]*huma.MediaType{
			"application/octet-stream": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}},
	}, s.getAttachment)
	s.registerCatalogAPI(api, security)
	s.registerCalendarAPI(api, security)
	s.registerApprovalAPI(api, security)
	s.registerPriorityAPI(api, security)
	s.registerRatingAPI(api, security)
	s.registerReopenAPI(api, security)
	s.registerReportAPI(api, security)
}

// authenticate accepts `Authorization: Bearer <token>` on every operation
// that declares the bearer scheme, and answers 401 otherwise.
func (s *Server) authenticate(api huma.API) func(ctx huma.Context, next func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		op := ctx.Operation()
		if op == nil || len(op.Security) == 0 {
			next(ctx)
			return
		}
		fail := func(msg string) {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="balcao"`)
			huma.WriteErr(api, ctx, http.StatusUnauthorized, msg)
		}
		h := ctx.Header("Authorization")
		scheme, token, ok := strings.Cut(h, " ")
		if h == "" {
			fail("Authorization header missing: send `Authorization: Bearer <token>` with a token from `balcao token create`.")
			return
		}
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			fail("Authorization header malformed: use the form `Bearer <token>`.")
			return
		}
		_, user, err := s.Store.TokenByHash(ctx.Context(), secret.TokenHash(token), s.Clock.Now())
		if err != nil {
			if !balcao.IsNotFound(err) {
				s.Logger.Error("token lookup", "err", err)
				huma.WriteErr(api, ctx, http.StatusInternalServerError, "internal error")
				return
			}
			fail("The token is not valid: it is unknown or was revoked.")
			return
		}
		next(huma.WithValue(ctx, userKey, user))
	}
}

func currentUser(ctx context.Context) *balcao.User {
	u, _ := ctx.Value(userKey).(*balcao.User)
	return u
}

// apiError maps a domain error to an HTTP error; internal details are
// logged, never returned.
func (s *Server) apiError(err error) error {
	switch balcao.ErrorCode(err) {
	case balcao.ENOTFOUND:
		return huma.Error404NotFound(balcao.ErrorMessage(err))
	case balcao.EINVALID:
		return huma.Error422UnprocessableEntity(balcao.ErrorMessage(err))
	case balcao.ECONFLICT:
		return huma.Error409Conflict(balcao.ErrorMessage(err))
	case balcao.EUNAUTHORIZED:
		return huma.Error401Unauthorized(balcao.ErrorMessage(err))
	case balcao.EFORBIDDEN:
		return huma.Error403Forbidden(balcao.ErrorMessage(err))
	}
	if errors.Is(err, context.Canceled) {
		return huma.NewError(499, "request cancelled")
	}
	s.Logger.Error("api", "err", err)
	return huma.Error500InternalServerError("internal error")
}

// --- representations ---

// PersonRef names a person.
type PersonRef struct {
	Email string `json:"email" format:"email"`
	Name  string `json:"name"`
}

// CodeRef names an organisation or team.
type CodeRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// TicketSummary is a ticket as it appears in lists.
type TicketSummary struct {
	Number       string           `json:"number" example:"SD-2026-000123"`
	Subject      string           `json:"subject"`
	Status       balcao.Status    `json:"status" enum:"new,open,pending_requester,pending_approval,resolved,closed,cancelled,merged"`
	StatusLabel  string           `json:"status_label" doc:"The state's name in the language of Accept-Language (pt-PT by default)"`
	Priority     int              `json:"priority" minimum:"1" maximum:"5" doc:"ITIL priority from impact and urgency: 1 critical … 5 planning"`
	Impact       int              `json:"impact" minimum:"1" maximum:"3"`
	Urgency      int              `json:"urgency" minimum:"1" maximum:"3"`
	Channel      balcao.Channel   `json:"channel" enum:"email,portal,phone,api"`
	Language     string           `json:"language"`
	RequestType  *RequestTypeInfo `json:"request_type" doc:"null while the ticket is not classified"`
	Requester    PersonRef        `json:"requester"`
	Organisation *CodeRef         `json:"organisation"`
	Team         *CodeRef         `json:"team"`
	Assignee     *PersonRef       `json:"assignee"`
	ReopenCount  int              `json:"reopen_count"`
	CreatedAt    time.Time        `json:"created_at"`
	UpdatedAt    time.Time        `json:"updated_at"`
	DueAt        *time.Time       `json:"due_at"`
	ResolvedAt   *time.Time       `json:"resolved_at"`
	ClosedAt     *time.Time       `json:"closed_at"`
}

// TicketDetail is a ticket with its data, thread and history.
type TicketDetail struct {
	TicketSummary
	Fields        map[string]string     `json:"fields" doc:"Structured values by key path, e.g. utente.niss"`
	MissingFields []balcao.FieldProblem `json:"missing_fields" doc:"What is still missing or invalid, and how to fix it"`
	SLA           SLAOut                `json:"sla"`
	Messages      []MessageOut          `json:"messages"`
	Events        []EventOut            `json:"events"`
}

// MessageOut is one message of a thread.
type MessageOut struct {
	ID          int64            `json:"id"`
	Direction   balcao.Direction `json:"direction" enum:"in,out,note"`
	Channel     balcao.Channel   `json:"channel" enum:"email,portal,phone,api"`
	From        string           `json:"from"`
	FromName    string           `json:"from_name,omitempty"`
	Subject     string           `json:"subject,omitempty"`
	Text        string           `json:"text"`
	Auto        bool             `json:"auto" doc:"Written by a machine (auto-reply, acknowledgement)"`
	CreatedAt   time.Time        `json:"created_at"`
	Attachments []AttachmentOut  `json:"attachments"`
}

// AttachmentOut describes an attachment and where to download it.
type AttachmentOut struct {
	ID        int64  `json:"id"`
	Filename  string `json:"filename"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
	URL       string `json:"url"`
}

// EventOut is one entry of a ticket's history.
type EventOut struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Kind   string    `json:"kind"`
	Field  string    `json:"field,omitempty"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to,omitempty"`
	Reason string    `json:"reason,omitempty"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (s *Server) summary(t *balcao.Ticket, lang string) TicketSummary {
	out := TicketSummary{
		Number: string(t.Number), Subject: t.Subject, Status: t.Status, StatusLabel: t.Status.Label(lang),
		Priority: t.Priority, Impact: t.Impact, Urgency: t.Urgency, Channel: t.Channel, Language: t.Language,
		Requester:   PersonRef{Email: t.RequesterEmail, Name: t.RequesterName},
		ReopenCount: t.ReopenCount, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
		DueAt: optTime(t.DueAt), ResolvedAt: optTime(t.ResolvedAt), ClosedAt: optTime(t.ClosedAt),
	}
	if t.RequestType != "" {
		info := s.requestTypeInfo(t.RequestType, lang)
		out.RequestType = &info
	}
	if t.OrganisationID != 0 {
		out.Organisation = &CodeRef{Code: t.OrganisationCode, Name: t.OrganisationName}
	}
	if t.TeamID != 0 {
		out.Team = &CodeRef{Code: t.TeamCode, Name: t.TeamName}
	}
	if t.AssigneeID != 0 {
		out.Assignee = &PersonRef{Email: t.AssigneeEmail, Name: t.AssigneeName}
	}
	return out
}

// language picks the answer language from Accept-Language among the four
// the product speaks; pt-PT is the default.
func language(header string) string {
	best, bestQ := "pt-PT", -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		var lang string
		switch t := strings.ToLower(tag); {
		case t == "pt-br":
			lang = "pt-BR"
		case t == "pt" || strings.HasPrefix(t, "pt-"):
			lang = "pt-PT"
		case t == "en" || strings.HasPrefix(t, "en-"):
			lang = "en"
		case t == "es" || strings.HasPrefix(t, "es-"):
			lang = "es"
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

// --- handlers ---

// ListTicketsInput are the filters of GET /api/v1/tickets.
type ListTicketsInput struct {
	Status         []string `query:"status" explode:"false" doc:"Only tickets in these states (comma-separated)" example:"open,pending_requester"`
	Requester      string   `query:"requester" doc:"Only tickets of this requester (email)"`
	RequestType    string   `query:"request_type" doc:"Only tickets of this request type (catalogue code)"`
	UpdatedSince   string   `query:"updated_since" doc:"Only tickets updated at or after this time (RFC 3339)" example:"2026-03-01T00:00:00Z"`
	Cursor         string   `query:"cursor" doc:"next_cursor of the previous page"`
	Limit          int      `query:"limit" minimum:"1" maximum:"200" default:"50"`
	AcceptLanguage string   `header:"Accept-Language"`
}

// ListTicketsOutput is a page of tickets.
type ListTicketsOutput struct {
	Link string `header:"Link" doc:"RFC 8288 link to the next page, when there is one"`
	Body struct {
		Tickets    []TicketSummary `json:"tickets"`
		NextCursor string          `json:"next_cursor,omitempty" doc:"Pass as cursor to get the next page; absent on the last page"`
	}
}

func (s *Server) listTickets(ctx context.Context, in *ListTicketsInput) (*ListTicketsOutput, error) {
	user := currentUser(ctx)
	f := balcao.TicketFilter{RequesterEmail: in.Requester, RequestType: in.RequestType, Cursor: in.Cursor, Limit: in.Limit}
	for _, st := range in.Status {
		for _, part := range strings.Split(st, ",") {
			if part = strings.TrimSpace(part); part != "" {
				f.Statuses = append(f.Statuses, balcao.Status(part))
			}
		}
	}
	for _, st := range f.Statuses {
		if !st.Valid() {
			return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("status: %q is not a state; use new, open, pending_requester, pending_approval, resolved, closed, cancelled or merged", st),
				&huma.ErrorDetail{Location: "query.status", Value: st, Message: "unknown state"})
		}
	}
	if in.UpdatedSince != "" {
		t, err := time.Parse(time.RFC3339, in.UpdatedSince)
		if err != nil {
			return nil, huma.Error422UnprocessableEntity("updated_since: use an RFC 3339 time such as 2026-03-01T00:00:00Z",
				&huma.ErrorDetail{Location: "query.updated_since", Value: in.UpdatedSince, Message: "not an RFC 3339 time"})
		}
		f.UpdatedSince = t
	}
	if !user.Role.IsStaff() {
		// Requesters see their own tickets only, whatever they ask for.
		f.RequesterEmail = user.Email
	}
	page, err := s.Store.ListTickets(ctx, f)
	if err != nil {
		return nil, s.apiError(err)
	}
	lang := language(in.AcceptLanguage)
	out := &ListTicketsOutput{}
	out.Body.Tickets = make([]TicketSummary, 0, len(page.Tickets))
	for _, t := range page.Tickets {
		out.Body.Tickets = append(out.Body.Tickets, s.summary(t, lang))
	}
	out.Body.NextCursor = page.Next
	if page.Next != "" {
		out.Link = fmt.Sprintf(`<%s>; rel="next"`, s.nextURL(in, page.Next))
	}
	return out, nil
}

func (s *Server) nextURL(in *ListTicketsInput, cursor string) string {
	q := make([]string, 0, 6)
	add := func(k, v string) {
		if v != "" {
			q = append(q, k+"="+urlQueryEscape(v))
		}
	}
	add("status", strings.Join(in.Status, ","))
	add("requester", in.Requester)
	add("request_type", in.RequestType)
	add("updated_since", in.UpdatedSince)
	add("limit", strconv.Itoa(in.Limit))
	add("cursor", cursor)
	return strings.TrimRight(s.BaseURL, "/") + "/api/v1/tickets?" + strings.Join(q, "&")
}

// TicketInput names a ticket.
type TicketInput struct {
	Number         string `path:"number" doc:"Ticket number" example:"SD-2026-000123"`
	AcceptLanguage string `header:"Accept-Language"`
}

// TicketOutput is one ticket.
type TicketOutput struct {
	Body TicketDetail
}

// visibleTicket loads a ticket the current user may see. A ticket another
// requester owns is "not found", so its existence is not disclosed.
func (s *Server) visibleTicket(ctx context.Context, number string) (*balcao.Ticket, error) {
	n, err := balcao.ParseTicketNumber(number)
	if err != nil {
		return nil, huma.Error404NotFound(balcao.ErrorMessage(err))
	}
	t, err := s.Store.TicketByNumber(ctx, n)
	if err != nil {
		return nil, s.apiError(err)
	}
	if u := currentUser(ctx); !u.Role.IsStaff() && t.RequesterID != u.ID {
		return nil, huma.Error404NotFound(fmt.Sprintf("no ticket %s", n))
	}
	return t, nil
}

func (s *Server) getTicket(ctx context.Context, in *TicketInput) (*TicketOutput, error) {
	t, err := s.visibleTicket(ctx, in.Number)
	if err != nil {
		return nil, err
	}
	staff := currentUser(ctx).Role.IsStaff()
	msgs, err := s.Store.Messages(ctx, t.ID)
	if err != nil {
		return nil, s.apiError(err)
	}
	evs, err := s.Store.Events(ctx, t.ID)
	if err != nil {
		return nil, s.apiError(err)
	}
	lang := language(in.AcceptLanguage)
	d := TicketDetail{TicketSummary: s.summary(t, lang), Fields: t.Fields, MissingFields: t.Missing,
		Messages: make([]MessageOut, 0, len(msgs)), Events: make([]EventOut, 0, len(evs))}
	if d.MissingFields == nil {
		d.MissingFields = []balcao.FieldProblem{}
	}
	d.SLA = s.sla(t, msgs, evs)
	for _, m := range msgs {
		if m.Direction == balcao.DirectionNote && !staff {
			continue
		}
		mo := MessageOut{ID: m.ID, Direction: m.Direction, Channel: m.Channel, From: m.FromAddr, FromName: m.FromName,
			Subject: m.Subject, Text: m.Text, Auto: m.Auto, CreatedAt: m.CreatedAt, Attachments: make([]AttachmentOut, 0, len(m.Attachments))}
		for _, a := range m.Attachments {
			mo.Attachments = append(mo.Attachments, AttachmentOut{ID: a.ID, Filename: a.Filename, MediaType: a.MediaType, Size: a.Size,
				SHA256: a.SHA256, URL: fmt.Sprintf("%s/api/v1/tickets/%s/attachments/%d", strings.TrimRight(s.BaseURL, "/"), t.Number, a.ID)})
		}
		d.Messages = append(d.Messages, mo)
	}
	for _, e := range evs {
		if !staff && e.Kind == balcao.EventMessage && e.Field == string(balcao.DirectionNote) {
			continue
		}
		d.Events = append(d.Events, EventOut{At: e.CreatedAt, Actor: e.ActorName, Kind: string(e.Kind), Field: e.Field, From: e.From, To: e.To, Reason: e.Reason})
	}
	return &TicketOutput{Body: d}, nil
}

// AttachmentInput names an attachment of a ticket.
type AttachmentInput struct {
	Number string `path:"number"`
	ID     int64  `path:"id"`
}

// AttachmentOutput is a file download.
type AttachmentOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	ContentTypeOptions string `header:"X-Content-Type-Options"`
	Body               []byte
}

func (s *Server) getAttachment(ctx context.Context, in *AttachmentInput) (*AttachmentOutput, error) {
	t, err := s.visibleTicket(ctx, in.Number)
	if err != nil {
		return nil, err
	}
	msgs, err := s.Store.Messages(ctx, t.ID)
	if err != nil {
		return nil, s.apiError(err)
	}
	staff := currentUser(ctx).Role.IsStaff()
	for _, m := range msgs {
		if m.Direction == balcao.DirectionNote && !staff {
			continue
		}
		for _, a := range m.Attachments {
			if a.ID != in.ID {
				continue
			}
			data, err := s.Store.Blob(ctx, a.SHA256)
			if err != nil {
				return nil, s.apiError(err)
			}
			// Always a download, never rendered inline: attachments come
			// from strangers and could be HTML or SVG with scripts.
			return &AttachmentOutput{ContentType: "application/octet-stream", ContentTypeOptions: "nosniff",
				ContentDisposition: contentDisposition(a.Filename), Body: data}, nil
		}
	}
	return nil, huma.Error404NotFound(fmt.Sprintf("ticket %s has no attachment %d", t.Number, in.ID))
}
