package validate

import (
	"net/mail"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// checkText trims s and collapses every run of blanks, line breaks
// included, into one space: a one-line field has no use for layout.
func checkText(s string, maxLen int) (string, Code) {
	if !utf8.ValidString(s) {
		return "", CodeFormat
	}
	v := strings.Join(strings.Fields(s), " ")
	return capText(v, maxLen, unicode.IsControl)
}

// checkLongText keeps the layout of a multi-line field but turns the CRLF
// that browsers send for a textarea into LF, so the stored text does not
// depend on the client.
func checkLongText(s string, maxLen int) (string, Code) {
	if !utf8.ValidString(s) {
		return "", CodeFormat
	}
	v := strings.ReplaceAll(s, "\r\n", "\n")
	v = strings.TrimSpace(strings.ReplaceAll(v, "\r", "\n"))
	return capText(v, maxLen, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\t'
	})
}

// checkOpaque only trims: an identifier without a public format (the CIT
// bulletin number) is stored as typed, but a control character in it can
// only be a copy-and-paste accident.
func checkOpaque(s string, maxLen int) (string, Code) {
	if !utf8.ValidString(s) {
		return "", CodeFormat
	}
	return capText(strings.TrimSpace(s), maxLen, unicode.IsControl)
}

func capText(v string, maxLen int, bad func(rune) bool) (string, Code) {
	if strings.ContainsFunc(v, bad) {
		return "", CodeFormat
	}
	if utf8.RuneCountInString(v) > maxLen {
		return "", CodeTooLong
	}
	return v, ""
}

// ParseDate reads a calendar date written dd/mm/aaaa, dd-mm-aaaa,
// dd.mm.aaaa (day and month may have one digit) or ISO aaaa-mm-dd. It
// returns midnight UTC of that day and false for anything else, including
// days that do not exist such as 31/02/2024. It does not limit the year;
// Check rejects years before 1900.
func ParseDate(s string) (time.Time, bool) {
	t, c := parseDate(s)
	return t, c == ""
}

// parseDate tells a value that is not written as a date (CodeFormat) from
// one that is but names no real day (CodeDateInvalid), because the fix the
// requester needs differs.
func parseDate(s string) (time.Time, Code) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, "/-.")
	if i < 0 {
		return time.Time{}, CodeFormat
	}
	p := strings.Split(s, s[i:i+1])
	if len(p) != 3 || !allDigits(p[0]) || !allDigits(p[1]) || !allDigits(p[2]) {
		return time.Time{}, CodeFormat
	}
	var y, m, d string
	switch {
	case len(p[0]) == 4 && len(p[1]) <= 2 && len(p[2]) <= 2:
		y, m, d = p[0], p[1], p[2]
	case len(p[2]) == 4 && len(p[0]) <= 2 && len(p[1]) <= 2:
		d, m, y = p[0], p[1], p[2]
	default:
		return time.Time{}, CodeFormat
	}
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	t := time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
	// time.Date normalises 31/02 to 02/03; a changed day or month means
	// the date does not exist.
	if t.Day() != di || t.Month() != time.Month(mi) {
		return time.Time{}, CodeDateInvalid
	}
	return t, ""
}

func checkDate(s string, opt Options) (string, Code) {
	t, c := parseDate(s)
	if c != "" {
		return "", c
	}
	if t.Year() < 1900 {
		return "", CodeDateInvalid
	}
	if opt.PastOnly {
		y, m, d := opt.Now.Date()
		if t.After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
			return "", CodeDateFuture
		}
	}
	return t.Format(time.DateOnly), ""
}

// normalizeEmail accepts a bare address (no display name, no comment, no
// quoted local part) whose domain has at least two labels, and lowercases
// the domain. The local part keeps its case: only the receiving server
// may decide it does not matter.
func normalizeEmail(s string) (string, Code) {
	s = strings.TrimSpace(s)
	if len(s) > 254 {
		return "", CodeFormat
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", CodeFormat
	}
	at := strings.LastIndexByte(s, '@')
	domain := strings.ToLower(s[at+1:])
	if !validDomain(domain) {
		return "", CodeFormat
	}
	return s[:at+1] + domain, ""
}

