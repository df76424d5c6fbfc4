package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"balcao"
)

// BenchOpener returns a store on a fresh, migrated database for a benchmark.
type BenchOpener func(b *testing.B) balcao.Store

// BenchmarkCreateTicket measures opening tickets as intake does: 10
// structured fields, one message, the first events, from 8 goroutines,
// every commit durable.
func BenchmarkCreateTicket(b *testing.B, open BenchOpener) {
	s := open(b)
	if err := s.UpsertTeam(ctx, &balcao.Team{Code: "cit", Name: "Equipa CIT"}); err != nil {
		b.Fatal(err)
	}
	var seq atomic.Int64
	b.SetParallelism(max(1, 8/runtimeProcs()))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := seq.Add(1)
			nt := benchTicket(i, T0)
			if _, err := s.CreateTicket(ctx, nt); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "tickets/s")
}

func benchTicket(i int64, now time.Time) *balcao.NewTicket {
	return &balcao.NewTicket{
		Subject: "CIT – Problema/Erro aplicação local (SAM-CS)", RequestType: "cit-d1", Service: "cit",
		Channel: balcao.ChannelEmail, RequesterEmail: fmt.Sprintf("req%d@usf.min-saude.pt", i%500), RequesterName: "Ana Costa",
		TeamCode: "cit", Impact: 2, Urgency: 2, Now: now,
		Fields: map[string]string{
			"descricao": "Ao emitir o CIT a aplicação devolve erro 500 depois de validar o utente.",
			"unidade":   "USF Arco-Íris", "cedula": "45123", "utente.nnu": "111156119", "utente.niss": "11234567892",
			"cit.boletim": "A123456", "cit.entidade": "Segurança Social", "cit.beneficiario": "123456789",
			"cit.inicio": "2026-03-01", "cit.termo": "2026-03-15",
		},
		Message: &balcao.Message{Channel: balcao.ChannelEmail, FromAddr: "ana@usf.min-saude.pt", Subject: "CIT – Problema/Erro aplicação local (SAM-CS)",
			Text:      "Bom dia,\n\nDescrição detalhada: ao emitir o CIT a aplicação devolve erro.\nCédula: 45123\nNº utente: 111156119\n\nCumprimentos,\nAna",
			MessageID: fmt.Sprintf("bench-%d-%d@usf.min-saude.pt", now.UnixNano(), i)},
	}
}

// SeedQueue fills a store with n tickets spread over 10 teams, about a
// third of them resolved, with random due times, and returns the teams.
func SeedQueue(tb testing.TB, s balcao.Store, n int) []*balcao.Team {
	var teams []*balcao.Team
	for i := range 10 {
		t := &balcao.Team{Code: fmt.Sprintf("team%d", i), Name: fmt.Sprintf("Equipa %d", i)}
		if err := s.UpsertTeam(ctx, t); err != nil {
			tb.Fatal(err)
		}
		teams = append(teams, t)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				nt := benchTicket(i, T0.Add(time.Duration(i)*time.Second))
				nt.TeamCode = teams[i%10].Code
				nt.DueAt = T0.Add(time.Duration(r.IntN(30*24)) * time.Hour)
				if i%5 == 0 {
					nt.Status = balcao.StatusPendingRequester
				}
				tk, err := s.CreateTicket(ctx, nt)
				if err != nil {
					tb.Error(err)
					return
				}
				if i%3 == 0 {
					if _, err := s.ChangeStatus(ctx, tk.ID, balcao.StatusResolved, balcao.SystemActor, "", nt.Now.Add(time.Hour)); err != nil {
						tb.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	return teams
}

// BenchmarkQueue measures the agent queue query (50 rows, one team, open
// states, soonest due first) on a database of 100,000 tickets, reporting
// the median latency.
func BenchmarkQueue(b *testing.B, s balcao.Store, teams []*balcao.Team) {
	var lat []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		q, err := s.Queue(ctx, balcao.QueueFilter{TeamID: teams[i%len(teams)].ID, Limit: 50})
		lat = append(lat, time.Since(start))
		if err != nil || len(q) != 50 {
			b.Fatalf("queue: %d rows, %v", len(q), err)
		}
		i++
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "ms-p99")
}
