package extract

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"balcao/catalog"
	"balcao/validate"
)

// Pair is a labelled value found in a message, as the mail package produces
// them from "Label: value" lines, bullets and pasted tables. Section is the
// nearest heading above the value ("CIT registado", "Identificação do
// Utente (Principal)", "linha 3" for a row of a table with a header row),
// "" when there is none; Line is the line of the value in the message body,
// counted from 1, for messages to the requester.
type Pair struct {
	Label, Value, Section string
	Line                  int
}

// Result is what Fields found in a message.
//
// Values maps field key paths ("utente.nnu", "cit[1].boletim", items
// counted from 0) to the values as written, for Validate to check and
// normalise: trimmed, without the ";" or "," that ends a list item and,
// except in long text, without a final "." and with white space collapsed.
// It is never nil.
// Unmatched holds, in message order, the pairs whose label is no field of
// the request type. Conflicts describes, in message order, each value that
// was ignored because the same field of the same item already had a
// different one: `utente.nnu: kept "111156119" (line 4), ignored
// "123456788" (line 9)`.
type Result struct {
	Values    map[string]string
	Unmatched []Pair
	Conflicts []string
}

// Fields maps the pairs of a message to the field key paths of rt.
//
// A label is compared with the field labels in every catalogue language,
// the fields' aliases and keys, ignoring case, accents, punctuation,
// function words, numbers, "(s)" and words like "obrigatório", and with
// every spelling of "número" alike ("Nº de utente", "N.º utente", "Nr.
// utente", "Número de Utente (SNS)"); a label that is none of them may still
// match one with a typo, or contain one plus words naming a group ("Data de
// nascimento do utente principal"). A label naming two sibling fields
// ("Data(s) de início/Data(s) de termo") splits its value between them
// ("01/02/2026 a 15/02/2026"), and the label of a one-of rule ("NISS ou nº
// de beneficiário", "Endereço de correio eletrónico ou nº de telemóvel")
// gives its value to the field whose format it has.
//
// When a label belongs to fields of several groups, the pair's section
// chooses ("CIT registado"/"registo existente" vs "CIT pretendido"/"registo
// pretendido"; "Principal" vs "Duplicado"; "Identificação do médico"), or
// the words the label has beyond the field's name ("Nº do boletim
// (existente)"). Without either, the value goes to the group of the
// previous value if that field is still empty there, else to a top-level
// field, else to the first group where the field is empty, in catalogue
// order: blocks written one after the other without headings fill the
// groups in the order the model lists them.
//
// Values of a repeatable group fill item 0 until one of its fields comes
// again (even with the same value: two doctors of one health unit), or a
// new section names the group or carries a number ("CIT 2", "Médico 2",
// "linha 3"; a number in the label, "Boletim 2", counts too): that starts
// the next item. A field that comes again with another value in the same
// numbered section, or outside repeatable groups, keeps its first value and
// the second is reported in Conflicts; the same value again is no
// conflict. Pairs with a blank value are skipped.
func Fields(rt *catalog.RequestType, pairs []Pair) Result {
	res := Result{Values: map[string]string{}}
	if rt == nil {
		for _, p := range pairs {
			if strings.TrimSpace(p.Value) != "" {
				res.Unmatched = append(res.Unmatched, p)
			}
		}
		return res
	}
	return newFieldPlan(rt).fields(pairs)
}

// Extractor is Fields prepared for one request type: the keys of every
// label, alias and key of its fields are worked out once, so each message
// costs only the look-ups. An Extractor is immutable and safe for
// concurrent use; it gives the same answers as Fields.
type Extractor struct {
	plan *fieldPlan
}

// NewExtractor prepares rt's fields for reading messages.
func NewExtractor(rt *catalog.RequestType) *Extractor {
	if rt == nil {
		return &Extractor{}
	}
	p := newFieldPlan(rt)
	p.derivedIndex()
	p.leafVariants()
	p.groupWords()
	return &Extractor{plan: p}
}