// validDomain accepts host names of letters, digits and inner hyphens with
// at least one dot; Unicode letters are allowed for internationalised
// domains, domain literals such as [192.0.2.1] are not.
func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	return true
}

// normalizePhone returns a phone number in E.164 (+ and digits). Without an
// international prefix the number must be Portuguese (9 digits starting
// with 2 or 9) or Brazilian (area code and 8- or 9-digit number), the two
// countries Balcão serves; any other country needs its + or 00 prefix.
func normalizePhone(s string) (string, Code) {
	d := strings.Map(func(r rune) rune {
		if r == '(' || r == ')' {
			return -1
		}
		return r
	}, compact(s))
	intl := false
	if rest, ok := strings.CutPrefix(d, "+"); ok {
		d, intl = rest, true
	} else if rest, ok := strings.CutPrefix(d, "00"); ok {
		d, intl = rest, true
	}
	if !allDigits(d) {
		return "", CodeFormat
	}
	if !intl {
		switch {
		case ptPhone(d):
			return "+351" + d, ""
		case brPhone(d):
			return "+55" + d, ""
		}
		return "", CodeFormat
	}
	// No other country code starts with 351 or 55, so these prefixes can
	// be held to their national plans.
	if n, ok := strings.CutPrefix(d, "351"); ok {
		if ptPhone(n) {
			return "+" + d, ""
		}
		return "", CodeFormat
	}
	if n, ok := strings.CutPrefix(d, "55"); ok {
		if brPhone(n) {
			return "+" + d, ""
		}
		return "", CodeFormat
	}
	if len(d) < 8 || len(d) > 15 || d[0] == '0' {
		return "", CodeFormat
	}
	return "+" + d, ""
}

func ptPhone(d string) bool {
	return len(d) == 9 && (d[0] == '2' || d[0] == '9')
}

// brPhone accepts an area code (DDD, two digits 1–9) followed by a mobile
// (9 digits starting with 9) or a landline (8 digits starting with 2–5).
func brPhone(d string) bool {
	if len(d) < 10 || d[0] == '0' || d[1] == '0' {
		return false
	}
	switch len(d) {
	case 11:
		return d[2] == '9'
	case 10:
		return '2' <= d[2] && d[2] <= '5'
	}
	return false
}

// normalizeIP accepts any IPv4 or IPv6 address, private ones included
// (requesters report problems inside their own network), in its canonical
// form; an IPv4-mapped IPv6 address is stored as IPv4. The unspecified
// address names no host, and a zone only means something on the machine
// that wrote it, so both are rejected.
func normalizeIP(s string) (string, Code) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil || a.Zone() != "" {
		return "", CodeFormat
	}
	a = a.Unmap()
	if a.IsUnspecified() {
		return "", CodeFormat
	}
	return a.String(), ""
}

// matchChoice returns the first choice equal to s once both are folded, so
// the stored value is always one of the catalogue's own spellings.
func matchChoice(s string, choices []string) (string, Code) {
	k := fold(s)
	if k == "" {
		return "", CodeChoice
	}
	for _, c := range choices {
		if fold(c) == k {
			return c, ""
		}
	}
	return "", CodeChoice
}

// fold lowercases s and drops blanks and accents. Combining marks are
// dropped too, since text typed on some systems arrives decomposed (a +
// U+0301 rather than á).
func fold(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		if r >= 'à' {
			switch {
			case strings.ContainsRune("àáâãäå", r):
				r = 'a'
			case r == 'ç':
				r = 'c'
			case strings.ContainsRune("èéêë", r):
				r = 'e'
			case strings.ContainsRune("ìíîï", r):
				r = 'i'
			case r == 'ñ':
				r = 'n'
			case strings.ContainsRune("òóôõöø", r):
				r = 'o'
			case strings.ContainsRune("ùúûü", r):
				r = 'u'
			case strings.ContainsRune("ýÿ", r):
				r = 'y'
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}
