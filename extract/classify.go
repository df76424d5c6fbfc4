package extract

import (
	"math"
	"slices"
	"strings"

	"balcao"
	"balcao/catalog"
)

// Match is a request type chosen for a message, with how sure we are.
//
// Score is the weighted similarity of the subject to the request type's
// subject (or, without the service prefix, to the rest of it), from 0 to 1;
// 1 means the same words. Exact is set when the subject has the prescribed
// subject's words in the same order: only case, accents, punctuation,
// spacing and the kind of dash differ.
type Match struct {
	RequestType *catalog.RequestType
	Score       float64
	Exact       bool
}

// The classification rule (see Classify).
const (
	// MinScore is the similarity a subject needs to match a request type.
	MinScore = 0.7
	// minAdvantage is how much evidence (in word weight: a content word
	// weighs 1 to about 4.4, a function word 0.2) the subject must hold
	// for the best request type over each close rival.
	minAdvantage = 0.5
	// minMargin is the lead the best request type needs over a rival that
	// the subject also gives evidence for.
	minMargin = 0.1
	// rivalWindow: request types scoring less than best−rivalWindow are no
	// rivals.
	rivalWindow = 0.4
	// completeMargin is the lead a complete match (every word of the
	// subject, or of the subject without its service prefix, present) needs
	// over a rival the subject gives no evidence against.
	completeMargin = 0.3
	// minCompleteWords: a complete match of a single word ("Indisponibilidade")
	// says too little to beat a rival without evidence.
	minCompleteWords = 2
	// maxSubjectWords: words past these are not compared (no catalogue
	// subject comes near; they only cost time).
	maxSubjectWords = 40
	// Weights of function words and numbers, and of words no subject of the
	// address uses.
	weightStop    = 0.2
	weightUnknown = 1.0
	// A complete match leaves out at most this much of a subject's weight
	// (function words only).
	completeSlack = 0.25
)

// Candidates returns the request types of addr that accept email, in
// catalogue order: the subjects to list when a message matched none. It
// returns nil for an address the catalogue does not know.
func Candidates(cat *catalog.Catalog, addr string) []*catalog.RequestType {
	if cat == nil {
		return nil
	}
	var out []*catalog.RequestType
	for _, rt := range cat.ByAddress(addr) {
		if rt != nil && !rt.Disabled && rt.Accepts(balcao.ChannelEmail) {
			out = append(out, rt)
		}
	}
	return out
}

// Classify picks the request type for a message sent to addr with this
// subject. normSubject is the subject as the mail package's
// NormalizeSubject returns it; a raw subject works too, since Classify
// applies this package's NormalizeSubject (which agrees with the mail
// package's, and is idempotent) before comparing words.
//
// Only the request types of addr that accept email compete (Candidates).
// When there is one, it is the match whatever the subject, even an empty
// one (Score and Exact still say how close the subject came). Otherwise:
//
//   - A subject with the words of a request type's subject, in order, is an
//     exact match (Score 1, Exact): case, accents, punctuation and dashes do
//     not count.
//   - Else every request type gets a weighted, fuzzy token-set Dice score,
//     2·M / (W(subject) + W(type's subject)). A word weighs 1+ln(N/df) (N
//     request types at the address, df of them using the word: "cit"
//     weighs 1.5, "indevidamente" 4.4), a function word or number 0.2, a
//     word no subject uses 1. M sums over matched word pairs the pair's
//     weight times its similarity: 1 for the same word, 0.85 for one edit
//     (Damerau–Levenshtein) or a plural, 0.75 for an abbreviation
//     ("aplic."), 0.7 for two edits in a long word or a shared stem
//     ("indisponível"); two words run together ("samcs") match both.
//   - A subject that names one service by its prefix word ("CIT",
//     "WebRNU", anywhere in it) competes only among that service's request
//     types. Unless the subject starts with a prefix word, each request
//     type is also scored without its prefix ("Retificação de CIT"), and
//     keeps the better score.
//   - The best request type must score at least MinScore (0.7) and beat
//     every rival scoring within 0.4 of it. Against each rival, either the
//     subject holds at least 0.5 of evidence for it (the weight its words
//     add to its match beyond what they add to the rival's), and, if the
//     rival has evidence too, it leads by at least 0.1; or the subject
//     holds no evidence either way but contains every word of it (function
//     words aside, at least two words) and leads by at least 0.3.
//     Otherwise the subject is ambiguous: no match.
//
// So "WebRNU – Óbito não identificado" and "WebRNU – Óbito indevidamente
// identificado" are told apart by "não"/"indevidamente", while "WebRNU –
// Óbito identificado" matches neither; "CIT – Dúvidas aplicação" is
// ambiguous between the local and central applications, and
// "Indisponibilidade" between four request types. Scores are rounded to
// three decimals.
func Classify(cat *catalog.Catalog, addr, normSubject string) (Match, bool) {
	cands := Candidates(cat, addr)
	if len(cands) == 0 {
		return Match{}, false
	}
	return newSubjectIndex(cands).classify(normSubject)
}