// Fields is Fields(rt, pairs) for the Extractor's request type.
func (e *Extractor) Fields(pairs []Pair) Result {
	if e.plan == nil {
		return Fields(nil, pairs)
	}
	return e.plan.fields(pairs)
}

// fields reads pairs with the plan. It changes the plan only to build its
// lazy parts, which NewExtractor builds beforehand.
func (p *fieldPlan) fields(pairs []Pair) Result {
	res := Result{Values: map[string]string{}}
	x := &extraction{plan: p, res: &res, lines: map[string]int{}, items: map[*group]*itemState{}, sections: map[string]*group{}}
	for _, p := range pairs {
		if strings.TrimSpace(p.Value) == "" {
			continue
		}
		if !x.pair(p) {
			res.Unmatched = append(res.Unmatched, p)
		}
	}
	return res
}

// Describe puts text (the message body) in rt's free-text description
// field when values has none: the top-level longtext field keyed
// "descricao" (or whose key starts with "descri"), else the first
// top-level longtext field that some label or alias calls "Descrição"
// (WebRNU K's "Anomalia/Sintoma"). The text is trimmed and cut, on a
// character boundary, to the field's length limit (max_len, else 20000
// characters): the message itself is kept whole on the ticket. Describe
// does nothing when rt has no such field, values is nil, or text is blank.
func Describe(rt *catalog.RequestType, values map[string]string, text string) {
	if rt == nil || values == nil {
		return
	}
	f := descriptionField(rt)
	if f == nil || strings.TrimSpace(values[f.Key]) != "" {
		return
	}
	t := strings.TrimSpace(text)
	if t == "" {
		return
	}
	limit := f.MaxLen
	if limit <= 0 {
		limit = defaultLongTextLen
	}
	if utf8.RuneCountInString(t) > limit {
		n := 0
		for i := range t {
			if n == limit {
				t = strings.TrimSpace(t[:i])
				break
			}
			n++
		}
	}
	values[f.Key] = t
}

// defaultLongTextLen is the catalogue's length limit of longtext fields
// without max_len.
const defaultLongTextLen = 20000

func descriptionField(rt *catalog.RequestType) *catalog.Field {
	var byLabel *catalog.Field
	for _, f := range rt.Fields {
		if f == nil || f.Type != string(validate.LongText) {
			continue
		}
		if f.Key == "descricao" || strings.HasPrefix(f.Key, "descri") {
			return f
		}
		if byLabel == nil {
			names := append([]string{}, f.Aliases...)
			for _, l := range catalog.Languages {
				names = append(names, f.Label[l])
			}
			for _, n := range names {
				if t := labelTokens(n); len(t) > 0 && t[0] == "descricao" {
					byLabel = f
					break
				}
			}
		}
	}
	return byLabel
}

// fieldPlan is a request type's fields prepared for reading labels. The
// parts only some messages need (labels without their parentheses, words
// for fuzzy matching, the words naming each group) are built on first use.
type fieldPlan struct {
	root    *group
	groups  []*group // every group but the root, in catalogue order
	leaves  []*leaf
	exact   map[string][]*leaf // label key -> leaves, from labels, aliases and keys
	derived map[string][]*leaf // label key -> leaves, from labels without their parentheses
	oneOf   map[string]*oneOfRule
	rules   []*oneOfRule

	haveDerived, haveVariants, haveGroupTokens bool
	pool                                       []*leaf // backing of one-leaf lists while indexing
}

type group struct {
	f      *catalog.Field // nil for the root
	parent *group
	repeat bool
	tokens []string // words of its labels, item labels, key and aliases, as concepts
}

type leaf struct {
	f        *catalog.Field
	g        *group
	strict   bool       // a kind with a format of its own (not free text)
	variants [][]string // label words of every name, for fuzzy matching
}

type oneOfRule struct {
	g      *group
	leaves []*leaf
	keys   [][]string
}

