package balcao_test

import (
	"testing"

	"balcao"
)

// The text for a reply: the requester's language, then the service's,
// then pt-PT, then any.
func TestCannedTextIn(t *testing.T) {
	all := &balcao.CannedResponse{Texts: map[string]string{"pt-PT": "PT", "pt-BR": "BR", "en": "EN", "es": "ES"}}
	noPT := &balcao.CannedResponse{Texts: map[string]string{"en": "EN", "es": "ES"}}
	onlyES := &balcao.CannedResponse{Texts: map[string]string{"es": "ES"}}
	for _, tc := range []struct {
		c     *balcao.CannedResponse
		langs []string
		want  string
	}{
		{all, []string{"pt-BR", "pt-PT"}, "BR"},
		{all, []string{"es", "pt-BR"}, "ES"},
		{all, []string{"", "pt-BR"}, "BR"},
		{all, nil, "PT"},
		{noPT, []string{"pt-BR", "pt-BR"}, "EN"}, // neither: not pt-PT either, so the first of the list
		{noPT, []string{"pt-BR", "es"}, "ES"},    // the service's language
		{onlyES, []string{"pt-PT", "pt-PT"}, "ES"},
		{&balcao.CannedResponse{Texts: map[string]string{"pt-PT": "PT", "en": "EN"}}, []string{"pt-BR", "pt-BR"}, "PT"},
	} {
		got, lang := tc.c.TextIn(tc.langs...)
		if got != tc.want || tc.c.Texts[lang] != got {
			t.Errorf("%v TextIn(%q) = %q (%s), want %q", tc.c.Texts, tc.langs, got, lang, tc.want)
		}
	}
	if got, lang := (&balcao.CannedResponse{}).TextIn("pt-PT"); got != "" || lang != "" {
		t.Errorf("no texts: %q %q", got, lang)
	}
}
