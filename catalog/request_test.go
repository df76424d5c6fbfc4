package catalog

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)

func problemAt(ps []FieldProblem, field string) *FieldProblem {
	for i := range ps {
		if ps[i].Field == field {
			return &ps[i]
		}
	}
	return nil
}

func fields(ps []FieldProblem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Field+":"+p.Code)
	}
	return out
}

var png = Attachment{Filename: "ecra.png", MediaType: "image/png", Size: 1000}

func TestValidateRequiredAndMessages(t *testing.T) {
	rt := mustDefault(t).RequestType("cit-e3")
	_, ps := rt.Validate(map[string]string{"codigo_unidade": "  "}, nil, "pt-PT", now)
	if got := fields(ps); !slices.Equal(got, []string{"descricao:required", "codigo_unidade:required", "cedula:required", "printscreen:attachment_required"}) {
		t.Fatalf("problems = %v", got)
	}
	p := ps[0]
	if p.Label != "Descrição detalhada" || !strings.HasPrefix(p.Message, "Descrição detalhada: ") || p.Fix == "" || p.Warning {
		t.Errorf("pt-PT message: %+v", p)
	}
	if m := ps[3].Message; m != "PrintScreen do erro: em falta; anexe uma imagem (PNG ou JPEG)" {
		t.Errorf("attachment message = %q", m)
	}
	_, ps = rt.Validate(nil, nil, "en", now)
	if p := ps[2]; p.Label != "Professional licence number (cédula profissional)" || !strings.HasPrefix(p.Message, p.Label+": ") || !strings.Contains(p.Message, "required") {
		t.Errorf("en message: %+v", p)
	}
	if m := ps[3].Message; m != "Screenshot of the error: missing; please attach an image (PNG or JPEG)" {
		t.Errorf("en attachment message = %q", m)
	}
	// The service's language when none is asked for; regional tags work.
	_, ps = rt.Validate(nil, nil, "", now)
	if ps[0].Label != "Descrição detalhada" {
		t.Errorf("default language: %q", ps[0].Label)
	}
	_, ps = rt.Validate(nil, nil, "es-ES", now)
	if ps[0].Label != "Descripción detallada" {
		t.Errorf("es: %q", ps[0].Label)
	}

	out, ps := rt.Validate(map[string]string{
		"descricao":      "  A aplicação não abre.\r\nDesde as 9h.  ",
		"codigo_unidade": "0123",
		"cedula":         " 45123 ",
		"desconhecido":   "x",
	}, []Attachment{png}, "pt-PT", now)
	if len(ps) != 0 {
		t.Fatalf("valid request has problems: %v", ps)
	}
	want := map[string]string{"descricao": "A aplicação não abre.\nDesde as 9h.", "codigo_unidade": "0123", "cedula": "45123"}
	if len(out) != len(want) {
		t.Errorf("normalised = %v (unknown keys must be left out)", out)
	}
	for k, v := range want {
		if out[k] != v {
			t.Errorf("normalised[%s] = %q, want %q", k, out[k], v)
		}
	}
}

func TestValidateNormalisesIdentifiers(t *testing.T) {
	rt := mustDefault(t).RequestType("cit-e2")
	out, ps := rt.Validate(map[string]string{
		"descricao": "x", "codigo_unidade": "U1", "cedula": "45123",
		"utente.nnu": "111 156 119", "utente.nome_completo": "Maria  da   Silva",
		"utente.data_nascimento": "01/02/1980", "utente.niss": "112 3456 7892",
	}, []Attachment{png}, "pt-PT", now)
	if len(ps) != 0 {
		t.Fatalf("problems: %v", ps)
	}
	for k, v := range map[string]string{"utente.nnu": "111156119", "utente.niss": "11234567892", "utente.data_nascimento": "1980-02-01", "utente.nome_completo": "Maria da Silva"} {
		if out[k] != v {
			t.Errorf("%s = %q, want %q", k, out[k], v)
		}
	}
	// Invalid values keep what was typed and say how to fix it; a future
	// birth date is refused.
	out, ps = rt.Validate(map[string]string{
		"descricao": "x", "codigo_unidade": "U1", "cedula": "45a23",
		"utente.nnu": "111156119", "utente.nome_completo": "M", "utente.data_nascimento": "01/02/2030",
		"utente.niss": "11234567893",
	}, []Attachment{png}, "pt-PT", now)
	if got := fields(ps); !slices.Equal(got, []string{"cedula:format", "utente.data_nascimento:date_future", "utente.niss:check_digit"}) {
		t.Fatalf("problems = %v", got)
	}
	if out["cedula"] != "45a23" || out["utente.niss"] != "11234567893" {
		t.Errorf("raw values lost: %v", out)
	}
	if p := ps[1]; p.Label != "Identificação do utente – Data de nascimento" || !strings.HasPrefix(p.Message, "Identificação do utente – Data de nascimento: ") {
		t.Errorf("group label: %+v", p)
	}
}

