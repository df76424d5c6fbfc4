package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func mustDefault(t testing.TB) *Catalog {
	t.Helper()
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDefaultHasNoProblems(t *testing.T) {
	c, problems, err := LoadDir("")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	if len(c.Teams) == 0 || len(c.Services) != 5 {
		t.Errorf("default catalogue: %d teams, %d services", len(c.Teams), len(c.Services))
	}
	names, err := fs.Glob(DefaultFiles(), "default/*.yaml")
	if err != nil || len(names) != 7 {
		t.Errorf("DefaultFiles: %v %v", names, err)
	}
}

func TestTextGet(t *testing.T) {
	tx := Text{LangPT: "Nome", LangEN: "Name"}
	for lang, want := range map[string]string{
		"en": "Name", "en-GB": "Name", "EN_us": "Name", "pt-PT": "Nome", "pt": "Nome",
		"pt-BR": "Nome", "es": "Nome", "": "Nome", "fr": "Nome",
	} {
		if got := tx.Get(lang); got != want {
			t.Errorf("Get(%q) = %q, want %q", lang, got, want)
		}
	}
	if got := (Text{LangES: "Nombre"}).Get("pt-PT"); got != "Nombre" {
		t.Errorf("fallback to any language = %q", got)
	}
	if got := (Text(nil)).Get("en"); got != "" {
		t.Errorf("nil Text = %q", got)
	}
	for in, want := range map[string]string{"pt_br": LangBR, "PT-BR": LangBR, "pt-pt": LangPT, "es-419": LangES, "de": "", " en ": LangEN} {
		if got := NormLang(in); got != want {
			t.Errorf("NormLang(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLookups(t *testing.T) {
	c := mustDefault(t)
	if c.RequestType(" CIT-A1 ") == nil || c.RequestType("nope") != nil {
		t.Error("RequestType lookup")
	}
	rts := c.ByAddress("Centro de Suporte <ServiceDesk@spms.min-saude.pt>")
	if len(rts) != 29 || rts[0].Code != "cit-a1" || rts[28].Code != "webrnu-k" {
		t.Errorf("ByAddress = %d types", len(rts))
	}
	if got := c.ByAddress("plataformaservicos@seg-social.pt"); len(got) != 1 || got[0].Code != "ssi-acesso-qualidade" {
		t.Errorf("ByAddress(seg-social) = %v", got)
	}
	if c.ByAddress("nobody@example.org") != nil {
		t.Error("unknown address matched")
	}
	if got := c.Addresses(); !slices.Equal(got, []string{"plataformaservicos@seg-social.pt", "servicedesk@spms.min-saude.pt"}) {
		t.Errorf("Addresses = %v", got)
	}
	rt := c.RequestType("cit-e1")
	if rt.Service().Code != "cit" || rt.Language() != LangPT || rt.Priority() != 1 || !rt.Accepts("email") || rt.Accepts("fax") {
		t.Errorf("cit-e1: %s %s %d", rt.Service().Code, rt.Language(), rt.Priority())
	}
	if c.RequestType("comprasgov-erro-siasg").Language() != LangBR {
		t.Error("Compras.gov.br is pt-BR")
	}
	if c.Team("spms-cit") == nil || c.Team("x") != nil {
		t.Error("Team lookup")
	}
}

// base is a small valid catalogue file; lint tests break one thing in it
// and mark the line where the problem must be reported with "# here".
const base = `teams:
  - code: t1
    name: {pt-PT: Equipa, pt-BR: Equipe, en: Team, es: Equipo}
services:
  - code: s1
    name: {pt-PT: Serviço, pt-BR: Serviço, en: Service, es: Servicio}
    language: pt-PT
    address: desk@example.org
    request_types:
      - code: s1-a
        title: {pt-PT: Pedido A, pt-BR: Pedido A, en: Request A, es: Solicitud A}
        subject: "S1 – Pedido A"
        team: t1
        impact: 2
        urgency: 2
        channels: [email, portal]
        fields:
          - key: nome
            label: {pt-PT: Nome, pt-BR: Nome, en: Name, es: Nombre}
            type: text
            required: true
          - key: sexo
            label: {pt-PT: Sexo, pt-BR: Sexo, en: Sex, es: Sexo}
            type: choice
            choices: [{value: F}, {value: M}]
`

const second = `      - code: s1-b
        title: {pt-PT: Pedido B, pt-BR: Pedido B, en: Request B, es: Solicitud B}
        subject: "S1 – Pedido B"
        team: t1
        impact: 3
        urgency: 3
        channels: [email]
        fields:
          - key: texto
            label: {pt-PT: Texto, pt-BR: Texto, en: Text, es: Texto}
            type: longtext
`

func TestBaseIsClean(t *testing.T) {
	c, problems := Parse(map[string][]byte{"ops.yaml": []byte(base + second)})
	if len(problems) != 0 {
		t.Fatalf("base has problems: %v", problems)
	}
	if len(c.RequestTypes()) != 2 {
		t.Fatal("base should have two request types")
	}
}

func TestCheckProblems(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"unknown field type", strings.Replace(base, "type: text", "type: texto # here", 1), `unknown field type "texto"`},
		{"duplicate request type code", base + strings.Replace(second, "code: s1-b", "code: s1-a # here", 1), `duplicate request type code "s1-a"`},
		{"duplicate subject, dashes case and accents folded", base + strings.Replace(second, `subject: "S1 – Pedido B"`, `subject: "s1 - PEDÍDO a" # here`, 1), `subject "s1 - PEDÍDO a" is already used by "s1-a"`},
		{"duplicate subject, em dash", base + strings.Replace(second, `subject: "S1 – Pedido B"`, `subject: "S1—Pedido A" # here`, 1), "already used"},
		{"duplicate field key", strings.Replace(base, "          - key: sexo", "          - key: nome # here", 1), `duplicate field key`},
		{"missing translation", strings.Replace(base, "title: {pt-PT: Pedido A, pt-BR: Pedido A, en: Request A, es: Solicitud A}", "title: {pt-PT: Pedido A, pt-BR: Pedido A, es: Solicitud A}", 1), `title: missing translation for en`},
		{"plain string is pt-PT only", strings.Replace(base, "label: {pt-PT: Nome, pt-BR: Nome, en: Name, es: Nombre}", "label: Nome # here", 1), `missing translation for pt-BR, en, es`},
		{"unknown team", strings.Replace(base, "team: t1", "team: t9", 1), `unknown team "t9"`},
		{"choice without values", strings.Replace(base, "choices: [{value: F}, {value: M}]", "choices: [] # here", 1), "choice field without values"},
		{"impact out of range", strings.Replace(base, "impact: 2", "impact: 4", 1), "impact 4 is outside 1 (high) to 3 (low)"},
		{"urgency out of range", strings.Replace(base, "urgency: 2", "urgency: 0", 1), "urgency 0 is outside"},
		{"unknown channel", strings.Replace(base, "channels: [email, portal]", "channels: [email, fax]", 1), `unknown channel "fax"`},
		{"unknown key", strings.Replace(base, "required: true", "requried: true # here", 1), `unknown key "requried"`},
		{"wrong value type", strings.Replace(base, "required: true", "required: sim # here", 1), `expected true or false`},
		{"bad code", strings.Replace(base, "code: s1-a", "code: S1_A", 1), `request type code "S1_A"`},
		{"unknown language", strings.Replace(base, "language: pt-PT", "language: fr # here", 1), `unknown language "fr"`},
		{"unknown team line", strings.Replace(base, "team: t1", "team: t9 # here", 1), `unknown team "t9"`},
		{"impact line", strings.Replace(base, "impact: 2", "impact: 4 # here", 1), "impact 4"},
		{"one_of unknown field", strings.Replace(base, "          - key: sexo", "        one_of:\n          - label: {pt-PT: X, pt-BR: X, en: X, es: X}\n            fields: [nome, idade] # here\n        fields2:\n          - key: sexo", 1), `one_of names unknown field "idade"`},
		{"yaml syntax", strings.Replace(base, "    language: pt-PT", "    language: [pt-PT", 1), "invalid YAML"},
		{"email without address", strings.Replace(base, "    address: desk@example.org\n", "", 1), `accepts email but service "s1" has no address`},
		{"group required", strings.Replace(base, "          - key: sexo", "          - key: grupo\n            label: {pt-PT: G, pt-BR: G, en: G, es: G}\n            required: true # here\n            fields: [{key: a, label: {pt-PT: A, pt-BR: A, en: A, es: A}, type: text}]\n          - key: sexo", 1), "a group is not required itself"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, problems := Parse(map[string][]byte{"ops.yaml": []byte(tc.yaml)})
			wantLine := 0
			for i, l := range strings.Split(tc.yaml, "\n") {
				if strings.Contains(l, "# here") {
					wantLine = i + 1
				}
			}
			for _, p := range problems {
				if strings.Contains(p.Message, tc.want) {
					if p.File != "ops.yaml" || p.Line <= 0 {
						t.Errorf("problem without position: %s", p)
					}
					if wantLine != 0 && p.Line != wantLine {
						t.Errorf("problem at line %d, want %d: %s", p.Line, wantLine, p)
					}
					if !strings.HasPrefix(p.String(), "ops.yaml:") {
						t.Errorf("String() = %q", p.String())
					}
					return
				}
			}
			t.Errorf("no problem %q among %v", tc.want, problems)
		})
	}
}

func TestProblemString(t *testing.T) {
	for p, want := range map[Problem]string{
		{File: "a.yaml", Line: 3, Message: "m"}: "a.yaml:3: m",
		{File: "a.yaml", Message: "m"}:          "a.yaml: m",
		{Message: "m"}:                          "m",
	} {
		if got := p.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", p, got, want)
		}
	}
}

