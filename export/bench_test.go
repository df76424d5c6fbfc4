package export

import (
	"fmt"
	"io"
	"syscall"
	"testing"
	"time"

	"balcao"
)

func benchTickets(n int) []*balcao.Ticket {
	out := make([]*balcao.Ticket, n)
	t0 := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	for i := range out {
		c := t0.Add(time.Duration(i) * time.Minute)
		out[i] = &balcao.Ticket{Number: balcao.TicketNumber(fmt.Sprintf("2026/%06d", i)), Subject: "CIT – Problema/Erro aplicação local (SAM-CS)",
			RequestType: "cit-d1", Service: "cit", Status: balcao.StatusOpen, Priority: 3, Channel: balcao.ChannelEmail,
			RequesterName: "Ana Costa", RequesterEmail: fmt.Sprintf("req%d@usf.min-saude.pt", i%500), OrganisationCode: "0031105",
			OrganisationName: "USF Arco-Íris", TeamName: "Equipa CIT", AssigneeName: "Rui Lopes",
			CreatedAt: c, UpdatedAt: c.Add(time.Hour), FirstResponseAt: c.Add(30 * time.Minute), DueAt: c.Add(72 * time.Hour)}
	}
	return out
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

// go test -run '^$' -bench . -benchmem ./export/
func BenchmarkCSV100k(b *testing.B) {
	ts := benchTickets(100_000)
	b.ReportAllocs()
	var w countWriter
	cpu0 := cpuTime()
	for b.Loop() {
		w = countWriter{}
		if err := CSV(&w, Slice(ts), Options{Comma: ';'}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(w.n)/1e6, "MB-out")
	reportCPU(b, cpu0)
}

func BenchmarkXLSX100k(b *testing.B) {
	ts := benchTickets(100_000)
	b.ReportAllocs()
	var w countWriter
	cpu0 := cpuTime()
	for b.Loop() {
		w = countWriter{}
		if err := XLSX(&w, Slice(ts), Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(w.n)/1e6, "MB-out")
	reportCPU(b, cpu0)
}

// cpuTime returns the processor time the process has used, user and
// system: on a shared machine it varies less than the elapsed time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the processor time per operation and the peak
// resident memory of the process (which includes the tickets given).
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric((cpuTime()-start).Seconds()/float64(b.N), "cpu-s/op")
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "MB-maxrss")
	}
}
