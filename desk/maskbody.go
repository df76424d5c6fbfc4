package desk

import (
	"net/http"
	"time"
	"unicode"

	"balcao"
)

// bodyMasker hides, in the texts of a ticket's messages, the personal
// identifiers its fields hold (NISS, NNU, CPF…) that the viewer has not
// revealed: wherever they are written with their digits, with or without
// spaces, dots, dashes or slashes between them, and not inside a longer
// number. The reveal of a field shows it in the thread too.
type bodyMasker struct{ secrets [][]rune }

func newBodyMasker(rows []fieldRow) *bodyMasker {
	m := &bodyMasker{}
	for _, row := range rows {
		if !row.Masked {
			continue
		}
		var digits []rune
		for _, r := range row.Value {
			if unicode.IsDigit(r) || unicode.IsLetter(r) {
				digits = append(digits, unicode.ToUpper(r))
			}
		}
		if len(digits) >= 5 {
			m.secrets = append(m.secrets, digits)
		}
	}
	return m
}

func isSeparator(r rune) bool { return r == ' ' || r == '.' || r == '-' || r == '/' || r == '\u00a0' }

func isAlnum(r rune) bool { return unicode.IsDigit(r) || unicode.IsLetter(r) }

// Mask returns s with each occurrence of a secret replaced by bullets but
// its last three characters.
func (m *bodyMasker) Mask(s string) string {
	if m == nil || len(m.secrets) == 0 || s == "" {
		return s
	}
	text := []rune(s)
	for _, secret := range m.secrets {
		for i := 0; i < len(text); i++ {
			if i > 0 && isAlnum(text[i-1]) {
				continue
			}
			end, ok := matchAt(text, i, secret)
			if !ok || (end < len(text) && isAlnum(text[end])) {
				continue
			}
			// Keep the last three characters of the secret visible.
			keep, n := 3, 0
			for j := end - 1; j >= i; j-- {
				if isSeparator(text[j]) {
					continue
				}
				if n >= keep {
					text[j] = '•'
				}
				n++
			}
			i = end - 1
		}
	}
	return string(text)
}

// matchAt reports whether secret is written at text[i:], separators allowed
// between its characters, and where it ends.
func matchAt(text []rune, i int, secret []rune) (int, bool) {
	k := 0
	j := i
	for j < len(text) && k < len(secret) {
		switch {
		case unicode.ToUpper(text[j]) == secret[k]:
			k++
			j++
		case k > 0 && isSeparator(text[j]):
			j++
		default:
			return 0, false
		}
	}
	return j, k == len(secret)
}

// maskerFor builds the masker of a ticket for a viewer: their reveals of
// the last minutes show the values.
func (s *Server) maskerFor(r *http.Request, v *viewer, t *balcao.Ticket) (*bodyMasker, error) {
	events, err := s.Store.Events(r.Context(), t.ID)
	if err != nil {
		return nil, err
	}
	rows, _ := s.fieldRows(t, Localizer{Lang: languages[0]}, revealedBy(events, v.User.ID, s.Clock.Now()))
	return newBodyMasker(rows), nil
}

// revealedBy lists the fields a user revealed within the reveal window.
func revealedBy(events []*balcao.Event, userID int64, now time.Time) map[string]bool {
	revealed := map[string]bool{}
	for _, e := range events {
		if e.Kind == balcao.EventReveal && e.ActorID == userID && now.Sub(e.CreatedAt) < revealWindow {
			revealed[e.Field] = true
		}
	}
	return revealed
}
