package intake_test

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"balcao"
)

// BenchmarkDeliver measures intake alone (parse, classify, extract,
// validate, one transaction with the ticket, its message, a 30 KB screenshot
// and the queued answer) from 8 goroutines, durable commits.
func BenchmarkDeliver(b *testing.B) {
	d := newDeskTB(b)
	png := make([]byte, 30<<10)
	rand.Read(png)
	var seq atomic.Int64
	requesters := max(1000, (b.N+4)/5)
	b.SetParallelism(4)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := seq.Add(1)
			img := append([]byte(nil), png...)
			copy(img[8:], fmt.Sprintf("%016d", i))
			// At least 1,000 requesters in turn, each writing at most five
			// times: each stays under the test desk's daily cap of
			// automatic answers, so every message gets its acknowledgement.
			from := fmt.Sprintf("profissional.%06d@usf-arco-iris.min-saude.pt", i%int64(requesters))
			raw := strings.ReplaceAll(fmt.Sprintf(`From: Profissional <%s>
To: servicedesk@spms.min-saude.pt
Subject: CIT – Problema/Erro aplicação local (SAM-CS)
Message-ID: <bench-%d@usf>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=B

--B
Content-Type: text/plain; charset=utf-8

Descrição detalhada: ao emitir o CIT a aplicação devolve "Erro 500".
Designação do centro de saúde/unidade de saúde: USF Arco-Íris
Número da cédula profissional: 45123
Número de utente (SNS): 111156119
NISS: 11234567892
--B
Content-Type: image/png
Content-Disposition: attachment; filename="erro.png"
Content-Transfer-Encoding: base64

%s
--B--
`, from, i, base64.StdEncoding.EncodeToString(img)), "\n", "\r\n")
			if _, err := d.in.Deliver(d.ctx, balcao.Envelope{Source: "smtp", MailFrom: from, Recipients: []string{"servicedesk@spms.min-saude.pt"}}, []byte(raw)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
	b.StopTimer()
	// What was measured includes an acknowledgement queued for each message.
	queued, err := d.store.ListOutbox(d.ctx, balcao.OutboxPending, b.N+1)
	if err != nil {
		b.Fatal(err)
	}
	if len(queued) != b.N {
		b.Fatalf("%d acknowledgements queued for %d messages", len(queued), b.N)
	}
}
