package desk

import (
	"net/http"
	"net/url"
	"strconv"

	"balcao"
)

// unreadLimit bounds the unread notifications counted for the header.
const unreadLimit = 100

// unreadCount is the header's count of a user's unread notifications:
// "" for none, "99+" past 99. A failure to count leaves the header without
// it rather than failing the page.
func (s *Server) unreadCount(r *http.Request, u *balcao.User) string {
	ns, err := s.Store.Notifications(r.Context(), u.ID, true, unreadLimit)
	if err != nil {
		if r.Context().Err() == nil {
			s.Logger.Warn("desk: counting notifications", "user", u.ID, "err", err)
		}
		return ""
	}
	switch n := len(ns); {
	case n == 0:
		return ""
	case n >= unreadLimit:
		return strconv.Itoa(unreadLimit-1) + "+"
	default:
		return strconv.Itoa(n)
	}
}

type notificationRow struct {
	N            *balcao.Notification
	Kind         string
	URL          string
	Created, ISO string
	Unread       bool
}

type notificationsPage struct {
	page
	Rows  []notificationRow
	UpTo  int64
	Count int
}

// notificationsShown is how many notifications the page lists.
const notificationsShown = 100

func (s *Server) notifications(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := &notificationsPage{page: s.newPage(r, v, "notifications.title")}
	if r.URL.Query().Get("done") == "read" {
		p.Status = p.L.T("notifications.done")
	}
	ns, err := s.Store.Notifications(r.Context(), v.User.ID, false, notificationsShown)
	if err != nil {
		s.serverError(w, r, v, err)
		return
	}
	for _, n := range ns {
		row := notificationRow{N: n, Kind: p.L.T("notification.other"), Created: s.formatTime(n.CreatedAt),
			ISO: n.CreatedAt.UTC().Format("2006-01-02T15:04:05Z"), Unread: n.ReadAt.IsZero()}
		if _, ok := messages["notification."+n.Kind]; ok {
			row.Kind = p.L.T("notification." + n.Kind)
		}
		if n.TicketNumber != "" {
			row.URL = "/desk/tickets/" + url.PathEscape(string(n.TicketNumber))
		}
		if row.Unread {
			p.Count++
			if n.ID > p.UpTo {
				p.UpTo = n.ID
			}
		}
		p.Rows = append(p.Rows, row)
	}
	s.render(w, http.StatusOK, "notifications", p)
}

func (s *Server) readNotifications(w http.ResponseWriter, r *http.Request, v *viewer) {
	upTo, err := strconv.ParseInt(r.PostFormValue("up_to"), 10, 64)
	if err != nil || upTo <= 0 {
		http.Redirect(w, r, "/desk/notifications", http.StatusSeeOther)
		return
	}
	if err := s.Store.MarkNotificationsRead(r.Context(), v.User.ID, upTo, s.Clock.Now()); err != nil {
		s.serverError(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/desk/notifications?done=read", http.StatusSeeOther)
}
