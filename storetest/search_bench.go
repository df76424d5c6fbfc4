package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"balcao"
)

var searchSubjects = []string{
	"CIT – Problema/Erro aplicação local (SAM-CS)", "Pedido de retificação de CIT", "Registo de óbito em atraso",
	"Certidão de nascimento", "Acesso à plataforma RNU", "Alteração de morada do utente", "Anulação de certificado",
	"Declaração de incapacidade temporária", "Erro de validação do NISS", "Pedido de segunda via",
	"Reclamação sobre atendimento", "Dúvida sobre prestação social", "Inscrição de recém-nascido",
	"Atualização de dados da entidade", "Cédula profissional não reconhecida", "Falha na emissão de receita",
}

// searchVocabulary makes n made-up words from Portuguese syllables, with
// accents, so the index holds a realistic spread of rare and common terms.
func searchVocabulary(n int) []string {
	syl := []string{"ba", "ção", "de", "lé", "mo", "ri", "tu", "vão", "nhe", "pra", "quí", "sa", "to", "ções", "ma", "lho", "gem", "cer", "dú", "fi"}
	r := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// searchNISS is the NISS-shaped identifier of the i-th seeded ticket.
func searchNISS(i int64) string { return fmt.Sprintf("1%010d", i*7919%10_000_000_000) }

// SeedSearch fills a store with n tickets of varied text for the search
// benchmark: 16 subjects, a description and a message of 12 words each from
// a 5,000-word vocabulary (skewed so that some words are common and most
// rare), a distinct NISS and CPF-shaped value per ticket, 1,000 requesters.
func SeedSearch(tb testing.TB, s balcao.Store, n int) {
	if err := s.UpsertTeam(ctx, &balcao.Team{Code: "cit", Name: "Equipa CIT"}); err != nil {
		tb.Fatal(err)
	}
	vocab := searchVocabulary(5000)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 11))
			words := func(k int) string {
				ws := make([]string, k)
				for j := range ws {
					ws[j] = vocab[r.IntN(r.IntN(len(vocab))+1)]
				}
				return strings.Join(ws, " ")
			}
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				nt := benchTicket(i, T0.Add(time.Duration(i)*time.Second))
				nt.RequesterEmail = fmt.Sprintf("req%d@usf.min-saude.pt", i%1000)
				nt.Subject = searchSubjects[i%int64(len(searchSubjects))]
				nt.Fields["utente.niss"] = searchNISS(i)
				nt.Fields["cpf"] = fmt.Sprintf("%03d.%03d.%03d-%02d", i/1_000_000%1000, i/1000%1000, i%1000, i%97)
				nt.Fields["descricao"] = words(12)
				nt.Message.Subject = nt.Subject
				nt.Message.Text = "Bom dia,\n\n" + words(12) + "\n\nCumprimentos"
				if _, err := s.CreateTicket(ctx, nt); err != nil {
					tb.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkSearch measures searches over a store seeded by SeedSearch with
// n tickets, one sub-benchmark per kind of search (50 rows at most, best
// match first), reporting the median and 99th percentile latency.
func BenchmarkSearch(b *testing.B, s balcao.Store, n int) {
	vocab := searchVocabulary(5000)
	for _, c := range []struct {
		name string
		q    func(i int) balcao.SearchQuery
	}{
		{"number", func(i int) balcao.SearchQuery {
			return balcao.SearchQuery{Text: fmt.Sprintf("sd-2026-%d", 1+i*7%n)}
		}},
		{"niss", func(i int) balcao.SearchQuery {
			return balcao.SearchQuery{Text: searchNISS(int64(1 + i*13%n))}
		}},
		{"cpf", func(i int) balcao.SearchQuery {
			j := 1 + i*13%n
			return balcao.SearchQuery{Text: fmt.Sprintf("%03d.%03d.%03d-%02d", j/1_000_000%1000, j/1000%1000, j%1000, j%97)}
		}},
		// Rare words: one of the last thousand of the vocabulary, a few
		// dozen tickets each.
		{"rare-word", func(i int) balcao.SearchQuery { return balcao.SearchQuery{Text: vocab[4000+i%1000]} }},
		// Two words without accents, found in a subject (1/16 of the
		// tickets) and a description.
		{"two-words", func(i int) balcao.SearchQuery {
			return balcao.SearchQuery{Text: "retificacao " + vocab[100+i%100]}
		}},
		{"prefix", func(i int) balcao.SearchQuery { return balcao.SearchQuery{Text: "incapac"} }},
		// A word in 1/16 of the subjects: thousands of matches to rank.
		{"common-word", func(i int) balcao.SearchQuery { return balcao.SearchQuery{Text: "obito"} }},
		{"common-word-by-update", func(i int) balcao.SearchQuery {
			return balcao.SearchQuery{Text: "obito", Order: balcao.SearchByUpdate}
		}},
		// In every message: the worst case.
		{"every-ticket", func(i int) balcao.SearchQuery { return balcao.SearchQuery{Text: "cumprimentos"} }},
		{"requester-scoped", func(i int) balcao.SearchQuery {
			return balcao.SearchQuery{Text: "obito", RequesterEmail: fmt.Sprintf("req%d@usf.min-saude.pt", i%1000)}
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var lat []time.Duration
			i := 0
			for b.Loop() {
				start := time.Now()
				_, err := s.SearchTickets(ctx, c.q(i))
				lat = append(lat, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				i++
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-median")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "ms-p99")
		})
	}
}
