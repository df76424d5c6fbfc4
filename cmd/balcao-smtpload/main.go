// Command balcao-smtpload measures mail intake end to end: it opens N SMTP
// connections to a running `balcao serve` and sends complete CIT D.1
// requests (a PrintScreen PNG attached) as fast as the server answers 250,
// then prints the sustained rate, the latency per message and, given the
// server's PID, its peak resident memory.
//
//	balcao-smtpload -addr 127.0.0.1:2525 -senders 8 -messages 20000 -pid $(pidof balcao)
package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"net/smtp"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:2525", "SMTP address of balcao serve")
	to := flag.String("to", "servicedesk@spms.min-saude.pt", "desk address")
	senders := flag.Int("senders", 8, "concurrent SMTP connections")
	total := flag.Int("messages", 10000, "messages to send in all")
	pngSize := flag.Int("png", 30<<10, "size of the attached screenshot in bytes")
	pid := flag.Int("pid", 0, "PID of the server, to report its peak memory (VmHWM)")
	flag.Parse()

	png := make([]byte, *pngSize)
	rand.Read(png)
	copy(png, "\x89PNG\r\n\x1a\n")
	run := time.Now().UnixNano()

	var next atomic.Int64
	var failures atomic.Int64
	lat := make([][]time.Duration, *senders)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range *senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := smtp.Dial(*addr)
			if err != nil {
				fmt.Fprintln(os.Stderr, "dial:", err)
				failures.Add(1)
				return
			}
			defer c.Close()
			for {
				i := next.Add(1)
				if i > int64(*total) {
					c.Quit()
					return
				}
				// Every screenshot differs, as real ones do: no help from
				// the server's deduplication of identical attachments.
				img := slices.Clone(png)
				copy(img[8:], fmt.Sprintf("%016d", i))
				attachment := wrap(base64.StdEncoding.EncodeToString(img))
				t0 := time.Now()
				if err := send(c, *to, message(run, i, w, *to, attachment)); err != nil {
					failures.Add(1)
					fmt.Fprintln(os.Stderr, "send:", err)
					c.Reset()
					continue
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	ok := len(all)
	fmt.Printf("sent %d messages (%d failed) with %d senders in %.2fs: %.0f messages/s\n",
		ok, failures.Load(), *senders, elapsed.Seconds(), float64(ok)/elapsed.Seconds())
	if ok > 0 {
		fmt.Printf("latency per message: median %v, p99 %v, max %v\n", all[ok/2], all[ok*99/100], all[ok-1])
	}
	if *pid != 0 {
		if hwm := peakRSS(*pid); hwm != "" {
			fmt.Printf("server peak memory (VmHWM): %s\n", hwm)
		}
	}
	if failures.Load() > 0 {
		os.Exit(1)
	}
}

func send(c *smtp.Client, to string, msg []byte) error {
	if err := c.Mail("ana.costa@usf-arco-iris.min-saude.pt"); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	return w.Close() // returns the server's reply to the end of DATA: 250 only after commit
}

func message(run, i int64, worker int, to, attachment string) []byte {
	var b bytes.Buffer
	boundary := fmt.Sprintf("b%d", i)
	fmt.Fprintf(&b, "From: Ana Costa <ana.costa@usf-arco-iris.min-saude.pt>\r\nTo: %s\r\n", to)
	fmt.Fprintf(&b, "Subject: =?UTF-8?Q?CIT_=E2=80=93_Problema/Erro_aplica=C3=A7=C3=A3o_local_(SAM-CS)?=\r\n")
	fmt.Fprintf(&b, "Message-ID: <load-%d-%d@usf-arco-iris.min-saude.pt>\r\nDate: %s\r\n", run, i, time.Now().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=%s\r\n\r\n", boundary)
	fmt.Fprintf(&b, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n", boundary)
	b.WriteString(strings.ReplaceAll(`Bom dia,

Descrição detalhada: ao emitir o CIT a aplicação devolve "Erro 500" depois de validar o utente.
Designação do centro de saúde/unidade de saúde: USF Arco-Íris
Número da cédula profissional: 45123
Número de utente (SNS): 111156119
NISS: 11234567892

Com os melhores cumprimentos,
Ana Costa
`, "\n", "\r\n"))
	fmt.Fprintf(&b, "\r\n--%s\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"erro-%d.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n--%s--\r\n",
		boundary, worker, attachment, boundary)
	return b.Bytes()
}

func wrap(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

func peakRSS(pid int) string {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
