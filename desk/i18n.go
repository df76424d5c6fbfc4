package desk

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"balcao/catalog"
)

// The console's languages, fallback first.
var languages = []string{catalog.LangPT, catalog.LangBR, catalog.LangEN, catalog.LangES}

// languageNames are the languages in their own words, as a switch shows them.
var languageNames = map[string]string{
	catalog.LangPT: "Português (Portugal)",
	catalog.LangBR: "Português (Brasil)",
	catalog.LangEN: "English",
	catalog.LangES: "Español",
}

// msg is one console string in every language.
type msg struct{ PT, BR, EN, ES string }

func (m msg) in(lang string) string {
	switch lang {
	case catalog.LangBR:
		return m.BR
	case catalog.LangEN:
		return m.EN
	case catalog.LangES:
		return m.ES
	}
	return m.PT
}

// Localizer translates console strings into one language. Templates call
// {{.L.T "key"}}; an unknown key shows itself in brackets (and the tests
// fail on it).
type Localizer struct{ Lang string }

// T returns the string key in the localizer's language, formatted with args.
func (l Localizer) T(key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return "[" + key + "]"
	}
	s := m.in(l.Lang)
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

const langCookie = "balcao_lang"

// pickLanguage chooses the language of a response: the switch's cookie,
// then the signed-in user's language, then the browser's Accept-Language,
// then pt-PT.
func pickLanguage(r *http.Request, userLang string) string {
	if c, err := r.Cookie(langCookie); err == nil {
		if l := supported(c.Value); l != "" {
			return l
		}
	}
	if l := supported(userLang); l != "" {
		return l
	}
	for _, tag := range acceptLanguages(r.Header.Get("Accept-Language")) {
		if l := supported(tag); l != "" {
			return l
		}
	}
	return catalog.LangPT
}

func supported(tag string) string {
	if tag == "" {
		return ""
	}
	return catalog.NormLang(tag)
}

// acceptLanguages returns the tags of an Accept-Language header, most
// preferred first (q=0 left out).
func acceptLanguages(h string) []string {
	type tq struct {
		tag string
		q   float64
	}
	var list []tq
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if tag != "" && tag != "*" && q > 0 {
			list = append(list, tq{tag, q})
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].q > list[j].q })
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = x.tag
	}
	return out
}