func newFieldPlan(rt *catalog.RequestType) *fieldPlan {
	p := &fieldPlan{root: &group{}, exact: make(map[string][]*leaf, 96), oneOf: map[string]*oneOfRule{}}
	p.pool = make([]*leaf, 0, 96)
	p.add(p.root, rt.Fields, rt.OneOf)
	p.pool = nil
	return p
}

// index adds l to m under the key of name. A key seen before costs no
// allocation; a new one takes its one-leaf list from p.pool.
func (p *fieldPlan) index(m map[string][]*leaf, name string, l *leaf) {
	var kb [128]byte
	k := appendLabelKey(kb[:0], name)
	if len(k) == 0 {
		return
	}
	if ls, ok := m[string(k)]; ok {
		if !slices.Contains(ls, l) {
			m[string(k)] = append(ls, l)
		}
		return
	}
	p.pool = append(p.pool, l)
	n := len(p.pool)
	m[string(k)] = p.pool[n-1 : n : n]
}

// names calls fn with each name a field goes by: its key, its aliases and
// its label in each language (each distinct label once).
func names(f *catalog.Field, fn func(string)) {
	fn(f.Key)
	for _, a := range f.Aliases {
		fn(a)
	}
	for i, l := range catalog.Languages {
		n := f.Label[l]
		dup := false
		for _, o := range catalog.Languages[:i] {
			dup = dup || f.Label[o] == n
		}
		if !dup && n != "" {
			fn(n)
		}
	}
}

func (p *fieldPlan) add(g *group, fs []*catalog.Field, rules []*catalog.OneOf) {
	var byKey map[string]*leaf
	if len(rules) > 0 {
		byKey = map[string]*leaf{}
	}
	for _, f := range fs {
		if f == nil || f.Key == "" {
			continue
		}
		if f.IsGroup() {
			c := &group{f: f, parent: g, repeat: f.Repeat}
			p.groups = append(p.groups, c)
			p.add(c, f.Fields, f.OneOf)
			continue
		}
		l := &leaf{f: f, g: g, strict: isStrict(validate.Kind(f.Type))}
		if byKey != nil {
			byKey[f.Key] = l
		}
		p.leaves = append(p.leaves, l)
		names(f, func(n string) { p.index(p.exact, n, l) })
	}
	for _, r := range rules {
		if r == nil {
			continue
		}
		rule := &oneOfRule{g: g}
		for _, k := range r.Fields {
			if l := byKey[k]; l != nil {
				rule.leaves = append(rule.leaves, l)
			}
		}
		if len(rule.leaves) == 0 {
			continue
		}
		p.rules = append(p.rules, rule)
		for _, lang := range catalog.Languages {
			n := r.Label[lang]
			forms := []string{n}
			if before, _, ok := strings.Cut(n, ":"); ok {
				forms = append(forms, before) // "Contactos do responsável: correio eletrónico/telemóvel"
			}
			for _, form := range forms {
				if k := labelKey(form); k != "" {
					if _, dup := p.oneOf[k]; !dup {
						p.oneOf[k] = rule
						rule.keys = append(rule.keys, strings.Fields(k))
					}
				}
			}
		}
	}
}

// derivedIndex returns the leaves by the keys of their labels without
// parentheses ("Número de utente (SNS)" → "numero utente").
func (p *fieldPlan) derivedIndex() map[string][]*leaf {
	if !p.haveDerived {
		p.haveDerived = true
		p.derived = map[string][]*leaf{}
		for _, l := range p.leaves {
			names(l.f, func(n string) {
				for _, d := range withoutParens(n) {
					p.index(p.derived, d, l)
				}
			})
		}
	}
	return p.derived
}

// leafVariants fills every leaf's variants, for fuzzy matching.
func (p *fieldPlan) leafVariants() {
	if p.haveVariants {
		return
	}
	p.haveVariants = true
	for _, l := range p.leaves {
		names(l.f, func(n string) {
			if t := labelTokens(n); len(t) > 0 {
				l.variants = append(l.variants, t)
			}
			for _, d := range withoutParens(n) {
				if t := labelTokens(d); len(t) > 0 {
					l.variants = append(l.variants, t)
				}
			}
		})
	}
}

