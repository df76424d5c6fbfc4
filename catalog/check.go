package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"balcao/validate"
)

var (
	codeRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	keyRe  = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	// mediaRe accepts type/subtype with an optional "*" subtype.
	mediaRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.+-]*/([a-z0-9][a-z0-9.+-]*|\*)$`)
)

// Check lints the catalogue: unknown field types, duplicate codes and keys,
// duplicate subjects at one intake address (compared without case, accents
// or dash differences), missing translations (every Text needs pt-PT, pt-BR,
// en and es), unknown teams, choice fields without values, impact or urgency
// outside 1..3, unknown channels, and the smaller mistakes around them. Each
// problem carries the file and line of the element at fault.
func (c *Catalog) Check() []Problem {
	ck := &checker{}
	teams := map[string]*Team{}
	for _, t := range c.Teams {
		if t.Code == "" {
			ck.add(t.pos, "team without code")
		} else if !codeRe.MatchString(t.Code) {
			ck.add(t.at("code"), "team code %q: use lowercase letters, digits and hyphens", t.Code)
		}
		if prev, ok := teams[t.Code]; ok && t.Code != "" {
			ck.add(t.at("code"), "duplicate team code %q (first declared at %s:%d)", t.Code, prev.file, prev.line)
		}
		teams[t.Code] = t
		ck.text(t.at("name"), "team "+t.Code+" name", t.Name, true)
	}
	svcs := map[string]*Service{}
	rts := map[string]*RequestType{}
	type subjKey struct{ addr, subj string }
	subjects := map[subjKey]*RequestType{}
	for _, s := range c.Services {
		where := fmt.Sprintf("service %q", s.Code)
		if s.Code == "" {
			ck.add(s.pos, "service without code")
		} else if !codeRe.MatchString(s.Code) {
			ck.add(s.at("code"), "%s: use lowercase letters, digits and hyphens in the code", where)
		}
		if prev, ok := svcs[s.Code]; ok {
			ck.add(s.at("code"), "duplicate service code %q (first declared at %s:%d)", s.Code, prev.file, prev.line)
		}
		svcs[s.Code] = s
		ck.text(s.at("name"), where+" name", s.Name, true)
		ck.text(s.at("help"), where+" help", s.Help, false)
		for i, n := range s.Notes {
			ck.text(s.at("notes"), fmt.Sprintf("%s note %d", where, i+1), n, true)
		}
		switch s.Language {
		case LangPT, LangBR:
		case "":
			ck.add(s.pos, "%s: language missing (pt-PT or pt-BR)", where)
		default:
			if !slices.Contains(Languages, s.Language) {
				ck.add(s.at("language"), "%s: unknown language %q (use one of %s)", where, s.Language, strings.Join(Languages, ", "))
			}
		}
		if s.Address != "" && !plausibleAddress(s.Address) {
			ck.add(s.at("address"), "%s: %q is not an email address", where, s.Address)
		}
		if len(s.RequestTypes) == 0 {
			ck.add(s.pos, "%s has no request types", where)
		}
		for _, rt := range s.RequestTypes {
			if rt.Code == "" {
				ck.add(rt.pos, "%s: request type without code", where)
			} else if !codeRe.MatchString(rt.Code) {
				ck.add(rt.at("code"), "request type code %q: use lowercase letters, digits and hyphens", rt.Code)
			}
			if prev, ok := rts[rt.Code]; ok {
				ck.add(rt.at("code"), "duplicate request type code %q (first declared at %s:%d)", rt.Code, prev.file, prev.line)
			}
			rts[rt.Code] = rt
			ck.requestType(s, rt, teams)
			if rt.Subject != "" && s.Address != "" && !rt.Disabled {
				k := subjKey{normAddr(s.Address), normSubject(rt.Subject)}
				if prev, ok := subjects[k]; ok {
					ck.add(rt.at("subject"), "request type %q: subject %q is already used by %q at the same address %s (%s:%d)",
						rt.Code, rt.Subject, prev.Code, s.Address, prev.file, prev.line)
				} else {
					subjects[k] = rt
				}
			}
		}
	}
	ck.checkLevels(c)
	return ck.problems
}

type checker struct{ problems []Problem }

func (ck *checker) add(p pos, format string, args ...any) {
	ck.problems = append(ck.problems, Problem{File: p.file, Line: p.line, Message: fmt.Sprintf(format, args...)})
}

// text checks that t has every language; required says it must exist at all.
func (ck *checker) text(p pos, what string, t Text, required bool) {
	if len(t) == 0 {
		if required {
			ck.add(p, "%s is missing", what)
		}
		return
	}
	var missing []string
	for _, l := range Languages {
		if strings.TrimSpace(t[l]) == "" {
			missing = append(missing, l)
		}
	}
	if len(missing) > 0 {
		ck.add(p, "%s: missing translation for %s", what, strings.Join(missing, ", "))
	}
}

func (ck *checker) requestType(s *Service, rt *RequestType, teams map[string]*Team) {
	where := fmt.Sprintf("request type %q", rt.Code)
	ck.text(rt.at("title"), where+" title", rt.Title, true)
	ck.text(rt.at("help"), where+" help", rt.Help, false)
	for i, n := range rt.Notes {
		ck.text(rt.at("notes"), fmt.Sprintf("%s note %d", where, i+1), n, true)
	}
	if rt.Team == "" {
		ck.add(rt.pos, "%s: team missing", where)
	} else if teams[rt.Team] == nil {
		ck.add(rt.at("team"), "%s: unknown team %q", where, rt.Team)
	}
	if rt.Impact < 1 || rt.Impact > 3 {
		ck.add(rt.at("impact"), "%s: impact %d is outside 1 (high) to 3 (low)", where, rt.Impact)
	}
	if rt.Urgency < 1 || rt.Urgency > 3 {
		ck.add(rt.at("urgency"), "%s: urgency %d is outside 1 (high) to 3 (low)", where, rt.Urgency)
	}
	if len(rt.Channels) == 0 {
		ck.add(rt.at("channels"), "%s: no channels", where)
	}
	seenCh := map[string]bool{}
	for _, ch := range rt.Channels {
		if !ch.Valid() {
			ck.add(rt.at("channels"), "%s: unknown channel %q (use email, portal, phone or api)", where, ch)
		}
		if seenCh[string(ch)] {
			ck.add(rt.at("channels"), "%s: channel %q listed twice", where, ch)
		}
		seenCh[string(ch)] = true
	}
	if seenCh["email"] && s.Address == "" {
		ck.add(rt.at("channels"), "%s accepts email but service %q has no address", where, s.Code)
	}
	if strings.TrimSpace(rt.Subject) != rt.Subject {
		ck.add(rt.at("subject"), "%s: subject has leading or trailing spaces", where)
	}
	keys := map[string]pos{}
	ck.fields(rt, rt.Fields, "", keys, false)
	ck.oneOf(rt.OneOf, rt.Fields, where)
	templates := 0
	walkFields(rt.Fields, func(f *Field) {
		if f.Template {
			templates++
		}
	})
	if templates > 1 {
		ck.add(rt.pos, "%s: only one group may take its rows from the Excel template", where)
	}
	slots := map[string]bool{}
	for _, a := range rt.Attachments {
		w := fmt.Sprintf("%s attachment %q", where, a.Key)
		switch {
		case a.Key == "":
			ck.add(a.pos, "%s: attachment without key", where)
		case !keyRe.MatchString(a.Key):
			ck.add(a.at("key"), "%s: use lowercase letters, digits and underscores in the key", w)
		case slots[a.Key]:
			ck.add(a.at("key"), "%s: duplicate attachment key", w)
		}
		if _, clash := keys[a.Key]; clash {
			ck.add(a.at("key"), "%s: a field has the same key", w)
		}
		slots[a.Key] = true
		ck.text(a.at("label"), w+" label", a.Label, true)
		ck.text(a.at("help"), w+" help", a.Help, false)
		if len(a.MediaTypes) == 0 {
			ck.add(a.at("media_types"), "%s: no media types", w)
		}
		for _, m := range a.MediaTypes {
			if !mediaRe.MatchString(m) {
				ck.add(a.at("media_types"), "%s: %q is not a media type", w, m)
			}
		}
		if a.Max < 0 || a.MaxBytes < 0 {
			ck.add(a.at("max"), "%s: max and max_bytes cannot be negative", w)
		}
	}
}

func walkFields(fs []*Field, fn func(*Field)) {
	for _, f := range fs {
		if f == nil {
			continue
		}
		fn(f)
		walkFields(f.Fields, fn)
	}
}

func (ck *checker) fields(rt *RequestType, fs []*Field, prefix string, keys map[string]pos, inRepeat bool) {
	siblings := map[string]bool{}
	for _, f := range fs {
		if f == nil {
			continue
		}
		path := prefix + f.Key
		where := fmt.Sprintf("request type %q field %q", rt.Code, path)
		switch {
		case f.Key == "":
			ck.add(f.pos, "request type %q: field without key", rt.Code)
		case !keyRe.MatchString(f.Key):
			ck.add(f.at("key"), "%s: use lowercase letters, digits and underscores in the key", where)
		case siblings[f.Key]:
			prev := keys[path]
			ck.add(f.at("key"), "%s: duplicate field key (first at %s:%d)", where, prev.file, prev.line)
		}
		if !siblings[f.Key] {
			keys[path] = f.pos
		}
		siblings[f.Key] = true
		ck.text(f.at("label"), where+" label", f.Label, true)
		ck.text(f.at("help"), where+" help", f.Help, false)
		if f.IsGroup() {
			ck.group(rt, f, path, where, keys, inRepeat)
			continue
		}
		if f.Type == "" {
			ck.add(f.pos, "%s: type missing", where)
		} else if !validate.KnownKind(validate.Kind(f.Type)) {
			ck.add(f.at("type"), "%s: unknown field type %q", where, f.Type)
		}
		if len(f.OneOf) > 0 || f.Repeat || f.Conditional || f.Template || f.Min != 0 || f.Max != 0 || len(f.ItemLabel) > 0 {
			ck.add(f.pos, "%s: one_of, repeat, conditional, template, min, max and item_label apply to groups only", where)
		}
		if f.Type == "choice" {
			if len(f.Choices) == 0 {
				ck.add(f.at("choices"), "%s: choice field without values", where)
			}
			seen := map[string]bool{}
			for _, ch := range f.Choices {
				if ch == nil {
					continue
				}
				if strings.TrimSpace(ch.Value) == "" {
					ck.add(ch.at("value"), "%s: choice without value", where)
				}
				n := normLabel(ch.Value)
				if seen[n] {
					ck.add(ch.at("value"), "%s: choice %q listed twice", where, ch.Value)
				}
				seen[n] = true
				ck.text(ch.at("label"), fmt.Sprintf("%s choice %q label", where, ch.Value), ch.Label, false)
			}
			if f.Default != "" && !slices.ContainsFunc(f.Choices, func(c *Choice) bool { return c != nil && c.Value == f.Default }) {
				ck.add(f.at("default"), "%s: default %q is not one of its choices", where, f.Default)
			}
		} else if len(f.Choices) > 0 {
			ck.add(f.at("choices"), "%s: choices given for a field of type %q", where, f.Type)
		}
		if f.PastOnly && f.Type != "date" {
			ck.add(f.at("past_only"), "%s: past_only applies to dates only", where)
		}
		if f.MaxLen < 0 {
			ck.add(f.at("max_len"), "%s: max_len cannot be negative", where)
		}
	}
}

func (ck *checker) group(rt *RequestType, f *Field, path, where string, keys map[string]pos, inRepeat bool) {
	if f.Type != "" && f.Type != "group" {
		ck.add(f.at("type"), "%s: a field with fields must have type group", where)
	}
	if len(f.Fields) == 0 {
		ck.add(f.pos, "%s: group without fields", where)
	}
	if len(f.Choices) > 0 || f.PastOnly || f.Default != "" || f.MaxLen != 0 {
		ck.add(f.pos, "%s: choices, past_only, default and max_len apply to values, not groups", where)
	}
	if f.Required {
		ck.add(f.at("required"), "%s: a group is not required itself; mark its fields required (or set min on a repeatable group)", where)
	}
	if !f.Repeat && (f.Min != 0 || f.Max != 0 || f.Template || len(f.ItemLabel) > 0) {
		ck.add(f.pos, "%s: min, max, item_label and template apply to repeatable groups only", where)
	}
	if f.Min < 0 || f.Max < 0 || (f.Max > 0 && f.Min > f.Max) {
		ck.add(f.at("min"), "%s: min and max must satisfy 0 <= min <= max", where)
	}
	if f.Min > maxItemIndex+1 || f.Max > maxItemIndex+1 {
		ck.add(f.at("max"), "%s: a repeatable group holds at most %d items", where, maxItemIndex+1)
	}
	if f.Repeat && f.Conditional && f.Min > 0 {
		ck.add(f.pos, "%s: a conditional group cannot have a minimum number of items", where)
	}
	if f.Repeat && inRepeat {
		ck.add(f.pos, "%s: repeatable groups cannot be nested", where)
	}
	ck.text(f.at("item_label"), where+" item_label", f.ItemLabel, false)
	if f.Template {
		for _, c := range f.Fields {
			if c != nil && c.IsGroup() {
				ck.add(c.pos, "%s: a template group holds values only, not groups", where)
			}
		}
	}
	ck.fields(rt, f.Fields, path+".", keys, inRepeat || f.Repeat)
	ck.oneOf(f.OneOf, f.Fields, where)
}

// oneOf checks one-of rules against the sibling fields they name.
func (ck *checker) oneOf(rules []*OneOf, fields []*Field, where string) {
	byKey := make(map[string]*Field, len(fields))
	for _, f := range fields {
		if f != nil {
			if _, dup := byKey[f.Key]; !dup {
				byKey[f.Key] = f
			}
		}
	}
	for _, o := range rules {
		if o == nil {
			continue
		}
		ck.text(o.at("label"), where+" one_of label", o.Label, true)
		if len(o.Fields) < 2 {
			ck.add(o.at("fields"), "%s: one_of needs at least two fields", where)
		}
		for _, k := range o.Fields {
			f := byKey[k]
			switch {
			case f == nil:
				ck.add(o.at("fields"), "%s: one_of names unknown field %q", where, k)
			case f.IsGroup():
				ck.add(o.at("fields"), "%s: one_of field %q is a group", where, k)
			case f.Required:
				ck.add(o.at("fields"), "%s: one_of field %q is also required on its own", where, k)
			}
		}
	}
}

func plausibleAddress(a string) bool {
	at := strings.LastIndexByte(a, '@')
	return at > 0 && at < len(a)-3 && strings.Contains(a[at:], ".") && !strings.ContainsAny(a, " <>,;")
}

// normSubject folds a subject for comparison: no accents, no case, every
// kind of dash as "-", spaces collapsed and spaces around dashes removed.
func normSubject(s string) string {
	s = foldString(s)
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\ufe58', '\ufe63', '\uff0d':
			r = '-'
		}
		b.WriteRune(r)
	}
	s = strings.Join(strings.Fields(b.String()), " ")
	return strings.ReplaceAll(strings.ReplaceAll(s, " -", "-"), "- ", "-")
}

// foldString removes accents (of the Latin letters Portuguese and Spanish
// use, precomposed or combining) and case.
func foldString(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r < 0x80 {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		if f, ok := accentFold[r]; ok {
			r = f
		}
		b.WriteRune(r)
	}
	return b.String()
}

var accentFold = func() map[rune]rune {
	m := map[rune]rune{}
	for base, accented := range map[rune]string{
		'a': "áàâãäåā", 'e': "éèêëē", 'i': "íìîïī", 'o': "óòôõöō", 'u': "úùûüū",
		'c': "ç", 'n': "ñ", 'y': "ýÿ",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()

// normLabel folds a label for matching headers and choices: no accents, no
// case, punctuation as spaces, "nº"/"n.º"/"no." as "n", spaces collapsed.
func normLabel(s string) string {
	s = foldString(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == 'º' || r == 'ª' || r == '°':
			// "nº", "n.º": the ordinal mark goes, the n stays.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