// Classifier is Classify prepared for one catalogue: the words and weights
// of the subjects of every intake address are worked out once, so each
// message costs only the comparison. A Classifier is immutable and safe for
// concurrent use; it gives the same answers as Classify.
type Classifier struct {
	byAddr map[string]*subjectIndex
}

// NewClassifier prepares the subjects of every address of cat.
func NewClassifier(cat *catalog.Catalog) *Classifier {
	c := &Classifier{byAddr: map[string]*subjectIndex{}}
	if cat == nil {
		return c
	}
	for _, a := range cat.Addresses() {
		if cands := Candidates(cat, a); len(cands) > 0 {
			c.byAddr[normAddr(a)] = newSubjectIndex(cands)
		}
	}
	return c
}

// Classify is Classify(cat, addr, normSubject) for the Classifier's
// catalogue.
func (c *Classifier) Classify(addr, normSubject string) (Match, bool) {
	ix := c.byAddr[normAddr(addr)]
	if ix == nil {
		return Match{}, false
	}
	return ix.classify(normSubject)
}

// normAddr reduces an address as the catalogue does to look it up: the
// part in angle brackets when there is one, trimmed and lowercased.
func normAddr(addr string) string {
	a := strings.TrimSpace(addr)
	if i := strings.LastIndexByte(a, '<'); i >= 0 {
		a = a[i+1:]
		if j := strings.IndexByte(a, '>'); j >= 0 {
			a = a[:j]
		}
	}
	return strings.ToLower(strings.TrimSpace(a))
}