func TestValidateNNUWarning(t *testing.T) {
	rt := mustDefault(t).RequestType("webrnu-d")
	out, ps := rt.Validate(map[string]string{
		"utente.nnu": "111156118", "utente.nome_completo": "Ana", "utente.data_nascimento": "1990-05-01",
		"utente.local_inscricao": "USF Norte",
	}, nil, "pt-PT", now)
	if len(ps) != 1 || !ps[0].Warning || ps[0].Field != "utente.nnu" || ps[0].Code != "check_digit_unverified" {
		t.Fatalf("problems = %+v", ps)
	}
	if len(Errors(ps)) != 0 || len(rt.Missing(map[string]string{
		"utente.nnu": "111156118", "utente.nome_completo": "Ana", "utente.data_nascimento": "1990-05-01",
		"utente.local_inscricao": "USF Norte"}, nil, "pt-PT", now)) != 0 {
		t.Error("a warning is not an error")
	}
	if out["utente.nnu"] != "111156118" {
		t.Errorf("warned value not kept: %v", out)
	}
	d := ToDomain(ps)
	if len(d) != 1 || d[0].Key != "utente.nnu" || d[0].Label != ps[0].Label || d[0].Problem != ps[0].Fix || !d[0].Warning {
		t.Errorf("ToDomain = %+v", d)
	}
}

func TestValidateOneOf(t *testing.T) {
	rt := mustDefault(t).RequestType("cit-d2")
	base := map[string]string{
		"descricao": "x", "unidade": "H1", "cedula": "45123",
		"utente.nnu": "111156119", "utente.nome_completo": "A B", "utente.data_nascimento": "1980-01-01",
	}
	_, ps := rt.Validate(base, []Attachment{png}, "pt-PT", now)
	p := problemAt(ps, "utente.niss")
	if len(ps) != 1 || p == nil || p.Code != CodeOneOf {
		t.Fatalf("problems = %v", fields(ps))
	}
	if p.Label != "Identificação do utente – NISS ou nº de beneficiário" || !strings.Contains(p.Message, "NISS ou Nº de beneficiário") {
		t.Errorf("one_of message: %+v", p)
	}
	_, ps = rt.Validate(base, []Attachment{png}, "en", now)
	if !strings.HasPrefix(ps[0].Message, "Patient identification – NISS or beneficiary number: ") {
		t.Errorf("en one_of message: %q", ps[0].Message)
	}
	for _, k := range []string{"utente.niss", "utente.beneficiario"} {
		v := map[string]string{k: "11234567892"}
		for bk, bv := range base {
			v[bk] = bv
		}
		if _, ps := rt.Validate(v, []Attachment{png}, "pt-PT", now); len(ps) != 0 {
			t.Errorf("%s alone should satisfy the one_of: %v", k, fields(ps))
		}
	}
	// A top-level one_of (WebRNU A: email and/or mobile).
	a := mustDefault(t).RequestType("webrnu-a")
	v := map[string]string{"nome_completo": "Ana", "data_nascimento": "1990-01-01", "codigo_instituicao": "X", "perfil": "Hospitais: Edição"}
	_, ps = a.Validate(v, nil, "pt-PT", now)
	if got := fields(ps); !slices.Equal(got, []string{"email:one_of"}) {
		t.Errorf("problems = %v", got)
	}
	v["telemovel"] = "912 345 678"
	out, ps := a.Validate(v, nil, "pt-PT", now)
	if len(ps) != 0 || out["telemovel"] != "+351912345678" {
		t.Errorf("problems = %v, telemovel = %q", fields(ps), out["telemovel"])
	}
}

