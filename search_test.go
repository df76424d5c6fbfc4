package balcao

import (
	"slices"
	"strings"
	"testing"
)

func TestParseSearch(t *testing.T) {
	for _, c := range []struct {
		in    string
		kind  SearchKind
		value string // number, identifier or words joined by "|"
	}{
		{"SD-2026-000123", SearchNumber, "SD-2026-000123"},
		{" sd-2026-000123 ", SearchNumber, "SD-2026-000123"},
		{"#SD-2026-000123", SearchNumber, "SD-2026-000123"},
		{"SD-2026-123", SearchNumber, "SD-2026-000123"},
		{"sd-2026-1234567", SearchNumber, "SD-2026-1234567"},
		{"2026-000123", SearchNumber, "SD-2026-000123"},
		{"XY-2025-7", SearchNumber, "XY-2025-000007"},
		{"SD-2026-0", SearchIdentifier, "SD20260"},
		{"2026-123", SearchIdentifier, "2026123"},
		{"2026-03-01", SearchIdentifier, "20260301"},
		{"11234567892", SearchIdentifier, "11234567892"},
		{"112 345 678 92", SearchIdentifier, "11234567892"},
		{"529.982.247-25", SearchIdentifier, "52998224725"},
		{"16.727.230/0001-97", SearchIdentifier, "16727230000197"},
		{"12.abc.345/01de-35", SearchIdentifier, "12ABC34501DE35"},
		{"45123", SearchIdentifier, "45123"},
		{"1234", SearchWords, "1234"},
		{"erro 500 12345", SearchWords, "erro|500|12345"},
		{"Retificação do óbito", SearchWords, "Retificação|do|óbito"},
		{`"retificacao" AND NEAR(obito*`, SearchWords, "retificacao|AND|NEAR|obito"},
		{`'; drop table tickets; --`, SearchWords, "drop|table|tickets"},
		{`"`, SearchNothing, ""},
		{`* ^ : ( )`, SearchNothing, ""},
		{"\u0301\u0301", SearchNothing, ""},
		{"ana@usf.min-saude.pt", SearchWords, "ana|usf|min|saude|pt"},
	} {
		got, err := ParseSearch(c.in, "SD")
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		var v string
		switch got.Kind {
		case SearchNumber:
			v = string(got.Number)
		case SearchIdentifier:
			v = got.Identifier
		case SearchWords:
			v = strings.Join(got.Words, "|")
		}
		if got.Kind != c.kind || v != c.value {
			t.Errorf("%q: kind %d %q, want %d %q", c.in, got.Kind, v, c.kind, c.value)
		}
	}
	if got, _ := ParseSearch("529.982.247-25", "SD"); !slices.Equal(got.Groups, []string{"529", "982", "247", "25"}) {
		t.Errorf("groups %q", got.Groups)
	}
	for _, in := range []string{"", "   ", strings.Repeat("a", MaxSearchLen+1)} {
		if _, err := ParseSearch(in, "SD"); ErrorCode(err) != EINVALID {
			t.Errorf("%q: %v, want EINVALID", in, err)
		}
	}
	if got, _ := ParseSearch(strings.Repeat("palavra ", 30), "SD"); len(got.Words) != maxSearchWords {
		t.Errorf("%d words", len(got.Words))
	}
}
