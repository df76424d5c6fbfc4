package balcao

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// SearchOrder says how search results are ordered.
type SearchOrder string

// The search orders.
const (
	// SearchByRelevance orders the best matches first, then the most
	// recently updated, then the highest id. It is the default.
	SearchByRelevance SearchOrder = "relevance"
	// SearchByUpdate orders the most recently updated first, as ListTickets.
	SearchByUpdate SearchOrder = "updated"
	// SearchByNewest orders the newest tickets first (the highest number
	// first). A search whose words match more than SearchManyMatches tickets
	// or messages uses it whatever was asked: ranking costs as much as the
	// matches, and among thousands of them the rank tells little.
	SearchByNewest SearchOrder = "newest"
)

// SearchManyMatches is how many tickets, or messages, a search's words
// may match (before the filters, internal notes counted) and still be
// ranked and counted; above it the search is ManyMatches.
const SearchManyMatches = 1000

// SearchQuery is a search over tickets and their messages, as an agent or a
// requester types it, with the filters of a ticket list.
//
// Text is read as, in this order:
//   - a ticket number (SD-2026-000123, sd-2026-123, #SD-2026-000123,
//     2026-000123): that ticket alone, if it passes the filters;
//   - an identifier (NISS, NNU, CPF, CNPJ, cédula…: at least five digits,
//     with or without spaces, dots, dashes or slashes): the tickets with a
//     structured field of that value, digits compared without punctuation,
//     and those whose text holds it;
//   - words: the tickets whose subject, structured values, requester,
//     organisation or one of whose messages holds every word, ignoring case
//     and accents ("retificacao" finds "Retificação"); the last word also
//     matches as the start of a word. Quotes, operators and punctuation are
//     not syntax: only letters and digits count.
//
// Empty Text is EINVALID; Text without a letter or a digit finds nothing.
// A search whose words match more than SearchManyMatches tickets or
// messages is given the newest tickets first and not counted. Identifiers
// are always ranked, over the newest 10,000 matches of each index at most;
// a requester-scoped search is always ranked, over all its matches. Pages
// follow keyset cursors, and a cursor keeps the order of the page it came
// from; by relevance, a page boundary holds as long as the index does not
// change between pages.
type SearchQuery struct {
	Text string

	Statuses       []Status
	TeamID         int64
	RequestType    string
	RequesterEmail string // only this requester's tickets (requester-facing search)
	// IncludeNotes searches internal notes too: for staff only.
	IncludeNotes bool

	Order  SearchOrder // default SearchByRelevance; see SearchByNewest
	Limit  int         // 1..200, default 50
	Cursor string      // opaque, from a previous TicketPage of the same search
}

// MaxSearchLen bounds the text of a search, in characters.
const MaxSearchLen = 256

// maxSearchWords bounds the words of a full-text search.
const maxSearchWords = 12

// SearchKind says how the text of a search was read.
type SearchKind int

// The kinds of search.
const (
	SearchNothing    SearchKind = iota // no letter or digit: finds nothing
	SearchNumber                       // a ticket number
	SearchIdentifier                   // a structured identifier
	SearchWords                        // full text
)

// SearchTerms is the text of a search read by ParseSearch.
type SearchTerms struct {
	Kind SearchKind
	// Number is the ticket number (SearchNumber).
	Number TicketNumber
	// Identifier is the identifier without punctuation, upper case
	// (SearchIdentifier); Groups are its runs of letters and digits as
	// typed, to find it in free text ("529 982 247 25").
	Identifier string
	Groups     []string
	// Words are the words of a full-text search (SearchWords), at most
	// twelve, each of letters, digits and combining marks only.
	Words []string
}

var (
	looseNumberRe = regexp.MustCompile(`(?i)^#?(?:([A-Z][A-Z0-9]{0,7})-)?(\d{4})-(\d{1,9})$`)
	identifierRe  = regexp.MustCompile(`^[0-9A-Za-z]+(?:[ ./-]+[0-9A-Za-z]+)*$`)
)

// ParseSearch reads the text of a search; prefix is the store's ticket
// number prefix, assumed when the text gives a year and a full six-digit
// sequence without one. It returns EINVALID for empty or over-long text.
func ParseSearch(text, prefix string) (SearchTerms, error) {
	s := strings.TrimSpace(text)
	if s == "" {
		return SearchTerms{}, Errorf(EINVALID, "q: type a word, a ticket number or an identifier to search for")
	}
	if n := len([]rune(s)); n > MaxSearchLen {
		return SearchTerms{}, Errorf(EINVALID, "q: the search is %d characters long; the limit is %d", n, MaxSearchLen)
	}
	if n, ok := looseTicketNumber(s, prefix); ok {
		return SearchTerms{Kind: SearchNumber, Number: n}, nil
	}
	if id, groups, ok := identifier(s); ok {
		return SearchTerms{Kind: SearchIdentifier, Identifier: id, Groups: groups}, nil
	}
	words := SearchWordsOf(s)
	if len(words) == 0 {
		return SearchTerms{Kind: SearchNothing}, nil
	}
	if len(words) > maxSearchWords {
		words = words[:maxSearchWords]
	}
	return SearchTerms{Kind: SearchWords, Words: words}, nil
}

// looseTicketNumber recognises a ticket number: the usual form in any case,
// with a leading '#', a sequence without its zero padding when the prefix is
// given (SD-2026-123), or without the prefix when the sequence has its six
// digits (2026-000123).
func looseTicketNumber(s, prefix string) (TicketNumber, bool) {
	m := looseNumberRe.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	p := strings.ToUpper(m[1])
	if p == "" {
		if len(m[3]) < 6 || prefix == "" {
			return "", false
		}
		p = prefix
	}
	year, _ := strconv.Atoi(m[2])
	seq, _ := strconv.ParseInt(m[3], 10, 64)
	if seq == 0 {
		return "", false
	}
	return FormatTicketNumber(p, year, seq), true
}

// identifier recognises a structured identifier: digits (and, for the new
// alphanumeric CNPJ, letters) possibly separated by spaces, dots, dashes or
// slashes, with at least five digits. Letters are allowed only in a single
// run without spaces, so that "erro 500 12345" stays a search for words.
func identifier(s string) (string, []string, bool) {
	if !identifierRe.MatchString(s) {
		return "", nil, false
	}
	digits, letters := 0, 0
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
			b.WriteRune(r)
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letters++
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	if digits < 5 || (letters > 0 && strings.ContainsRune(s, ' ')) {
		return "", nil, false
	}
	groups := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '.' || r == '-' || r == '/' })
	return b.String(), groups, true
}

// SearchWordsOf splits text into the words a search matches: runs of
// letters, digits and combining marks. Everything else (quotes, operators,
// punctuation, symbols) separates words and is never passed to a database
// as syntax.
func SearchWordsOf(text string) []string {
	words := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r)
	})
	out := words[:0]
	for _, w := range words {
		// A run of combining marks alone is no word.
		if strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) >= 0 {
			out = append(out, w)
		}
	}
	return out
}
