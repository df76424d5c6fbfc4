package catalog

import (
	"fmt"
	"strings"
	"testing"
)

// bench20 is a request type with 20 fields, one of each kind and a few
// texts, and a valid value for each.
func bench20(b *testing.B) (*RequestType, map[string]string) {
	b.Helper()
	kinds := []struct{ key, typ, value string }{
		{"nome", "text", "Maria Helena da Silva Costa"},
		{"nome_clinico", "text", "Helena Costa"},
		{"unidade", "text", "USF Sete Rios"},
		{"descricao", "longtext", strings.Repeat("A aplicação mostra um erro ao gravar o CIT. ", 10)},
		{"data_nascimento", "date", "12/03/1975"},
		{"data_inicio", "date", "2026-03-01"},
		{"email", "email", "helena.costa@example.pt"},
		{"telemovel", "phone", "+351 912 345 678"},
		{"sexo", "choice", "feminino"},
		{"ip", "ip", "192.0.2.10"},
		{"niss", "niss", "112 3456 7892"},
		{"nif", "nif", "501 964 843"},
		{"nnu", "nnu", "111 156 119"},
		{"cedula", "cedula", "45123"},
		{"cc", "cc", "12345678 9 ZZ1"},
		{"cpf", "cpf", "529.982.247-25"},
		{"cnpj", "cnpj", "16.727.230/0001-97"},
		{"cns", "cns", "898 0000 0004 3208"},
		{"uasg", "uasg", "200005"},
		{"boletim", "boletim", "CIT-2026-000123"},
	}
	var y strings.Builder
	y.WriteString(`teams: [{code: t, name: {pt-PT: T, pt-BR: T, en: T, es: T}}]
services:
  - code: s
    name: {pt-PT: S, pt-BR: S, en: S, es: S}
    language: pt-PT
    request_types:
      - code: r
        title: {pt-PT: R, pt-BR: R, en: R, es: R}
        team: t
        impact: 2
        urgency: 2
        channels: [api]
        fields:
`)
	values := map[string]string{}
	for _, k := range kinds {
		fmt.Fprintf(&y, "          - {key: %s, label: {pt-PT: %s, pt-BR: %s, en: %s, es: %s}, type: %s, required: true", k.key, k.key, k.key, k.key, k.key, k.typ)
		if k.typ == "choice" {
			y.WriteString(", choices: [{value: Feminino, aliases: [F]}, {value: Masculino, aliases: [M]}]")
		}
		y.WriteString("}\n")
		values[k.key] = k.value
	}
	c, problems := Parse(map[string][]byte{"bench.yaml": []byte(y.String())})
	if len(problems) != 0 {
		b.Fatal(problems)
	}
	rt := c.RequestType("r")
	if _, ps := rt.Validate(values, nil, "pt-PT", now); len(ps) != 0 {
		b.Fatalf("benchmark request is not valid: %v", ps)
	}
	return rt, values
}

func BenchmarkValidate20Fields(b *testing.B) {
	rt, values := bench20(b)
	b.ReportAllocs()
	for b.Loop() {
		rt.Validate(values, nil, "pt-PT", now)
	}
}

func BenchmarkValidate20FieldsAllMissing(b *testing.B) {
	rt, _ := bench20(b)
	b.ReportAllocs()
	for b.Loop() {
		rt.Validate(nil, nil, "pt-PT", now)
	}
}

func BenchmarkValidateCITRetificacao(b *testing.B) {
	rt := mustDefault(b).RequestType("cit-f")
	values := map[string]string{
		"descricao":  "Retificar a classificação de doença por erro de registo.",
		"utente.nnu": "111156119", "utente.nome_completo": "Ana Maria Costa", "utente.data_nascimento": "12/03/1975", "utente.niss": "11234567892",
		"medico.cedula": "45123", "medico.nome_clinico": "Helena Costa", "medico.unidade": "USF Sete Rios",
	}
	for _, g := range []string{"existentes", "pretendidos"} {
		for i := range 3 {
			p := fmt.Sprintf("%s[%d].", g, i)
			values[p+"boletim"] = fmt.Sprintf("CIT%d", i)
			values[p+"entidade_beneficiario"] = "Segurança Social 11234567892"
			values[p+"classificacao_doenca"] = "Doença natural"
			values[p+"data_inicio"] = "01/02/2026"
			values[p+"data_termo"] = "15/02/2026"
		}
	}
	if _, ps := rt.Validate(values, nil, "pt-PT", now); len(ps) != 0 {
		b.Fatal(ps)
	}
	b.ReportAllocs()
	for b.Loop() {
		rt.Validate(values, nil, "pt-PT", now)
	}
}
