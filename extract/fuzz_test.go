package extract

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"balcao/catalog"
)

// FuzzClassify: any subject, however broken, classifies without a panic,
// the same way every time, whether normalised first or not, and only to a
// request type of the address.
func FuzzClassify(f *testing.F) {
	for _, c := range classifyCases {
		f.Add(c.subject)
	}
	f.Add("RE: [#SD-2026-000123] \xff\xfe CIT –– – – ")
	f.Add(strings.Repeat("indisponibilidade ", 200))
	cat := defaultCatalog(f)
	cands := Candidates(cat, spms)
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeSubject(s)
		if NormalizeSubject(n) != n {
			t.Fatalf("NormalizeSubject not idempotent: %q -> %q -> %q", s, n, NormalizeSubject(n))
		}
		m1, ok1 := Classify(cat, spms, n)
		m2, ok2 := Classify(cat, spms, n)
		m3, ok3 := Classify(cat, spms, s)
		if ok1 != ok2 || m1 != m2 || ok1 != ok3 || m1 != m3 {
			t.Fatalf("Classify(%q) not deterministic: %+v %v, %+v %v, raw %+v %v", s, m1, ok1, m2, ok2, m3, ok3)
		}
		if !ok1 {
			return
		}
		if m1.Score < MinScore || m1.Score > 1 {
			t.Fatalf("Classify(%q) score %v", s, m1.Score)
		}
		found := false
		for _, c := range cands {
			found = found || c == m1.RequestType
		}
		if !found {
			t.Fatalf("Classify(%q) = %s, not a request type of the address", s, m1.RequestType.Code)
		}
	})
}

// FuzzFields: any pairs, without a panic, give values only under key paths
// of the request type, never blank, and the same answer from Fields and
// from a prepared Extractor.
func FuzzFields(f *testing.F) {
	for _, m := range messages {
		ps := pairsOf(m.body)
		if len(ps) > 2 {
			f.Add(m.code, ps[0].Label, ps[0].Value, ps[0].Section, ps[1].Label, ps[1].Value, ps[2].Label, ps[2].Value)
		}
	}
	f.Add("cit-f", "Data(s) de início/Data(s) de termo", "1 a 2", "CIT 9999", "NISS ou nº de beneficiário", "x / y / z", "Nº", "º")
	f.Add("webrnu-f", "(((", ")))", "Principal", "Nome Completo", "a", "Nome Completo", "b")
	cat := defaultCatalog(f)
	paths := map[string]map[string]bool{}
	for _, rt := range cat.RequestTypes() {
		paths[rt.Code] = map[string]bool{}
		var walk func(fs []catalog.ExportedField)
		walk = func(fs []catalog.ExportedField) {
			for _, fl := range fs {
				if len(fl.Fields) > 0 {
					walk(fl.Fields)
					continue
				}
				paths[rt.Code][fl.Path] = true
			}
		}
		walk(rt.Export(catalog.LangPT).Fields)
	}
	extractors := map[string]*Extractor{}
	for _, rt := range cat.RequestTypes() {
		extractors[rt.Code] = NewExtractor(rt)
	}
	index := regexp.MustCompile(`\[\d+\]`)
	codes := []string{"cit-a1", "cit-d1", "cit-f", "cit-g", "cit-i1", "webrnu-a", "webrnu-f", "webrnu-k"}
	f.Fuzz(func(t *testing.T, code, l1, v1, sec, l2, v2, l3, v3 string) {
		rt := cat.RequestType(code)
		if rt == nil {
			rt = cat.RequestType(codes[len(code)%len(codes)])
		}
		pairs := []Pair{
			{Label: l1, Value: v1, Section: sec, Line: 1},
			{Label: l2, Value: v2, Section: sec, Line: 2},
			{Label: l3, Value: v3, Section: "", Line: 3},
			{Label: l1, Value: v3, Section: l2, Line: 4},
			{Label: l2 + "/" + l3, Value: v1 + " a " + v2, Section: sec, Line: 5},
		}
		res := extractors[rt.Code].Fields(pairs)
		if res.Values == nil {
			t.Fatal("nil Values")
		}
		for k, v := range res.Values {
			if !paths[rt.Code][index.ReplaceAllString(k, "[]")] {
				t.Fatalf("%s: value under unknown key %q", rt.Code, k)
			}
			if strings.TrimSpace(v) == "" {
				t.Fatalf("%s: blank value under %q", rt.Code, k)
			}
		}
		nonBlank := 0
		for _, p := range pairs {
			if strings.TrimSpace(p.Value) != "" {
				nonBlank++
			}
		}
		if len(res.Unmatched) > nonBlank {
			t.Fatalf("more unmatched pairs (%d) than pairs (%d)", len(res.Unmatched), nonBlank)
		}
		again := Fields(rt, pairs)
		if !maps.Equal(again.Values, res.Values) || !slices.Equal(again.Unmatched, res.Unmatched) || !slices.Equal(again.Conflicts, res.Conflicts) {
			t.Fatalf("Fields and Extractor differ:\n%+v\n%+v", again, res)
		}
		Describe(rt, res.Values, v1)
	})
}
