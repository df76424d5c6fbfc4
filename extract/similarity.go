package extract

import (
	"math/bits"
	"strings"
)

// Token similarity. Two words are the same word (1), a near spelling of it
// (one edit, or a plural: 0.85; two edits in a long word: 0.7), an
// abbreviation of it ("aplic." for "aplicação": 0.75), a word of the same
// stem ("indisponível", "indisponibilidade": 0.7), or unrelated (0). Words
// with digits and words shorter than four letters only match exactly: "cs"
// must not pass for "ws", nor "2025" for "2026".
const (
	simTypo   = 0.85
	simAbbrev = 0.75
	simFar    = 0.7
	// maxFuzzyLen bounds the cost of comparing long tokens (the fuzz tests
	// feed megabyte words); longer words only match exactly.
	maxFuzzyLen = 40
)

// tokSim is the similarity of two folded words, by the scale above.
func tokSim(a, b string) float64 {
	if a == b {
		return 1
	}
	la, lb := len(a), len(b)
	short, long := la, lb
	if short > long {
		short, long = long, short
	}
	if short < 4 || long > maxFuzzyLen || (a[0] != b[0] && long-short > 2) || hasDigit(a) || hasDigit(b) {
		return 0
	}
	if strings.HasPrefix(a, b) || strings.HasPrefix(b, a) {
		if long-short == 1 {
			return simTypo // plural, or one letter more
		}
		return simAbbrev
	}
	if long-short <= 2 && letterDiff(a, b) <= 4 {
		switch d := osaDistance(a, b, 2); {
		case d == 1:
			return simTypo
		case d == 2 && short >= 8:
			return simFar
		}
	}
	if p := commonPrefix(a, b); p >= 6 && p*5 >= short*3 {
		return simFar
	}
	return 0
}

// letterDiff counts the letters (a to z) found in one word and not in the
// other: two edits change at most four, so more rules out a near spelling
// without computing the distance.
func letterDiff(a, b string) int {
	return bits.OnesCount32(letterSet(a) ^ letterSet(b))
}

func letterSet(s string) uint32 {
	var m uint32
	for i := 0; i < len(s); i++ {
		if c := s[i] - 'a'; c < 26 {
			m |= 1 << c
		}
	}
	return m
}

func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// osaDistance is the optimal string alignment distance (Damerau–Levenshtein
// with adjacent transpositions, no substring edited twice) between a and b,
// in bytes, or max+1 when it exceeds max. Both are at most maxFuzzyLen long.
func osaDistance(a, b string, max int) int {
	if len(a) > maxFuzzyLen || len(b) > maxFuzzyLen {
		return max + 1
	}
	var rows [3][maxFuzzyLen + 1]int
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 0; j <= len(b); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			best = min(best, v)
		}
		if best > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	if d := prev[len(b)]; d <= max {
		return d
	}
	return max + 1
}

// alignment is how the words of a query line up with the words of a
// reference (a subject, a label): for each query word, the similarity and
// the weight of the reference word(s) it matched.
type alignment struct {
	sim    []float64 // per query word; 0 when unmatched
	weight []float64 // per query word: weight of the reference word(s) matched
	used   []bool    // per reference word
	sims   []float64 // scratch: tokSim of query word i and reference word j at i*len(ref)+j
	refW   []float64 // scratch: weights of the reference words
}

// simMatrix fills al.sims with tokSim of every query and reference word.
func (al *alignment) simMatrix(q, ref []string) []float64 {
	al.sims = resize(al.sims, len(q)*len(ref))
	for i, t := range q {
		for j, r := range ref {
			al.sims[i*len(ref)+j] = tokSim(t, r)
		}
	}
	return al.sims
}

// align matches query words to reference words, each reference word used
// once: equal words first, then near spellings (best first, in query
// order), then a query word that is two reference words run together
// ("samcs" for "sam cs") or two query words that are one reference word.
// sims holds tokSim(q[i], ref[j]) at i*len(ref)+j.
func align(q, ref []string, sims, refW []float64, al *alignment) {
	al.sim = resize(al.sim, len(q))
	al.weight = resize(al.weight, len(q))
	al.used = resizeBool(al.used, len(ref))
	n := len(ref)
	for i := range q {
		row := sims[i*n : i*n+n]
		for j, s := range row {
			if s == 1 && !al.used[j] {
				al.used[j] = true
				al.sim[i], al.weight[i] = 1, refW[j]
				break
			}
		}
	}
	for i := range q {
		if al.sim[i] > 0 {
			continue
		}
		row := sims[i*n : i*n+n]
		bestJ, best := -1, 0.0
		for j, s := range row {
			if s > best && !al.used[j] {
				bestJ, best = j, s
			}
		}
		if bestJ >= 0 {
			al.used[bestJ] = true
			al.sim[i], al.weight[i] = best, refW[bestJ]
		}
	}
	for i, t := range q {
		if al.sim[i] > 0 {
			continue
		}
		for j := 0; j+1 < len(ref); j++ {
			if !al.used[j] && !al.used[j+1] && joined(t, ref[j], ref[j+1]) {
				al.used[j], al.used[j+1] = true, true
				al.sim[i], al.weight[i] = 1, refW[j]+refW[j+1]
				break
			}
		}
		if al.sim[i] > 0 || i+1 >= len(q) || al.sim[i+1] > 0 {
			continue
		}
		for j, r := range ref {
			if !al.used[j] && joined(r, t, q[i+1]) {
				al.used[j] = true
				al.sim[i], al.weight[i] = 1, refW[j]/2
				al.sim[i+1], al.weight[i+1] = 1, refW[j]/2
				break
			}
		}
	}
}

// joined reports whether w is a followed by b.
func joined(w, a, b string) bool {
	return len(w) == len(a)+len(b) && strings.HasPrefix(w, a) && strings.HasSuffix(w, b)
}

func resize(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	s = s[:n]
	clear(s)
	return s
}

func resizeBool(s []bool, n int) []bool {
	if cap(s) < n {
		return make([]bool, n)
	}
	s = s[:n]
	clear(s)
	return s
}