// classify applies the rule of Classify to the request types of the index.
func (ix *subjectIndex) classify(normSubject string) (Match, bool) {
	cands := ix.rts
	q := words(NormalizeSubject(normSubject))
	if len(q) > maxSubjectWords {
		q = q[:maxSubjectWords]
	}
	if len(cands) > 1 && len(q) > 0 {
		// The scored loop below returns the first exact subject too; this
		// finds it without scoring every request type.
		if i, ok := ix.exact[strings.Join(q, " ")]; ok {
			return Match{RequestType: cands[i], Score: 1, Exact: true}, true
		}
	}
	scores := ix.score(q)
	if len(cands) == 1 {
		s := scores[0]
		return Match{RequestType: cands[0], Score: round3(s.score), Exact: s.exact}, true
	}
	for i, s := range scores {
		if s.exact {
			return Match{RequestType: cands[i], Score: 1, Exact: true}, true
		}
	}
	best := -1
	for i, s := range scores {
		if s.eligible && (best < 0 || s.score > scores[best].score) {
			best = i
		}
	}
	if best < 0 || scores[best].score < MinScore {
		return Match{}, false
	}
	a := scores[best]
	for i, b := range scores {
		if i == best || !b.eligible || b.score < a.score-rivalWindow {
			continue
		}
		adv, rev := advantage(a, b), advantage(b, a)
		switch {
		case adv >= minAdvantage:
			if rev > 0 && a.score-b.score < minMargin {
				return Match{}, false
			}
		case a.complete && a.content >= minCompleteWords && rev < minAdvantage && a.score-b.score >= completeMargin:
		default:
			return Match{}, false
		}
	}
	return Match{RequestType: cands[best], Score: round3(a.score)}, true
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// advantage is the evidence the subject gives for a over b: for each word,
// how much more it contributes to a's match than to b's.
func advantage(a, b rtScore) float64 {
	adv := 0.0
	for i := range a.contrib {
		if d := a.contrib[i] - b.contrib[i]; d > 0 {
			adv += d
		}
	}
	return adv
}

// subjectIndex holds the words and weights of the subjects of the request
// types of one address. Words are numbered (vocab) so that each query word
// is compared with each distinct word once.
type subjectIndex struct {
	rts     []*catalog.RequestType
	cands   []subjectCand
	vocab   map[string]int32
	words   []string  // by number
	df      []int     // by number: request types using the word
	weight  []float64 // by number
	n       int
	markers []string // service prefixes ("cit", "webrnu")
	// exact maps the words of each subject, joined by spaces, to the first
	// request type with that subject: most mail carries a subject exactly.
	exact map[string]int
}

type subjectCand struct {
	full, bare []string // words of the subject; without the service prefix (nil if none), a suffix of full
	fullID     []int32  // their numbers
	marker     string   // the service prefix word, "" if none
	titles     [][]string
	titlesID   [][]int32
}

// rtScore is how well a subject matches one request type.
type rtScore struct {
	score    float64
	exact    bool
	complete bool      // every content word of the matched variant is in the subject
	content  int       // content words of the subject matched
	eligible bool      // not ruled out by the subject's service prefix
	contrib  []float64 // per subject word: similarity × weight in the best variant
	tried    bool      // some variant was scored
}

func newSubjectIndex(cands []*catalog.RequestType) *subjectIndex {
	ix := &subjectIndex{rts: cands, cands: make([]subjectCand, len(cands)), vocab: make(map[string]int32, 3*len(cands)), n: len(cands)}
	// Fold every subject into one string, and cut the words out of it.
	size := 0
	for _, rt := range cands {
		size += len(rt.Subject) + 4
	}
	buf := make([]byte, 0, size)
	ends := make([]int, len(cands))
	for i, rt := range cands {
		buf = foldAppend(buf, rt.Subject)
		ends[i] = len(buf)
	}
	all := string(buf)
	ws := make([]string, 0, size/7)
	ix.words = make([]string, 0, 4*len(cands))
	ix.df = make([]int, 0, 4*len(cands))
	start := 0
	var head [4]string
	for i, rt := range cands {
		c := &ix.cands[i]
		s := all[start:ends[i]]
		start = ends[i]
		from := len(ws)
		ws = appendWords(ws, s)
		c.full = ws[from:len(ws):len(ws)]
		if dash := strings.IndexFunc(s, isDash); dash >= 0 && len(c.full) > 1 && len(appendWords(head[:0], s[:dash])) == 1 {
			c.marker, c.bare = c.full[0], c.full[1:]
			if !slices.Contains(ix.markers, c.marker) {
				ix.markers = append(ix.markers, c.marker)
			}
		}
		c.fullID = ix.number(c.full, true)
		if len(c.full) > 0 {
			if ix.exact == nil {
				ix.exact = make(map[string]int, len(cands))
			}
			if _, dup := ix.exact[strings.Join(c.full, " ")]; !dup {
				ix.exact[strings.Join(c.full, " ")] = i
			}
		}
		if len(c.full) == 0 {
			for k, l := range catalog.Languages {
				dup := false
				for _, o := range catalog.Languages[:k] {
					dup = dup || rt.Title[o] == rt.Title[l]
				}
				if t := words(fold(rt.Title[l])); len(t) > 0 && !dup {
					c.titles = append(c.titles, t)
					c.titlesID = append(c.titlesID, ix.number(t, len(c.titles) == 1))
				}
			}
		}
	}
	ix.weight = make([]float64, len(ix.words))
	for id, t := range ix.words {
		ix.weight[id] = ix.wordWeight(t, ix.df[id])
	}
	return ix
}

// number returns the numbers of words, adding new ones to the vocabulary;
// count says whether they count for document frequencies.
func (ix *subjectIndex) number(ws []string, count bool) []int32 {
	ids := make([]int32, len(ws))
	for k, t := range ws {
		id, ok := ix.vocab[t]
		if !ok {
			id = int32(len(ix.words))
			ix.vocab[t] = id
			ix.words = append(ix.words, t)
			ix.df = append(ix.df, 0)
		}
		ids[k] = id
		if count && !slices.Contains(ids[:k], id) {
			ix.df[id]++
		}
	}
	return ids
}

// wordWeight is the weight of a word used by df request types of the
// address.
func (ix *subjectIndex) wordWeight(t string, df int) float64 {
	if isStopword(t) || isDigits(t) || len(t) == 1 {
		return weightStop
	}
	if df > 0 {
		return 1 + math.Log(float64(ix.n)/float64(df))
	}
	return weightUnknown
}

// score compares the subject words q with every request type.
func (ix *subjectIndex) score(q []string) []rtScore {
	qw := make([]float64, len(q))
	for i, t := range q {
		df := 0
		if id, ok := ix.vocab[t]; ok {
			df = ix.df[id]
		}
		qw[i] = ix.wordWeight(t, df)
	}
	// The vocabulary words each query word resembles, with their
	// similarity: few, so a short list per word.
	qsim := make([][]wordSim, len(q))
	relevant := make([]bool, len(ix.words)) // words some query word resembles
	for i, t := range q {
		for v, w := range ix.words {
			if s := tokSim(t, w); s > 0 {
				qsim[i] = append(qsim[i], wordSim{int32(v), s})
				relevant[v] = true
			}
		}
	}
	// A subject that names one service ("CIT", "WebRNU") competes only
	// among that service's request types; one that starts with the name
	// is compared with their full subjects only.
	var named []string
	prefixed := false
	for i, t := range q {
		for _, m := range ix.markers {
			if t == m || (i+1 < len(q) && joined(m, t, q[i+1])) || (len(m) >= 5 && tokSim(t, m) >= simTypo) {
				if !slices.Contains(named, m) {
					named = append(named, m)
				}
				prefixed = prefixed || i == 0
			}
		}
	}
	marker := ""
	if len(named) == 1 {
		marker = named[0]
	}
	out := make([]rtScore, len(ix.cands))
	contrib := make([]float64, len(q)*len(ix.cands))
	for i := range out {
		out[i].contrib = contrib[i*len(q) : (i+1)*len(q) : (i+1)*len(q)]
	}
	var al alignment
	for i := range ix.cands {
		c := &ix.cands[i]
		s := &out[i]
		s.eligible = marker == "" || c.marker == marker || (c.marker == "" && slices.Contains(c.full, marker))
		if c.titles != nil {
			for k, t := range c.titles {
				ix.try(s, q, qw, qsim, t, c.titlesID[k], &al)
			}
			continue
		}
		s.exact = len(q) > 0 && slices.Equal(q, c.full)
		shares := false
		for _, id := range c.fullID {
			shares = shares || relevant[id]
		}
		if !shares {
			continue // no word in common: score 0
		}
		ix.try(s, q, qw, qsim, c.full, c.fullID, &al)
		if !prefixed && c.bare != nil {
			ix.try(s, q, qw, qsim, c.bare, c.fullID[len(c.full)-len(c.bare):], &al)
		}
	}
	return out
}

// wordSim is a vocabulary word and its similarity to a query word.
type wordSim struct {
	id  int32
	sim float64
}

// try scores q against one variant of a request type's subject and keeps
// it when it beats the variants tried before.
func (ix *subjectIndex) try(s *rtScore, q []string, qw []float64, qsim [][]wordSim, ref []string, ids []int32, al *alignment) {
	if len(q) == 0 || len(ref) == 0 {
		return
	}
	n := len(ref)
	al.sims = resize(al.sims, len(q)*n)
	refW := resize(al.refW, n)
	al.refW = refW
	total := 0.0
	for j, id := range ids {
		refW[j] = ix.weight[id]
		total += refW[j]
	}
	for i := range q {
		for _, ws := range qsim[i] {
			for j, id := range ids {
				if id == ws.id {
					al.sims[i*n+j] = ws.sim
				}
			}
		}
	}
	align(q, ref, al.sims, refW, al)
	m, qside := 0.0, 0.0
	for i := range q {
		if al.sim[i] > 0 {
			m += al.sim[i] * al.weight[i]
			qside += al.weight[i]
		} else {
			qside += qw[i]
		}
	}
	missing := 0.0
	for j, u := range al.used {
		if !u {
			missing += refW[j]
		}
	}
	score := 2 * m / (total + qside)
	if score <= s.score && s.tried {
		return
	}
	s.tried = true
	s.score = score
	s.complete = missing <= completeSlack
	s.content = 0
	for i := range q {
		s.contrib[i] = al.sim[i] * al.weight[i]
		if al.sim[i] > 0 && al.weight[i] > weightStop {
			s.content++
		}
	}
}