func TestAliasesAndMerge(t *testing.T) {
	y := `definitions:
  nome: &nome {key: nome, label: {pt-PT: Nome, pt-BR: Nome, en: Name, es: Nombre}, type: text, required: true}
` + strings.Replace(base, "          - key: sexo", "          - {<<: *nome, key: apelido, required: false}\n          - key: sexo", 1)
	c, problems := Parse(map[string][]byte{"ops.yaml": []byte(y)})
	if len(problems) != 0 {
		t.Fatal(problems)
	}
	f, _ := lookup(c.RequestType("s1-a"), "apelido")
	if f == nil || f.Required || f.Type != "text" || f.Label[LangEN] != "Name" {
		t.Errorf("merged field = %+v", f)
	}
}

func TestBillionLaughs(t *testing.T) {
	// Nine levels of ten aliases: 10^9 fields once expanded.
	y := "definitions:\n  f0: &f0 {key: a, label: A, type: text}\n"
	for i := 1; i < 10; i++ {
		y += fmt.Sprintf("  f%d: &f%d {key: g, label: G, fields: [%s*f%d]}\n", i, i, strings.Repeat(fmt.Sprintf("*f%d, ", i-1), 9), i-1)
	}
	y += "services:\n  - code: s\n    request_types:\n      - code: r\n        fields: [*f9]\n"
	start := time.Now()
	_, problems := Parse(map[string][]byte{"bomb.yaml": []byte(y)})
	if len(problems) != 1 || !strings.Contains(problems[0].Message, "too complex") {
		t.Errorf("alias bomb not refused: %v", problems[:min(3, len(problems))])
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("alias bomb took %v", d)
	}
}

