package catalog

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// FuzzParse feeds random bytes to the loader: it must never panic, and every
// problem must say what is wrong.
//
// Run with a short minimisation time, or the fuzzer spends its first minute
// shrinking the first interesting input:
//
//	go test ./catalog -run '^$' -fuzz FuzzParse -fuzztime 20s -fuzzminimizetime 2s
func FuzzParse(f *testing.F) {
	// Small seeds: the fuzzer minimises every input it finds interesting,
	// and minimising a whole default file would take the whole run.
	f.Add([]byte(base + second))
	f.Add([]byte(richSeed))
	f.Add([]byte("teams: [{code: a, name: x}]\nservices: [{code: s, request_types: [{code: r, fields: [{key: k, type: group, fields: [{key: k}]}]}]}]"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("services:\n  - <<: [*x]\n"))
	f.Add([]byte("definitions: {x: &x {key: a}}\nservices: [{code: s, request_types: [{code: r, fields: [{<<: *x, key: b}], one_of: [{fields: [a, b]}]}]}]\n"))
	f.Add([]byte("\t- :\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, problems := Parse(map[string][]byte{"f.yaml": data})
		if c == nil {
			t.Fatal("nil catalogue")
		}
		for _, p := range problems {
			if p.Message == "" {
				t.Fatalf("empty problem: %#v", p)
			}
		}
		// Whatever loaded can be exported and validated.
		_ = c.Export("en")
		for _, rt := range c.RequestTypes() {
			rt.Validate(map[string]string{"a": "b"}, []Attachment{{Filename: "x.png"}}, "pt-PT", time.Time{})
		}
	})
}

// richSeed uses every construct of the format once.
const richSeed = `definitions:
  n: &n {key: nnu, label: {pt-PT: N, pt-BR: N, en: N, es: N}, type: nnu, required: true, aliases: [Nº]}
teams: [{code: t, name: {pt-PT: T, pt-BR: T, en: T, es: T}}]
services:
  - code: s
    name: {pt-PT: S, pt-BR: S, en: S, es: S}
    language: pt-PT
    address: a@b.pt
    request_types:
      - code: r
        title: {pt-PT: R, pt-BR: R, en: R, es: R}
        subject: "S – R"
        team: t
        impact: 1
        urgency: 3
        channels: [email, api]
        fields:
          - {<<: *n, required: false}
          - key: g
            label: {pt-PT: G, pt-BR: G, en: G, es: G}
            repeat: true
            template: true
            min: 1
            max: 3
            fields:
              - *n
              - {key: d, label: {pt-PT: D, pt-BR: D, en: D, es: D}, type: date, past_only: true}
              - {key: c, label: {pt-PT: C, pt-BR: C, en: C, es: C}, type: choice, choices: [{value: A, aliases: [a]}]}
            one_of: [{label: {pt-PT: O, pt-BR: O, en: O, es: O}, fields: [d, c]}]
          - {key: h, label: {pt-PT: H, pt-BR: H, en: H, es: H}, conditional: true, fields: [*n]}
        attachments:
          - {key: p, label: {pt-PT: P, pt-BR: P, en: P, es: P}, required: true, media_types: [image/*], max: 2}
`

var fuzzCatalog = sync.OnceValues(Default)

// FuzzValidate feeds random values to every request type: Validate must
// never panic, and every problem must name its field and say how to fix it.
//
//	go test ./catalog -run '^$' -fuzz FuzzValidate -fuzztime 20s -fuzzminimizetime 2s
func FuzzValidate(f *testing.F) {
	c, err := fuzzCatalog()
	if err != nil {
		f.Fatal(err)
	}
	rts := c.RequestTypes()
	f.Add(uint8(0), "medicos[0].cedula", "45a23", "tipo_pedido", "a)", "image/png", "x.png", "pt-PT")
	f.Add(uint8(5), "utente.niss", "11234567892", "cit[3].boletim", "B1", "", "a.xml", "en")
	f.Add(uint8(12), "cit[99999].data_inicio", "31/02/2024", "utente.data_nascimento", "2999-01-01", "text/xml", "", "es")
	f.Add(uint8(30), "cnpj", "12.ABC.345/01DE-35", "uasg", "20005A", "application/pdf", "a.pdf", "pt-BR")
	f.Add(uint8(31), "[", "]", "medicos[", "\x00\xff", ";;", "..", "xx")
	f.Fuzz(func(t *testing.T, which uint8, k1, v1, k2, v2, mt, name, lang string) {
		rt := rts[int(which)%len(rts)]
		values := map[string]string{k1: v1, k2: v2}
		// Also put the random value under each real key, so every kind of
		// validator sees it.
		for _, ef := range rt.Export(LangPT).Fields {
			values[strings.ReplaceAll(ef.Path, "[]", "[0]")] = v1
			for _, c := range ef.Fields {
				values[strings.ReplaceAll(c.Path, "[]", "[1]")] = v2
			}
		}
		out, ps := rt.Validate(values, []Attachment{{Filename: name, MediaType: mt, Size: int64(len(v1))}}, lang, time.Now())
		if out == nil {
			t.Fatal("nil result")
		}
		for _, p := range ps {
			if p.Field == "" || p.Label == "" || p.Fix == "" || !strings.HasPrefix(p.Message, p.Label+": ") {
				t.Fatalf("bad problem %+v", p)
			}
		}
	})
}
