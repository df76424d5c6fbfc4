package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"balcao/catalog"
)

// RequestTypeInfo is what a ticket shows of its catalogue request type.
type RequestTypeInfo struct {
	Code    string `json:"code"`
	Title   string `json:"title"`
	Subject string `json:"subject,omitempty" doc:"The email subject the service prescribes for this request type"`
}

func (s *Server) requestTypeInfo(code, lang string) RequestTypeInfo {
	info := RequestTypeInfo{Code: code}
	if s.Catalog == nil {
		return info
	}
	if rt := s.Catalog.RequestType(code); rt != nil {
		info.Title = rt.Title.Get(lang)
		info.Subject = rt.Subject
	}
	return info
}

// ValidationProblem is one missing or invalid value: Field is its key
// path, Message names it by its label and says how to fix it.
type ValidationProblem struct {
	Field   string `json:"field" example:"utente.niss"`
	Label   string `json:"label"`
	Code    string `json:"code" example:"check_digit"`
	Message string `json:"message"`
	Warning bool   `json:"warning,omitempty"`
}

func problemsOut(ps []catalog.FieldProblem) []ValidationProblem {
	out := make([]ValidationProblem, len(ps))
	for i, p := range ps {
		out[i] = ValidationProblem{Field: p.Field, Label: p.Label, Code: p.Code, Message: p.Message, Warning: p.Warning}
	}
	return out
}

// ValidationError is the 422 answer of validation: every problem names the
// field (by key path and label) and says how to fix it.
type ValidationError struct {
	Status   int                 `json:"status"`
	Title    string              `json:"title"`
	Detail   string              `json:"detail"`
	Problems []ValidationProblem `json:"problems"`
}

// Error implements error.
func (e *ValidationError) Error() string { return e.Detail }

// GetStatus gives huma the HTTP status.
func (e *ValidationError) GetStatus() int { return e.Status }

