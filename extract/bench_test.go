package extract

import "testing"

// benchSubjects are subjects sent to the SPMS address, which has 29
// request types: exact, near misses and subjects matching nothing.
var benchSubjects = []string{
	NormalizeSubject("CIT – Problema/Erro aplicação local (SAM-CS)"),
	NormalizeSubject("RE: CIT – Indisponibilidae aplicação local SAM-CS"),
	NormalizeSubject("webrnu - obito nao identificado no RNU"),
	NormalizeSubject("Retificação de CIT"),
	NormalizeSubject("Reunião de equipa amanhã"),
}

// BenchmarkClassify: Classify as called per message, preparing the
// address's 29 subjects every time.
func BenchmarkClassify(b *testing.B) {
	cat := defaultCatalog(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Classify(cat, spms, benchSubjects[i%len(benchSubjects)])
		i++
	}
}

// BenchmarkClassifier: the same with the subjects prepared once.
func BenchmarkClassifier(b *testing.B) {
	c := NewClassifier(defaultCatalog(b))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c.Classify(spms, benchSubjects[i%len(benchSubjects)])
		i++
	}
}

// d1Pairs is a CIT D.1 message of 15 labelled values.
var d1Pairs = pairsOf(`Descrição detalhada: Ao imprimir o CIT a aplicação apresenta o erro "Falha na comunicação".
Designação do centro de saúde/unidade de saúde: USF Arco-Íris
Utilizador/Médico (Número da cédula profissional): 45123
Identificação do utente:
o Nº de utente: 111156119
o NISS: 11234567892
o Nº de beneficiário: 98765432
Identificação do CIT, se aplicável:
o Número do boletim: 2026A000123
o Entidade responsável e nº de beneficiário: Segurança Social – 11234567892
o Data(s) de início: 01/02/2026
o Data(s) de termo: 15/02/2026
o Outros dados pertinentes para o caso: CIT inicial
o Nº do boletim: 2026A000124
o Entidade responsável: Segurança Social – 11234567892
o Data de início: 16/02/2026
o Data de termo: 28/02/2026`)

// BenchmarkFields: Fields as called per message, preparing the request
// type's labels every time.
func BenchmarkFields(b *testing.B) {
	rt := defaultCatalog(b).RequestType("cit-d1")
	if len(d1Pairs) != 15 {
		b.Fatalf("%d pairs", len(d1Pairs))
	}
	b.ReportAllocs()
	for b.Loop() {
		Fields(rt, d1Pairs)
	}
}

// BenchmarkExtractor: the same with the labels prepared once.
func BenchmarkExtractor(b *testing.B) {
	e := NewExtractor(defaultCatalog(b).RequestType("cit-d1"))
	b.ReportAllocs()
	for b.Loop() {
		e.Fields(d1Pairs)
	}
}
