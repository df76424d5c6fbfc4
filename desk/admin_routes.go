package desk

import "net/http"

// registerAdmin adds the search, notification and administration pages.
func (s *Server) registerAdmin(mux *http.ServeMux) {
	mux.HandleFunc("GET /desk/search", s.staff(s.search))
	mux.HandleFunc("GET /desk/notifications", s.staff(s.notifications))
	mux.HandleFunc("POST /desk/notifications/read", s.staff(s.readNotifications))

	mux.HandleFunc("GET /desk/admin/{$}", s.admin(s.adminIndex))
	mux.HandleFunc("GET /desk/admin/users", s.admin(s.adminUsers))
	mux.HandleFunc("POST /desk/admin/users", s.admin(s.adminCreateUser))
	mux.HandleFunc("POST /desk/admin/users/{id}/role", s.admin(s.adminSetRole))
	mux.HandleFunc("POST /desk/admin/users/{id}/disable", s.admin(s.adminSetDisabled(true)))
	mux.HandleFunc("POST /desk/admin/users/{id}/enable", s.admin(s.adminSetDisabled(false)))
	mux.HandleFunc("GET /desk/admin/teams", s.admin(s.adminTeams))
	mux.HandleFunc("POST /desk/admin/teams/{code}/members", s.admin(s.adminAddMember))
	mux.HandleFunc("POST /desk/admin/teams/{code}/members/{id}/remove", s.admin(s.adminRemoveMember))
	mux.HandleFunc("GET /desk/admin/organisations", s.admin(s.adminOrganisations))
	mux.HandleFunc("GET /desk/admin/tokens", s.admin(s.adminTokens))
	mux.HandleFunc("POST /desk/admin/tokens", s.admin(s.adminCreateToken))
	mux.HandleFunc("POST /desk/admin/tokens/{id}/revoke", s.admin(s.adminRevokeToken))
	mux.HandleFunc("GET /desk/admin/mail", s.admin(s.adminMail))
	mux.HandleFunc("GET /desk/admin/catalogue", s.admin(s.adminCatalogue))
}

func init() {
	pageNames = append(pageNames, "search", "notifications", "admin", "admin_users", "admin_teams",
		"admin_organisations", "admin_tokens", "admin_mail", "admin_catalogue")
	for k, m := range adminMessages {
		if _, dup := messages[k]; dup {
			panic("desk: message " + k + " defined twice")
		}
		messages[k] = m
	}
}