func TestValidateConditionalGroups(t *testing.T) {
	rt := mustDefault(t).RequestType("cit-d1")
	base := map[string]string{"descricao": "x", "unidade": "CS", "cedula": "45123", "utente.nnu": "111156119", "utente.beneficiario": "123"}
	if _, ps := rt.Validate(base, []Attachment{png}, "pt-PT", now); len(ps) != 0 {
		t.Fatalf("CIT identification is optional: %v", fields(ps))
	}
	// Blank values do not trigger the group.
	v := clone(base)
	v["cit[0].boletim"] = "  "
	if _, ps := rt.Validate(v, []Attachment{png}, "pt-PT", now); len(ps) != 0 {
		t.Fatalf("blank CIT values triggered the group: %v", fields(ps))
	}
	// Once anything of a CIT is given, its required fields are required.
	v = clone(base)
	v["cit[0].outros_dados"] = "nota"
	v["cit[1].boletim"] = "CIT123"
	v["cit[1].entidade_beneficiario"] = "SS 123"
	v["cit[1].data_inicio"] = "01/03/2026"
	v["cit[1].data_termo"] = "2026-03-20"
	out, ps := rt.Validate(v, []Attachment{png}, "pt-PT", now)
	want := []string{"cit[0].boletim:required", "cit[0].entidade_beneficiario:required", "cit[0].data_inicio:required", "cit[0].data_termo:required"}
	if got := fields(ps); !slices.Equal(got, want) {
		t.Fatalf("problems = %v, want %v", got, want)
	}
	if ps[0].Label != "CIT 1 – Número do boletim" {
		t.Errorf("item label = %q", ps[0].Label)
	}
	if out["cit[1].data_inicio"] != "2026-03-01" {
		t.Errorf("item values not normalised: %v", out)
	}
	// A non-repeatable conditional group (CIT H, patient "se aplicável").
	h := mustDefault(t).RequestType("cit-h")
	if _, ps := h.Validate(map[string]string{"descricao": "x"}, nil, "pt-PT", now); len(ps) != 0 {
		t.Errorf("cit-h without patient: %v", fields(ps))
	}
	_, ps = h.Validate(map[string]string{"descricao": "x", "utente.nome_completo": "Ana"}, nil, "en", now)
	if got := fields(ps); !slices.Equal(got, []string{"utente.nnu:required", "utente.data_nascimento:required", "utente.niss:one_of"}) {
		t.Errorf("cit-h with a patient name: %v", got)
	}
}

func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestValidateRepeatableGroups(t *testing.T) {
	rt := mustDefault(t).RequestType("cit-a1")
	// No doctor at all: the first one is asked for.
	_, ps := rt.Validate(map[string]string{"tipo_pedido": "a"}, nil, "pt-PT", now)
	want := []string{"medicos[0].nome_completo:required", "medicos[0].nome_clinico:required", "medicos[0].cedula:required",
		"medicos[0].sexo:required", "medicos[0].data_nascimento:required", "medicos[0].codigo_unidade:required", "medicos[0].email:one_of"}
	if got := fields(ps); !slices.Equal(got, want) {
		t.Fatalf("problems = %v", got)
	}
	if ps[0].Label != "Médico 1 – Nome completo" {
		t.Errorf("label = %q", ps[0].Label)
	}
	doctor := func(i int, v map[string]string) {
		p := "medicos[" + strconv.Itoa(i) + "]."
		v[p+"nome_completo"] = "Ana Maria Costa"
		v[p+"nome_clinico"] = "Ana Costa"
		v[p+"cedula"] = "45123"
		v[p+"sexo"] = "f"
		v[p+"data_nascimento"] = "12-03-1975"
		v[p+"codigo_unidade"] = "12345"
		v[p+"email"] = "ana@example.pt"
	}
	v := map[string]string{"tipo_pedido": "b)"}
	doctor(0, v)
	doctor(2, v)
	delete(v, "medicos[2].cedula")
	out, ps := rt.Validate(v, nil, "pt-PT", now)
	if got := fields(ps); !slices.Equal(got, []string{"medicos[2].cedula:required"}) {
		t.Fatalf("problems = %v", got)
	}
	if ps[0].Label != "Médico 3 – Número de cédula profissional" || !strings.HasPrefix(ps[0].Message, "Médico 3 – Número de cédula profissional: ") {
		t.Errorf("1-based item in message: %q", ps[0].Message)
	}
	_, ps = rt.Validate(v, nil, "en", now)
	if ps[0].Label != "Doctor 3 – Professional licence number (cédula profissional)" {
		t.Errorf("en item label = %q", ps[0].Label)
	}
	if out["tipo_pedido"] != "Alteração/reenvio de credenciais" || out["medicos[0].sexo"] != "Feminino" || out["medicos[2].data_nascimento"] != "1975-03-12" {
		t.Errorf("choices and dates not normalised: %v", out)
	}
	// Too many items.
	d1 := mustDefault(t).RequestType("cit-d1")
	v = map[string]string{}
	for i := range 51 {
		v["cit["+strconv.Itoa(i)+"].boletim"] = "B" + strconv.Itoa(i)
	}
	_, ps = d1.Validate(v, nil, "pt-PT", now)
	if p := problemAt(ps, "cit"); p == nil || p.Code != CodeTooMany || !strings.Contains(p.Message, "50") {
		t.Errorf("51 CITs accepted: %v", p)
	}
	// Hostile indices neither panic nor allocate.
	_, _ = d1.Validate(map[string]string{"cit[99999999999].boletim": "x", "cit[-1].boletim": "x", "cit[].boletim": "x", "cit[": "x", "[0]": "x"}, nil, "pt-PT", now)
}