func writeFile(t *testing.T, dir, name, data string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadOperatorFiles(t *testing.T) {
	data := t.TempDir()
	// No catalog directory: the default alone.
	c, problems, err := Load(data)
	if err != nil || len(problems) != 0 || len(c.RequestTypes()) != 34 {
		t.Fatalf("Load without operator files: %v %v %d", err, problems, len(c.RequestTypes()))
	}
	dir := filepath.Join(data, "catalog")
	// Replace cit-b whole, add a team and a request type to an existing
	// service, and a new service.
	writeFile(t, dir, "10-local.yaml", `teams:
  - code: local-n1
    name: {pt-PT: Primeira linha, pt-BR: Primeira linha, en: First line, es: Primera línea}
services:
  - code: cit
    request_types:
      - code: cit-b
        title: {pt-PT: Dúvidas gerais, pt-BR: Dúvidas gerais, en: General questions, es: Dudas generales}
        subject: "CIT – Dúvidas/Pedido de informação gerais"
        team: local-n1
        impact: 3
        urgency: 3
        channels: [email]
        fields:
          - key: pergunta
            label: {pt-PT: Pergunta, pt-BR: Pergunta, en: Question, es: Pregunta}
            type: longtext
            required: true
      - code: cit-x
        title: {pt-PT: Outro, pt-BR: Outro, en: Other, es: Otro}
        subject: "CIT – Outro"
        team: spms-cit
        impact: 3
        urgency: 3
        channels: [email]
        fields: []
  - code: local
    name: {pt-PT: Local, pt-BR: Local, en: Local, es: Local}
    language: pt-PT
    address: apoio@example.org
    request_types:
      - code: local-a
        title: {pt-PT: A, pt-BR: A, en: A, es: A}
        team: local-n1
        impact: 2
        urgency: 2
        channels: [email, phone]
        fields: []
`)
	c, problems, err = Load(data)
	if err != nil || len(problems) != 0 {
		t.Fatalf("Load: %v %v", err, problems)
	}
	rt := c.RequestType("cit-b")
	if rt.Team != "local-n1" || len(rt.Fields) != 1 || rt.Fields[0].Key != "pergunta" || rt.Service().Code != "cit" {
		t.Errorf("cit-b not replaced: %+v", rt)
	}
	if c.Service("cit").Address != "servicedesk@spms.min-saude.pt" || len(c.Service("cit").RequestTypes) != 18 {
		t.Error("cit service attributes lost or types miscounted")
	}
	if got := c.ByAddress("apoio@example.org"); len(got) != 1 || got[0].Code != "local-a" {
		t.Errorf("new service not indexed: %v", got)
	}
	if len(c.RequestTypes()) != 36 {
		t.Errorf("%d request types", len(c.RequestTypes()))
	}
	// LoadDir checks the same directory.
	if _, problems, err := LoadDir(dir); err != nil || len(problems) != 0 {
		t.Errorf("LoadDir: %v %v", err, problems)
	}

	// A broken operator file: problems name it with lines; the rest loads.
	writeFile(t, dir, "20-broken.yaml", `services:
  - code: cit
    request_types:
      - code: cit-y
        title: {pt-PT: Y}
        subject: "CIT - Outro"
        team: nobody
        impact: 9
        urgency: 2
        channels: [email]
        fields: []
`)
	_, problems, err = Load(data)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, p := range problems {
		if !strings.HasSuffix(p.File, "20-broken.yaml") || p.Line == 0 {
			t.Errorf("problem not placed in the broken file: %s", p)
		}
		msgs = append(msgs, p.Message)
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"missing translation", `unknown team "nobody"`, "impact 9", `already used by "cit-x"`} {
		if !strings.Contains(all, want) {
			t.Errorf("missing problem %q in:\n%s", want, all)
		}
	}
	// A duplicate code inside one layer is a problem; across layers it is
	// a replacement.
	writeFile(t, dir, "30-dup.yaml", "services:\n  - code: local\n    request_types:\n      - code: local-a\n        title: {pt-PT: A, pt-BR: A, en: A, es: A}\n        team: local-n1\n        impact: 2\n        urgency: 2\n        channels: [phone]\n        fields: []\n")
	_, problems, _ = Load(data)
	if !slices.ContainsFunc(problems, func(p Problem) bool { return strings.Contains(p.Message, `duplicate request type code "local-a"`) }) {
		t.Errorf("duplicate within a layer not reported: %v", problems)
	}
	// An unreadable directory is an error.
	if _, _, err := LoadDir(filepath.Join(data, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadDir(missing) = %v", err)
	}
}

func TestDisabledRequestType(t *testing.T) {
	y := strings.Replace(base, "        subject: \"S1 – Pedido A\"", "        subject: \"S1 – Pedido A\"\n        disabled: true", 1) + second
	c, problems := Parse(map[string][]byte{"ops.yaml": []byte(y)})
	if len(problems) != 0 {
		t.Fatal(problems)
	}
	if c.RequestType("s1-a") == nil || len(c.ByAddress("desk@example.org")) != 1 || len(c.Export("en").Services[0].RequestTypes) != 1 {
		t.Error("disabled request type still offered, or lost")
	}
}

func TestExport(t *testing.T) {
	c := mustDefault(t)
	e := c.Export("en-GB")
	if e.Language != LangEN || len(e.Services) != 5 || len(e.Teams) != len(c.Teams) {
		t.Fatalf("export: %s %d", e.Language, len(e.Services))
	}
	var a1 *ExportedRequestType
	for i := range e.Services[0].RequestTypes {
		if e.Services[0].RequestTypes[i].Code == "cit-a1" {
			a1 = &e.Services[0].RequestTypes[i]
		}
	}
	if a1 == nil || a1.Template != "medicos" || a1.Address != "servicedesk@spms.min-saude.pt" || a1.Priority != 4 {
		t.Fatalf("cit-a1 export: %+v", a1)
	}
	medicos := a1.Fields[2]
	if medicos.Key != "medicos" || !medicos.Repeat || medicos.Fields[2].Path != "medicos[].cedula" || medicos.Fields[2].Label != "Professional licence number (cédula profissional)" {
		t.Errorf("medicos export: %+v", medicos)
	}
	if medicos.OneOf[0].Fields[0] != "medicos[].email" {
		t.Errorf("one_of paths: %v", medicos.OneOf)
	}
	if sexo := medicos.Fields[3]; sexo.Choices[0] != (ExportedChoice{Value: "Feminino", Label: "Female"}) {
		t.Errorf("choices: %v", sexo.Choices)
	}
	b, err := json.Marshal(e)
	if err != nil || !strings.Contains(string(b), `"subject":"CIT – Criação/Alteração de credenciais - Médico"`) {
		t.Errorf("export JSON: %v", err)
	}
	all, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Languages []string
		Services  []struct {
			Code         string
			RequestTypes []struct {
				Code  string
				Title map[string]string
			} `json:"request_types"`
		}
	}
	if err := json.Unmarshal(all, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Languages) != 4 || back.Services[1].RequestTypes[0].Title[LangBR] == "" {
		t.Errorf("MarshalJSON lost languages: %s", all[:200])
	}
}

func TestNormSubject(t *testing.T) {
	a := normSubject("CIT - WS – Pedido de acesso")
	for _, s := range []string{"cit – ws - pedido de acesso", "CIT—WS—PEDIDO DE ACESSO", "CIT -  WS –  Pedido  de  acesso"} {
		if normSubject(s) != a {
			t.Errorf("normSubject(%q) = %q, want %q", s, normSubject(s), a)
		}
	}
	if normSubject("Retificação") != normSubject("RETIFICACAO") {
		t.Error("accents not folded")
	}
}

func TestOperatorCopyOfDefault(t *testing.T) {
	// An operator who starts from a copy of the default files gets the
	// same catalogue and no problems.
	dir := t.TempDir()
	names, _ := fs.Glob(DefaultFiles(), "default/*.yaml")
	for _, n := range names {
		b, err := fs.ReadFile(DefaultFiles(), n)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, filepath.Base(n), string(b))
	}
	c, problems, err := LoadDir(dir)
	if err != nil || len(problems) != 0 {
		t.Fatalf("%v %v", err, problems)
	}
	if len(c.RequestTypes()) != 34 || len(c.Teams) != len(mustDefault(t).Teams) {
		t.Errorf("%d request types, %d teams", len(c.RequestTypes()), len(c.Teams))
	}
	if f, _ := c.RequestType("cit-a1").Pos(); !strings.HasPrefix(f, dir) {
		t.Errorf("cit-a1 comes from %s, want the copy", f)
	}
}
