package desk

import (
	"net/http"
	"strconv"

	"balcao"
)

type cannedRow struct {
	C    *balcao.CannedResponse
	Type string
}

type cannedPage struct {
	page
	Rows  []cannedRow
	Types []optGroup
	Edit  balcao.CannedResponse
}

func canManageCanned(v *viewer) bool {
	return v.User.Role == balcao.RoleSupervisor || v.User.Role == balcao.RoleAdmin
}

func (s *Server) newCannedPage(r *http.Request, v *viewer, edit balcao.CannedResponse) (*cannedPage, error) {
	p := &cannedPage{page: s.newPage(r, v, "canned.title"), Edit: edit}
	p.Here = "/desk/canned"
	list, err := s.Store.CannedResponses(r.Context(), "", true)
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		row := cannedRow{C: c, Type: p.L.T("canned.any")}
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
	c := balcao.CannedResponse{RequestType: r.PostFormValue("request_type"), Title: r.PostFormValue("title"), Text: r.PostFormValue("text"),
		UpdatedBy: v.actor().Name, UpdatedAt: s.Clock.Now()}
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
	if isBlank(c.Text) {
		p.addError("text", p.L.T("canned.text.empty"))
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

func isBlank(s string) bool {
	for _, r := range s {
		if r != ' ' && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}