func (s *Server) registerCatalogAPI(api huma.API, security []map[string][]string) {
	huma.Register(api, huma.Operation{
		OperationID: "get-catalog", Method: http.MethodGet, Path: "/api/v1/catalog", Tags: []string{"Catalogue"},
		Summary:     "The service catalogue",
		Description: "Services and their request types with their fields (key, label, type, required, allowed values, nested fields), in the language of Accept-Language.",
		Security:    security,
		Errors:      []int{http.StatusUnauthorized},
	}, s.getCatalog)
	huma.Register(api, huma.Operation{
		OperationID: "validate-request", Method: http.MethodPost, Path: "/api/v1/catalog/{code}/validate", Tags: []string{"Catalogue"},
		Summary: "Validate a request's data",
		Description: "Normalises and checks structured values (and, optionally, attachment descriptions) against a request type. " +
			"200 with the normalised values and any warnings, or 422 with the list of problems, each naming the field and how to fix it, in the language of Accept-Language.",
		Security: security,
		Errors:   []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusUnprocessableEntity},
	}, s.validateRequest)
	huma.Register(api, huma.Operation{
		OperationID: "get-template", Method: http.MethodGet, Path: "/api/v1/catalog/{code}/template.xlsx", Tags: []string{"Catalogue"},
		Summary:     "Download the Excel template",
		Description: "For request types whose data go \"no ficheiro Excel tipo\" (CIT A.1 doctors, A.2 IT staff): the workbook with the heading row, drop-down lists and date cells.",
		Security:    security,
		Errors:      []int{http.StatusUnauthorized, http.StatusNotFound},
		Responses: map[string]*huma.Response{"200": {Description: "The workbook", Content: map[string]*huma.MediaType{
			xlsxType: {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}},
	}, s.getTemplate)
	huma.Register(api, huma.Operation{
		OperationID: "check-template", Method: http.MethodPost, Path: "/api/v1/catalog/{code}/template", Tags: []string{"Catalogue"},
		Summary: "Validate a filled Excel template",
		Description: "Send the workbook as the request body. Columns may come in any order (matched by heading). " +
			"200 with the rows read, or 422 with every problem naming the row and the column (\"linha 3, Número de cédula profissional: …\"). " +
			"A file that is not a workbook, a zip bomb, or a sheet over 5,000 rows is refused with 422 and a message.",
		Security:     security,
		MaxBodyBytes: catalog.MaxTemplateBytes,
		Errors:       []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity},
	}, s.checkTemplate)
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// CatalogInput selects the answer language.
type CatalogInput struct {
	AcceptLanguage string `header:"Accept-Language"`
}

// CatalogOutput is the catalogue in one language.
type CatalogOutput struct {
	Body *catalog.Exported
}

func (s *Server) getCatalog(ctx context.Context, in *CatalogInput) (*CatalogOutput, error) {
	return &CatalogOutput{Body: s.Catalog.Export(language(in.AcceptLanguage))}, nil
}

func (s *Server) requestType(code string) (*catalog.RequestType, error) {
	rt := s.Catalog.RequestType(code)
	if rt == nil {
		return nil, huma.Error404NotFound(fmt.Sprintf("no request type %q in the catalogue; GET /api/v1/catalog lists them", code))
	}
	return rt, nil
}

// AttachmentIn describes an attachment for validation (its content is not needed).
type AttachmentIn struct {
	Filename  string `json:"filename"`
	MediaType string `json:"media_type" example:"image/png"`
	Size      int64  `json:"size,omitempty"`
	Slot      string `json:"slot,omitempty" doc:"Attachment key of the request type; left empty, it is inferred from the media type"`
}

// ValidateInput is a request's data to check.
type ValidateInput struct {
	Code           string `path:"code" example:"cit-d1"`
	AcceptLanguage string `header:"Accept-Language"`
	Body           struct {
		Fields      map[string]string `json:"fields" doc:"Values by key path, e.g. {\"utente.niss\": \"11234567892\"}"`
		Attachments []AttachmentIn    `json:"attachments,omitempty"`
	}
}

// ValidateOutput is a valid request's normalised data.
type ValidateOutput struct {
	Body struct {
		RequestType RequestTypeInfo     `json:"request_type"`
		Fields      map[string]string   `json:"fields" doc:"Normalised values"`
		Warnings    []ValidationProblem `json:"warnings" doc:"Accepted, but worth a second look (e.g. an NNU whose check digit fails)"`
	}
}

func (s *Server) validateRequest(ctx context.Context, in *ValidateInput) (*ValidateOutput, error) {
	rt, err := s.requestType(in.Code)
	if err != nil {
		return nil, err
	}
	lang := language(in.AcceptLanguage)
	atts := make([]catalog.Attachment, len(in.Body.Attachments))
	for i, a := range in.Body.Attachments {
		atts[i] = catalog.Attachment{Filename: a.Filename, MediaType: a.MediaType, Size: a.Size, Slot: a.Slot}
	}
	norm, problems := rt.Validate(in.Body.Fields, atts, lang, s.Clock.Now())
	if errs := catalog.Errors(problems); len(errs) > 0 {
		return nil, &ValidationError{Status: http.StatusUnprocessableEntity, Title: "Unprocessable Entity",
			Detail: validationDetail(lang, len(errs)), Problems: problemsOut(errs)}
	}
	out := &ValidateOutput{}
	out.Body.RequestType = s.requestTypeInfo(rt.Code, lang)
	out.Body.Fields = norm
	out.Body.Warnings = problemsOut(problems)
	return out, nil
}

func validationDetail(lang string, n int) string {
	switch lang {
	case "en":
		return fmt.Sprintf("%d item(s) missing or invalid; each problem says how to fix it.", n)
	case "es":
		return fmt.Sprintf("%d dato(s) en falta o no válidos; cada problema indica cómo corregirlo.", n)
	case "pt-BR":
		return fmt.Sprintf("%d dado(s) faltando ou inválidos; cada problema diz como corrigir.", n)
	}
	return fmt.Sprintf("%d dado(s) em falta ou inválidos; cada problema indica como corrigir.", n)
}

func noRows(lang string) string {
	switch lang {
	case "en":
		return "The workbook has no filled row: fill one line per person below the heading row."
	case "es":
		return "El libro no tiene ninguna línea rellenada: rellene una línea por persona debajo de la fila de encabezados."
	case "pt-BR":
		return "A planilha não tem nenhuma linha preenchida: preencha uma linha por pessoa abaixo da linha de cabeçalho."
	}
	return "O ficheiro não tem nenhuma linha preenchida: preencha uma linha por pessoa abaixo da linha de cabeçalhos."
}

// TemplateInput names a request type.
type TemplateInput struct {
	Code           string `path:"code" example:"cit-a1"`
	AcceptLanguage string `header:"Accept-Language"`
}

// TemplateOutput is a workbook download.
type TemplateOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func (s *Server) getTemplate(ctx context.Context, in *TemplateInput) (*TemplateOutput, error) {
	rt, err := s.requestType(in.Code)
	if err != nil {
		return nil, err
	}
	if !rt.HasTemplate() {
		return nil, huma.Error404NotFound(fmt.Sprintf("request type %s has no Excel template", rt.Code))
	}
	var buf bytes.Buffer
	if err := rt.WriteTemplate(&buf, language(in.AcceptLanguage)); err != nil {
		return nil, s.apiError(err)
	}
	return &TemplateOutput{ContentType: xlsxType, ContentDisposition: contentDisposition(rt.Code + ".xlsx"), Body: buf.Bytes()}, nil
}

// CheckTemplateInput is a filled workbook.
type CheckTemplateInput struct {
	Code           string `path:"code" example:"cit-a1"`
	AcceptLanguage string `header:"Accept-Language"`
	RawBody        []byte `contentType:"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"`
}

// CheckTemplateOutput lists the rows of a valid workbook.
type CheckTemplateOutput struct {
	Body struct {
		Group    string              `json:"group" doc:"Key path of the repeatable group the rows fill"`
		Rows     []map[string]string `json:"rows" doc:"One object per data row, values by field key"`
		Warnings []ValidationProblem `json:"warnings"`
	}
}

func (s *Server) checkTemplate(ctx context.Context, in *CheckTemplateInput) (*CheckTemplateOutput, error) {
	rt, err := s.requestType(in.Code)
	if err != nil {
		return nil, err
	}
	lang := language(in.AcceptLanguage)
	rows, problems, err := rt.ReadTemplate(bytes.NewReader(in.RawBody), int64(len(in.RawBody)), lang)
	var te *catalog.TemplateError
	switch {
	case errors.As(err, &te) && errors.Is(err, catalog.ErrNoTemplate):
		return nil, huma.Error404NotFound(te.Message)
	case errors.As(err, &te):
		return nil, huma.Error422UnprocessableEntity(te.Message)
	case err != nil:
		return nil, s.apiError(err)
	}
	if errs := catalog.Errors(problems); len(errs) > 0 {
		return nil, &ValidationError{Status: http.StatusUnprocessableEntity, Title: "Unprocessable Entity",
			Detail: validationDetail(lang, len(errs)), Problems: problemsOut(errs)}
	}
	if len(rows) == 0 {
		return nil, huma.Error422UnprocessableEntity(noRows(lang))
	}
	out := &CheckTemplateOutput{}
	out.Body.Group = rt.TemplateGroup()
	out.Body.Rows = rows
	out.Body.Warnings = problemsOut(problems)
	if out.Body.Rows == nil {
		out.Body.Rows = []map[string]string{}
	}
	return out, nil
}