func TestValidateChoices(t *testing.T) {
	rt := mustDefault(t).RequestType("webrnu-b")
	v := map[string]string{"nome_utilizador": "amcosta", "codigos_instituicoes": "1234"}
	for in, want := range map[string]string{
		"supervisor": "Cuidados de Saúde Primários: Supervisor", "CSP - Consulta": "Cuidados de Saúde Primários: Consulta",
		"Hospitais: consulta": "Hospitais: Consulta", "Hospitals: Edição (editing)": "Hospitais: Edição",
		"Manutencao Utente / Resolucao de Duplicados": "Cuidados de Saúde Primários: Manutenção Utente / Resolução de Duplicados",
	} {
		v["perfil"] = in
		out, ps := rt.Validate(v, nil, "pt-PT", now)
		if len(ps) != 0 || out["perfil"] != want {
			t.Errorf("perfil %q -> %q %v, want %q", in, out["perfil"], fields(ps), want)
		}
	}
	// "Consulta" alone is ambiguous between the care levels: refused, with
	// the accepted values listed.
	v["perfil"] = "Consulta"
	_, ps := rt.Validate(v, nil, "pt-PT", now)
	if len(ps) != 1 || ps[0].Code != "choice" || !strings.Contains(ps[0].Message, "Hospitais: Consulta") || !strings.Contains(ps[0].Message, "valores aceites") {
		t.Errorf("ambiguous profile: %+v", ps)
	}
}

func TestValidateDefaults(t *testing.T) {
	rt := mustDefault(t).RequestType("conectesus-correcao-certificado")
	out, ps := rt.Validate(map[string]string{"nome": "João", "cpf": "529.982.247-25", "email": "joao@example.com.br"},
		[]Attachment{{Filename: "selfie.jpg"}, {Filename: "frente.JPG", MediaType: "image/jpeg"}, {Filename: "verso.heic", MediaType: "application/octet-stream"}}, "pt-BR", now)
	if len(ps) != 0 {
		t.Fatalf("problems = %v", ps)
	}
	if out["servico"] != "Certificado de vacinação" || out["cpf"] != "52998224725" {
		t.Errorf("normalised = %v", out)
	}
}