// within reports whether g is h or lies inside h.
func (g *group) within(h *group) bool {
	for ; g != nil; g = g.parent {
		if g == h {
			return true
		}
	}
	return false
}

// withoutParens returns the label without its parenthesised parts, and each
// parenthesised part of two words or more: "Utilizador/Médico (Número da
// cédula profissional)" gives "Utilizador/Médico" and "Número da cédula
// profissional". Nothing when the label has no parentheses.
func withoutParens(s string) []string {
	if !strings.Contains(s, "(") {
		return nil
	}
	var outer strings.Builder
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '(':
			if depth == 0 {
				start = i + 1
			}
			depth++
		case ')':
			if depth > 0 {
				depth--
				if depth == 0 {
					if inner := s[start:i]; strings.Contains(labelKey(inner), " ") {
						out = append(out, inner)
					}
					outer.WriteByte(' ')
				}
			}
		default:
			if depth == 0 {
				outer.WriteRune(r)
			}
		}
	}
	return append([]string{outer.String()}, out...)
}

func isStrict(k validate.Kind) bool {
	switch k {
	case validate.Text, validate.LongText, validate.BoletimCIT, validate.Choice:
		return false
	}
	return validate.KnownKind(k)
}

// Words of section headings that name no group: "Identificação do
// utente" names the patient group by "utente".
var sectionNoise = map[string]bool{
	"identificacao": true, "identification": true, "identificacion": true, "dados": true,
	"datos": true, "details": true, "detalhes": true, "linha": true, "line": true, "row": true,
	"fila": true, "item": true, "bloco": true, "secao": true, "seccao": true, "parte": true,
	"campo": true, "campos": true, "tabela": true, "table": true, "lista": true,
	"relativos": true, "relativo": true, "referente": true, "indicar": true,
}

// concepts maps words that headings use for the same thing to one word,
// so "CIT registado" names the existing record ("registo existente") and
// "Utente a manter" the main one.
var concepts = func() map[string]string {
	m := map[string]string{}
	for canon, ws := range map[string][]string{
		"existente": {"existente", "existentes", "registado", "registada", "registados", "registadas",
			"atual", "actual", "atuais", "actuais", "original", "originais", "antigo", "antiga", "antigos",
			"antigas", "errado", "errada", "errados", "incorreto", "incorrecto", "incorreta", "incorrectos",
			"emitido", "emitida", "emitidos", "inicial", "anterior", "existing", "current", "old", "wrong"},
		"pretendido": {"pretendido", "pretendida", "pretendidos", "pretendidas", "correto", "correcto",
			"correta", "correcta", "corretos", "corrigido", "corrigida", "corrigidos", "novo", "nova", "novos",
			"novas", "retificado", "retificada", "rectificado", "rectificada", "desejado", "desejada",
			"final", "wanted", "new", "corrected", "deseado", "deseada", "nuevo", "nueva"},
		"principal": {"principal", "manter", "main", "primary", "verdadeiro", "valido", "master"},
		"duplicado": {"duplicado", "duplicada", "duplicados", "duplicate", "secundario", "secundaria",
			"anular", "eliminar", "inativar", "repetido", "repetida"},
	} {
		for _, w := range ws {
			m[w] = canon
		}
	}
	return m
}()

func concept(t string) string {
	if c, ok := concepts[t]; ok {
		return c
	}
	return t
}

