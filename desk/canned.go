package desk

import (
	"context"
	"net/http"
	"strconv"

	"balcao"
	"balcao/catalog"
)

type cannedRow struct {
	C     *balcao.CannedResponse
	Type  string
	Texts []cannedText // the languages written, in CannedLanguages order
}

// cannedText is a canned response's text in one language, as a form's
// textarea or a row of the list.
type cannedText struct {
	Lang, Name, Label, Text string
}

type cannedPage struct {
	page
	Rows  []cannedRow
	Types []optGroup
	Edit  balcao.CannedResponse
	Texts []cannedText // the form's textareas, one per language
}

// cannedTexts lists texts by language in CannedLanguages order; with all,
// the languages without a text too (the form's textareas).
func cannedTexts(texts map[string]string, l Localizer, all bool) []cannedText {
	var out []cannedText
	for _, lang := range balcao.CannedLanguages {
		if t, ok := texts[lang]; ok || all {
			out = append(out, cannedText{Lang: lang, Name: languageNames[lang], Label: l.T("canned.text.in", languageNames[lang]), Text: t})
		}
	}
	return out
}

func canManageCanned(v *viewer) bool {
	return v.User.Role == balcao.RoleSupervisor || v.User.Role == balcao.RoleAdmin
}

func (s *Server) newCannedPage(r *http.Request, v *viewer, edit balcao.CannedResponse) (*cannedPage, error) {
	p := &cannedPage{page: s.newPage(r, v, "canned.title"), Edit: edit}
	p.Texts = cannedTexts(edit.Texts, p.L, true)
	p.Here = "/desk/canned"
	list, err := s.Store.CannedResponses(r.Context(), "", true)
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		row := cannedRow{C: c, Type: p.L.T("canned.any"), Texts: cannedTexts(c.Texts, p.L, false)}
		if c.RequestType != "" {
			row.Type = s.requestTypeTitle(c.RequestType, p.L)
		}
		p.Rows = append(p.Rows, row)
	}
	p.Types = []optGroup{{Options: []option{{"", p.L.T("canned.any"), edit.RequestType == ""}}}}
	if s.Catalog != nil {
		for _, sv := range s.Catalog.Services {
			g := optGroup{Label: sv.Name.Get(p.L.Lang)}
			for _, rt := range sv.RequestTypes {
				if !rt.Disabled {
					g.Options = append(g.Options, option{rt.Code, rt.Title.Get(p.L.Lang), rt.Code == edit.RequestType})
				}
			}
			if len(g.Options) > 0 {
				p.Types = append(p.Types, g)
			}
		}
	}
	return p, nil
}

// cannedPage lists the canned responses with a form to add one or edit
// the one named by ?edit=.
func (s *Server) cannedPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !canManageCanned(v) {
		s.renderError(w, r, v, http.StatusForbidden, "canned.forbidden")
		return
	}
	var edit balcao.CannedResponse
	if id, err := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64); err == nil {
		list, err := s.Store.CannedResponses(r.Context(), "", true)
		if err != nil {
			s.serverError(w, r, v, err)
			return
		}
		for _, c := range list {
			if c.ID == id {
				edit = *c
			}
		}
	}
	p, err := s.newCannedPage(r, v, edit)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	if done := r.URL.Query().Get("done"); done == "canned_saved" || done == "canned_deleted" {
		p.Status = p.L.T("done." + done)
	}
	s.render(w, http.StatusOK, "canned", p)
}

func (s *Server) saveCanned(w http.ResponseWriter, r *http.Request, v *viewer) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if !canManageCanned(v) {
		s.renderError(w, r, v, http.StatusForbidden, "canned.forbidden")
		return
	}
	c := balcao.CannedResponse{RequestType: r.PostFormValue("request_type"), Title: r.PostFormValue("title"), Texts: map[string]string{},
		UpdatedBy: v.actor().Name, UpdatedAt: s.Clock.Now()}
	written := false
	for _, lang := range balcao.CannedLanguages {
		t := r.PostFormValue("text." + lang)
		c.Texts[lang] = t
		written = written || !isBlank(t)
	}
	c.ID, _ = strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	p, err := s.newCannedPage(r, v, c)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	if c.RequestType != "" && (s.Catalog == nil || s.Catalog.RequestType(c.RequestType) == nil) {
		p.addError("request_type", p.L.T("canned.type.invalid"))
	}
	if isBlank(c.Title) {
		p.addError("title", p.L.T("canned.title.empty"))
	}
	if !written {
		p.addError("text-"+balcao.CannedLanguages[0], p.L.T("canned.text.empty"))
	}
	if len(p.Errors) > 0 {
		s.render(w, http.StatusUnprocessableEntity, "canned", p)
		return
	}
	if err := s.Store.SaveCannedResponse(r.Context(), &c); err != nil {
		s.serverError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/desk/canned?done=canned_saved", http.StatusSeeOther)
}

func (s *Server) deleteCanned(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !canManageCanned(v) {
		s.renderError(w, r, v, http.StatusForbidden, "canned.forbidden")
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := s.Store.DeleteCannedResponse(r.Context(), id); err != nil {
		s.serverError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/desk/canned?done=canned_deleted", http.StatusSeeOther)
}

// replyLanguages are the languages to look for a canned response's text
// in, for an answer on ticket t: the requester's (the ticket's language, or
// the requester's own when the ticket has none), then the service's
// default. CannedResponse.TextIn falls back to pt-PT, then any.
func (s *Server) replyLanguages(ctx context.Context, t *balcao.Ticket) ([]string, error) {
	var langs []string
	if l := catalog.NormLang(t.Language); l != "" {
		langs = append(langs, l)
	} else if t.RequesterID != 0 {
		u, err := s.Store.UserByID(ctx, t.RequesterID)
		if err != nil && balcao.ErrorCode(err) != balcao.ENOTFOUND {
			return nil, err
		}
		if u != nil && catalog.NormLang(u.Language) != "" {
			langs = append(langs, catalog.NormLang(u.Language))
		}
	}
	if s.Catalog != nil {
		if sv := s.Catalog.Service(t.Service); sv != nil && catalog.NormLang(sv.Language) != "" {
			langs = append(langs, catalog.NormLang(sv.Language))
		} else if rt := s.Catalog.RequestType(t.RequestType); rt != nil {
			langs = append(langs, rt.Language())
		}
	}
	return langs, nil
}

func isBlank(s string) bool {
	for _, r := range s {
		if r != ' ' && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}
