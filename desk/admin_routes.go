package desk

import "net/http"

// registerAdmin adds the search, notification and administration pages.
func (s *Server) registerAdmin(mux *http.ServeMux) {
	mux.HandleFunc("GET /desk/search", s.staff(s.search))
	mux.HandleFunc("GET /desk/notifications", s.staff(s.notifications))
	mux.HandleFunc("POST /desk/notifications/read", s.staff(s.readNotifications))
}

func init() {
	pageNames = append(pageNames, "search", "notifications")
	for k, m := range adminMessages {
		if _, dup := messages[k]; dup {
			panic("desk: message " + k + " defined twice")
		}
		messages[k] = m
	}
}