// groupTokens are the words a heading may use to name the group f.
func groupTokens(f *catalog.Field) []string {
	var out []string
	seen := map[string]bool{}
	add := func(n string) {
		for _, t := range labelTokens(n) {
			t = concept(t)
			if !seen[t] && !sectionNoise[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	names(f, add)
	for _, l := range catalog.Languages {
		add(f.ItemLabel[l])
	}
	return out
}

// groupWords fills every group's tokens.
func (p *fieldPlan) groupWords() {
	if !p.haveGroupTokens {
		p.haveGroupTokens = true
		for _, g := range p.groups {
			g.tokens = groupTokens(g.f)
		}
	}
}

// headingTokens are the words of a heading (or of what a label says beyond
// a field's name) that may name a group.
func headingTokens(ts []string) []string {
	var out []string
	for _, t := range ts {
		if !sectionNoise[t] {
			out = append(out, concept(t))
		}
	}
	return out
}

// resolveGroup returns the group the words name, nil when they name none
// or two equally well. Every word counts: the share of the words that a
// group's own words match (with tokSim), at least half.
func (p *fieldPlan) resolveGroup(ts []string) *group {
	ts = headingTokens(ts)
	if len(ts) == 0 || len(p.groups) == 0 {
		return nil
	}
	p.groupWords()
	var best *group
	bestScore, second := 0.0, 0.0
	for _, g := range p.groups {
		sum := 0.0
		for _, t := range ts {
			m := 0.0
			for _, gt := range g.tokens {
				m = max(m, tokSim(t, gt))
			}
			sum += m
		}
		s := sum / float64(len(ts))
		switch {
		case s > bestScore:
			second, bestScore, best = bestScore, s, g
		case s > second:
			second = s
		}
	}
	if bestScore < 0.5 || bestScore-second < 0.01 {
		return nil
	}
	return best
}

// extraction is the state of one Fields call.
type extraction struct {
	plan     *fieldPlan
	res      *Result
	lines    map[string]int // key path -> line of its value
	items    map[*group]*itemState
	sections map[string]*group // heading -> group it names (nil: none)
	last     *group            // group of the previous value
}

// itemState follows the items of a repeatable group.
type itemState struct {
	cur, n   int
	section  string         // section of the previous value
	sections map[string]int // section -> item it started
}

func (x *extraction) section(s string) *group {
	if s == "" {
		return nil
	}
	if g, ok := x.sections[s]; ok {
		return g
	}
	var g *group
	if ts := labelTokens(s); len(ts) <= maxLabelWords {
		g = x.plan.resolveGroup(ts)
	}
	x.sections[s] = g
	return g
}

// pair places one pair; false when its label is no field.
func (x *extraction) pair(pr Pair) bool {
	p := x.plan
	key := labelKey(pr.Label)
	if key == "" {
		return false
	}
	sec := x.section(pr.Section)
	if num := labelNumber(pr.Label); num != "" {
		pr.Section += " #" + num // "Boletim 2": item 2 of the group
	}
	if ls := p.exact[key]; len(ls) > 0 {
		return x.place(ls, nil, sec, pr, pr.Value)
	}
	if r := p.oneOf[key]; r != nil {
		x.placeOneOf(r, pr)
		return true
	}
	if ls := p.derivedIndex()[key]; len(ls) > 0 {
		return x.place(ls, nil, sec, pr, pr.Value)
	}
	if x.split(pr, sec) {
		return true
	}
	ts := strings.Fields(key)
	if len(ts) > maxLabelWords {
		return false // prose, not a label
	}
	ls, r, rest := x.fuzzy(ts)
	if r != nil {
		x.placeOneOf(r, pr)
		return true
	}
	if len(ls) == 0 {
		return false
	}
	return x.place(ls, p.resolveGroup(rest), sec, pr, pr.Value)
}

// labelNumber returns the item number written in a label ("Boletim 2",
// "CIT 2 – Número do boletim", "2º CIT"), "" when there is none. A number followed by
// a word ("(11 dígitos)") or inside a code is no item number.
func labelNumber(label string) string {
	for i := 0; i < len(label); i++ {
		if label[i] < '0' || label[i] > '9' {
			continue
		}
		j := i
		for j < len(label) && '0' <= label[j] && label[j] <= '9' {
			j++
		}
		before, _ := utf8.DecodeLastRuneInString(label[:i])
		after, _ := utf8.DecodeRuneInString(strings.TrimLeft(label[j:], " "))
		if j-i > 4 || unicode.IsLetter(before) || unicode.IsDigit(before) || (unicode.IsLetter(after) && after != 'º' && after != 'ª') {
			i = j
			continue // part of a word or a code, or a count ("11 dígitos")
		}
		n, _ := strconv.Atoi(label[i:j])
		return strconv.Itoa(n)
	}
	return ""
}

// place chooses one of the leaves a label names and stores the value there.
func (x *extraction) place(ls []*leaf, inline, sec *group, pr Pair, value string) bool {
	l := x.choose(ls, inline, sec, pr.Section)
	if l == nil {
		return false
	}
	x.assign(l, pr, value)
	return true
}

func (x *extraction) choose(ls []*leaf, inline, sec *group, section string) *leaf {
	for _, g := range []*group{inline, sec} {
		if g == nil || len(ls) < 2 {
			continue
		}
		var in []*leaf
		for _, l := range ls {
			if l.g.within(g) {
				in = append(in, l)
			}
		}
		if len(in) > 0 {
			ls = in
		}
	}
	if len(ls) == 1 {
		return ls[0]
	}
	for _, l := range ls {
		if l.g == x.last && !x.filled(l, section) {
			return l
		}
	}
	// Outside any group context a top-level field comes first.
	for _, l := range ls {
		if l.g == x.plan.root && !x.filled(l, section) {
			return l
		}
	}
	for _, l := range ls {
		if !x.filled(l, section) {
			return l
		}
	}
	for _, l := range ls {
		if l.g == x.last {
			return l
		}
	}
	return ls[0]
}

// repeatOf returns the repeatable group l belongs to, nil if none.
func repeatOf(l *leaf) *group {
	for g := l.g; g != nil; g = g.parent {
		if g.repeat {
			return g
		}
	}
	return nil
}

// filled reports whether l already has a value in the item a value of
// this section would go to.
func (x *extraction) filled(l *leaf, section string) bool {
	idx := -1
	if g := repeatOf(l); g != nil {
		st := x.items[g]
		if st == nil {
			return false
		}
		idx = st.cur
		if section != st.section {
			i, ok := st.sections[section]
			if !ok {
				return false
			}
			idx = i
		}
	}
	_, ok := x.res.Values[x.path(l, idx)]
	return ok
}

// path is l's key path with item idx of its repeatable group.
func (x *extraction) path(l *leaf, idx int) string {
	var b strings.Builder
	var chain []*group
	for g := l.g; g != nil && g.f != nil; g = g.parent {
		chain = append(chain, g)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		g := chain[i]
		b.WriteString(g.f.Key)
		if g.repeat {
			j := idx
			if st := x.items[g]; st != nil && g != repeatOf(l) {
				j = st.cur // nested repeatable groups: not in a checked catalogue
			}
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(max(j, 0)))
			b.WriteByte(']')
		}
		b.WriteByte('.')
	}
	b.WriteString(l.f.Key)
	return b.String()
}

// assign stores value in l, in the right item of its repeatable group.
func (x *extraction) assign(l *leaf, pr Pair, value string) {
	value = cleanValue(value, l.f.Type == string(validate.LongText))
	if value == "" {
		return
	}
	x.last = l.g
	idx := -1
	g := repeatOf(l)
	var st *itemState
	if g != nil {
		st = x.items[g]
		s := pr.Section
		switch {
		case st == nil:
			st = &itemState{n: 1, section: s, sections: map[string]int{s: 0}}
			x.items[g] = st
		case s != st.section:
			if i, ok := st.sections[s]; ok {
				st.cur = i
			} else if hasDigit(s) || x.section(s).within(g) {
				st.cur, st.n = st.n, st.n+1
				st.sections[s] = st.cur
			} else {
				st.sections[s] = st.cur
			}
			st.section = s
		}
		idx = st.cur
	}
	path := x.path(l, idx)
	old, ok := x.res.Values[path]
	switch {
	case ok && st != nil && !hasDigit(pr.Section):
		// The same field again, even with the same value (two doctors of
		// one health unit): the next block of the repeatable group.
		st.cur, st.n = st.n, st.n+1
		st.sections[pr.Section] = st.cur
		path = x.path(l, st.cur)
		old, ok = x.res.Values[path]
	case ok && sameValue(old, value):
		return
	}
	if ok {
		x.res.Conflicts = append(x.res.Conflicts, fmt.Sprintf("%s: kept %q (line %d), ignored %q (line %d)", path, old, x.lines[path], value, pr.Line))
		return
	}
	x.res.Values[path] = value
	x.lines[path] = pr.Line
}

// sameValue compares two values as a person would: case and spacing aside.
func sameValue(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// cleanValue trims a value, the ";" or "," that ends a bullet item and,
// except in long text, a final "." and line breaks.
func cleanValue(v string, long bool) string {
	v = strings.TrimSpace(v)
	v = strings.TrimRight(v, ";,")
	if !long {
		v = strings.Join(strings.Fields(v), " ")
		if strings.HasSuffix(v, ".") && !strings.HasSuffix(v, "..") {
			v = strings.TrimSuffix(v, ".")
		}
	}
	return strings.TrimSpace(v)
}

// placeOneOf gives the value of a one-of label ("NISS ou nº de
// beneficiário: …") to the field whose format it has; a value with several
// parts ("ana@usf.pt / 912345678") is shared out.
func (x *extraction) placeOneOf(r *oneOfRule, pr Pair) {
	value := cleanValue(pr.Value, false)
	order := make([]*leaf, 0, len(r.leaves))
	for _, l := range r.leaves {
		if l.strict {
			order = append(order, l)
		}
	}
	for _, l := range r.leaves {
		if !l.strict {
			order = append(order, l)
		}
	}
	for _, l := range order {
		if l.strict && accepts(l, value) {
			x.assign(l, pr, value)
			return
		}
	}
	if parts := splitValue(value, 0, oneOfSeparators); len(parts) > 1 {
		used := map[*leaf]bool{}
		var rest []string
		for _, part := range parts {
			placed := false
			for _, l := range order {
				if !used[l] && l.strict && accepts(l, part) {
					used[l], placed = true, true
					x.assign(l, pr, part)
					break
				}
			}
			if !placed {
				rest = append(rest, part)
			}
		}
		if len(rest) == 0 {
			return
		}
		value = strings.Join(rest, " / ")
		for _, l := range order {
			if !used[l] && !l.strict {
				x.assign(l, pr, value)
				return
			}
		}
		for _, l := range order {
			if !used[l] {
				x.assign(l, pr, value)
				return
			}
		}
		x.assign(order[0], pr, value)
		return
	}
	for _, l := range order {
		if !l.strict {
			x.assign(l, pr, value)
			return
		}
	}
	// No field takes it as it is: keep it in the first, for Validate to
	// explain the expected format.
	x.assign(order[0], pr, value)
}

func accepts(l *leaf, v string) bool {
	r := validate.Check(validate.Kind(l.f.Type), v, validate.Options{MaxLen: l.f.MaxLen})
	return r.Code == "" || r.Warning
}

var (
	oneOfSeparators = []string{" / ", ";", ",", " ou ", " e ", " | ", "/"}
	rangeSeparators = []string{";", " a ", " até ", " ate ", " – ", " — ", " - ", " / ", ",", " e ", " to ", " al ", " hasta ", " | "}
)

// splitValue splits v at the first separator that gives n non-blank parts
// (any number above one when n is 0).
func splitValue(v string, n int, seps []string) []string {
	for _, sep := range seps {
		parts := strings.Split(v, sep)
		if len(parts) < 2 || (n > 0 && len(parts) != n) {
			continue
		}
		ok := true
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
			ok = ok && parts[i] != ""
		}
		if ok {
			return parts
		}
	}
	return nil
}

// split handles a label naming two or more fields of one group, separated
// by "/": "Data(s) de início/Data(s) de termo: 01/02/2026 a 15/02/2026".
func (x *extraction) split(pr Pair, sec *group) bool {
	if !strings.Contains(pr.Label, "/") {
		return false
	}
	names := strings.Split(pr.Label, "/")
	var ls []*leaf
	for _, n := range names {
		k := labelKey(n)
		cands := x.plan.exact[k]
		if len(cands) == 0 {
			cands = x.plan.derivedIndex()[k]
		}
		if len(cands) == 0 {
			return false
		}
		l := x.choose(cands, nil, sec, pr.Section)
		if len(ls) > 0 && (l.g != ls[0].g || l == ls[len(ls)-1]) {
			return false
		}
		ls = append(ls, l)
	}
	parts := splitValue(cleanValue(pr.Value, false), len(ls), rangeSeparators)
	if parts == nil {
		return false
	}
	for i, l := range ls {
		x.assign(l, pr, parts[i])
	}
	return true
}

// Fuzzy label matching: a label matches a field's label, alias or key with
// a Dice coefficient of matched words of at least minLabelScore, or when
// it contains every word (two or more) of one of them: the words left over
// may then name the group ("Nº de utente principal").
const (
	minLabelScore = 0.8
	labelTie      = 0.05
	// maxLabelWords: a longer "label" (or heading) is prose; it is only
	// looked up as it is.
	maxLabelWords = 16
)

// fuzzy returns the leaves (or one-of rule) a label not found as such
// matches best, and the label's words left over.
func (x *extraction) fuzzy(ts []string) ([]*leaf, *oneOfRule, []string) {
	var al alignment
	ones := make([]float64, 0, 8)
	best := 0.0
	type hit struct {
		l     *leaf
		r     *oneOfRule
		score float64
		rest  []string
	}
	var hits []hit
	score := func(v []string) (float64, []string) {
		for len(ones) < len(v) {
			ones = append(ones, 1)
		}
		align(ts, v, al.simMatrix(ts, v), ones[:len(v)], &al)
		sum, matched := 0.0, 0
		for _, s := range al.sim {
			sum += s
			if s > 0 {
				matched++
			}
		}
		dice := 2 * sum / float64(len(ts)+len(v))
		covered := len(v) >= 2
		for _, u := range al.used {
			covered = covered && u
		}
		s := dice
		if covered && matched > 0 {
			if c := 0.8*sum/float64(matched) + 0.2*float64(len(v))/float64(len(ts)); c > s {
				s = c
			}
		}
		var rest []string
		for i, t := range ts {
			if al.sim[i] == 0 {
				rest = append(rest, t)
			}
		}
		return s, rest
	}
	x.plan.leafVariants()
	for _, l := range x.plan.leaves {
		for _, v := range l.variants {
			if s, rest := score(v); s >= minLabelScore {
				hits = append(hits, hit{l: l, score: s, rest: rest})
				best = max(best, s)
			}
		}
	}
	for _, r := range x.plan.rules {
		for _, v := range r.keys {
			if s, rest := score(v); s >= minLabelScore {
				hits = append(hits, hit{r: r, score: s, rest: rest})
				best = max(best, s)
			}
		}
	}
	var ls []*leaf
	var rules []*oneOfRule
	var rest []string
	for _, h := range hits {
		switch {
		case h.score < best-labelTie:
		case h.r != nil:
			if !slices.Contains(rules, h.r) {
				rules = append(rules, h.r)
			}
		case !slices.Contains(ls, h.l):
			ls = append(ls, h.l)
			if rest == nil {
				rest = h.rest
			}
		}
	}
	switch {
	case len(rules) > 0 && len(ls) > 0, len(rules) > 1:
		return nil, nil, nil // fields and one-of rules alike: ambiguous
	case len(rules) == 1:
		return nil, rules[0], nil
	}
	// Different fields of one group are no group choice: ambiguous.
	for i := range ls {
		for j := i + 1; j < len(ls); j++ {
			if ls[i].g == ls[j].g {
				return nil, nil, nil
			}
		}
	}
	return ls, nil, rest
}
