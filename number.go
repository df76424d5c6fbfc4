package balcao

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// TicketNumber is the human identifier of a ticket, such as SD-2026-000123:
// a prefix, the year the ticket was created and a per-year sequence padded to
// six digits. It contains only ASCII letters, digits and hyphens, so it is
// safe in an email subject, a URL path and a file name. Numbers are never
// reused: the storage layer draws the sequence from a counter that only grows.
type TicketNumber string

// DefaultNumberPrefix is the prefix of ticket numbers unless configured.
const DefaultNumberPrefix = "SD"

var (
	prefixRe = regexp.MustCompile(`^[A-Z][A-Z0-9]{0,7}$`)
	numberRe = regexp.MustCompile(`(?i)\b([A-Z][A-Z0-9]{0,7})-(\d{4})-(\d{6,9})\b`)
)

// ValidNumberPrefix reports whether p can prefix ticket numbers: 1 to 8
// uppercase ASCII letters or digits, starting with a letter.
func ValidNumberPrefix(p string) bool { return prefixRe.MatchString(p) }

// FormatTicketNumber builds the number of the seq-th ticket of year.
func FormatTicketNumber(prefix string, year int, seq int64) TicketNumber {
	return TicketNumber(fmt.Sprintf("%s-%04d-%06d", prefix, year, seq))
}

// ParseTicketNumber normalises s (case, surrounding spaces, a leading '#')
// and checks its shape.
func ParseTicketNumber(s string) (TicketNumber, error) {
	t := strings.ToUpper(strings.TrimPrefix(strings.TrimSpace(s), "#"))
	m := numberRe.FindStringSubmatch(t)
	if m == nil || m[0] != t {
		return "", Errorf(EINVALID, "%q is not a ticket number; expected the form SD-2026-000123", s)
	}
	return TicketNumber(t), nil
}

// FindTicketNumbers returns the ticket numbers with the given prefix that
// appear in s (for example in an email subject), in order, without repeats.
func FindTicketNumbers(prefix, s string) []TicketNumber {
	var out []TicketNumber
	for _, m := range numberRe.FindAllStringSubmatch(s, -1) {
		if !strings.EqualFold(m[1], prefix) {
			continue
		}
		n := TicketNumber(strings.ToUpper(m[0]))
		dup := false
		for _, o := range out {
			dup = dup || o == n
		}
		if !dup {
			out = append(out, n)
		}
	}
	return out
}

// Year returns the year part of a well-formed number, or 0.
func (n TicketNumber) Year() int {
	m := numberRe.FindStringSubmatch(string(n))
	if m == nil {
		return 0
	}
	y, _ := strconv.Atoi(m[2])
	return y
}