func TestAttachments(t *testing.T) {
	c := mustDefault(t)
	conecte := c.RequestType("conectesus-correcao-certificado")
	v := map[string]string{"nome": "João", "cpf": "52998224725", "email": "joao@example.com.br"}
	// Unassigned images fill the empty slots first, in order.
	got := conecte.AssignAttachments([]Attachment{{Filename: "a.png"}, {Filename: "b.png"}, {Filename: "c.png"}, {Filename: "d.png"}, {Filename: "x.pdf"}})
	slots := []string{}
	for _, a := range got {
		slots = append(slots, a.Slot)
	}
	if !slices.Equal(slots, []string{"selfie", "documento", "documento", "", ""}) {
		t.Errorf("slots = %v", slots)
	}
	_, ps := conecte.Validate(v, []Attachment{{Filename: "a.png"}}, "pt-BR", now)
	if got := fields(ps); !slices.Equal(got, []string{"documento:attachment_required"}) {
		t.Errorf("one image: %v", got)
	}
	if !strings.HasPrefix(ps[0].Message, "Uma foto do Documento de Identificação (frente e verso): não anexado; anexe uma imagem") {
		t.Errorf("pt-BR message = %q", ps[0].Message)
	}
	// An explicit slot with the wrong type, and too many files.
	_, ps = conecte.Validate(v, []Attachment{{Filename: "s.pdf", MediaType: "application/pdf", Slot: "selfie"}, {Filename: "1.png", Slot: "documento"}, {Filename: "2.png", Slot: "documento"}, {Filename: "3.png", Slot: "documento"}}, "en", now)
	if got := fields(ps); !slices.Equal(got, []string{"selfie:attachment_type", "documento:too_many"}) {
		t.Errorf("problems = %v", got)
	}
	if !strings.Contains(ps[0].Message, "“s.pdf”") {
		t.Errorf("message does not name the file: %q", ps[0].Message)
	}
	// XML by media type or extension; a PDF is not the XML slot's.
	i3 := c.RequestType("cit-i3")
	for _, a := range []Attachment{{Filename: "pedido.xml", MediaType: "application/octet-stream"}, {Filename: "resp", MediaType: "text/xml; charset=utf-8"}} {
		if got := i3.AssignAttachments([]Attachment{a})[0].Slot; got != "xml" {
			t.Errorf("%+v assigned to %q", a, got)
		}
	}
	if got := i3.AssignAttachments([]Attachment{{Filename: "x.pdf", MediaType: "application/pdf"}})[0].Slot; got != "" {
		t.Errorf("pdf assigned to %q", got)
	}
	// The Excel template by extension; sizes are capped.
	a1 := c.RequestType("cit-a1")
	xlsx := Attachment{Filename: "medicos.xlsx", MediaType: "application/zip", Size: 20 << 20}
	if got := a1.AssignAttachments([]Attachment{xlsx})[0].Slot; got != "ficheiro_excel" {
		t.Errorf("xlsx assigned to %q", got)
	}
	_, ps = a1.Validate(map[string]string{}, []Attachment{xlsx}, "pt-PT", now)
	if p := problemAt(ps, "ficheiro_excel"); p == nil || p.Code != CodeAttachmentSize || !strings.Contains(p.Message, "10 MB") {
		t.Errorf("oversized workbook: %+v", p)
	}
	// An unknown slot is treated as unassigned.
	if got := a1.AssignAttachments([]Attachment{{Filename: "m.xlsx", Slot: "nope"}})[0].Slot; got != "ficheiro_excel" {
		t.Errorf("unknown slot kept: %q", got)
	}
}

func TestValidateEveryDefaultType(t *testing.T) {
	// Every request type validates an empty request without panicking and
	// with a message naming each problem's label.
	for _, rt := range mustDefault(t).RequestTypes() {
		for _, lang := range Languages {
			_, ps := rt.Validate(nil, nil, lang, now)
			for _, p := range ps {
				if p.Label == "" || p.Fix == "" || p.Message != p.Label+": "+p.Fix {
					t.Errorf("%s %s: %+v", rt.Code, lang, p)
				}
			}
		}
	}
}

func TestValidateConcurrently(t *testing.T) {
	// A fresh catalogue: the first calls prepare the request types' plans
	// while others use them.
	c := mustDefault(t)
	done := make(chan bool)
	for range 8 {
		go func() {
			defer func() { done <- true }()
			for _, rt := range c.RequestTypes() {
				rt.Validate(map[string]string{"utente.nnu": "111156119", "medicos[0].sexo": "M"}, []Attachment{png}, "en", now)
				rt.HasTemplate()
			}
		}()
	}
	for range 8 {
		<-done
	}
}
