package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"balcao"
	bsmtp "balcao/smtp"
)

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func needSwaks(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("swaks")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("swaks is not installed: .ci/run must install the swaks package")
		}
		t.Skip("swaks not installed (apt-get install -y swaks)")
	}
	return p
}

func swaks(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(needSwaks(t), append([]string{"--hide-all", "--timeout", "30"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("swaks %v: %v\n%s", args, err, out)
	}
	return string(out)
}

var ticketRe = regexp.MustCompile(`SD-\d{4}-\d{6}`)

// TestMailEndToEnd: a health unit writes to the desk over SMTP (the real
// swaks client); the ticket is created with its data read from the body;
// the acknowledgement, threaded and marked automatic, reaches the relay
// (a local SMTP sink) and names what is missing; the requester answers on
// the thread with the missing data and the ticket leaves pending_requester.
func TestMailEndToEnd(t *testing.T) {
	needSwaks(t)
	sink := bsmtp.StartSink(t)
	dir := t.TempDir()
	smtpAddr := freePort(t)
	environ := env("BALCAO_DATA_DIR="+dir, "BALCAO_SMTP_ADDR="+smtpAddr, "BALCAO_MAIL_RELAY=smtp://"+sink.Addr()+"?tls=none",
		"BALCAO_MAIL_HOST=balcao.test")
	srv := startServer(t, environ)
	_ = srv
	host, port, _ := net.SplitHostPort(smtpAddr)

	png := filepath.Join(t.TempDir(), "erro.png")
	os.WriteFile(png, append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 30<<10)...), 0o644)
	body := "Bom dia,\n\nDescrição detalhada: ao emitir o CIT aparece \"Erro 500\".\nDesignação do centro de saúde/unidade de saúde: USF Arco-Íris\n" +
		"Número da cédula profissional: 45123\nNúmero de utente (SNS): 111156119\n\nCumprimentos,\nAna Costa\n"
	swaks(t, "--server", host, "--port", port, "--from", "ana.costa@usf.min-saude.pt", "--to", "servicedesk@spms.min-saude.pt",
		"--header", "Subject: CIT – Problema/Erro aplicação local (SAM-CS)", "--header", "Message-Id: <pedido-1@usf.min-saude.pt>",
		"--body", body, "--attach-type", "image/png", "--attach-name", "erro.png", "--attach", "@"+png)

	acks := sink.Wait(1, 15*time.Second)
	if len(acks) != 1 {
		t.Fatalf("%d acknowledgements reached the relay", len(acks))
	}
	ack := string(acks[0].Raw)
	number := ticketRe.FindString(ack)
	for _, want := range []string{"In-Reply-To: <pedido-1@usf.min-saude.pt>", "Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All",
		"@balcao.test>", "[#" + number + "]"} {
		if !strings.Contains(ack, want) {
			t.Errorf("acknowledgement lacks %q:\n%s", want, ack)
		}
	}
	if number == "" || acks[0].To[0] != "ana.costa@usf.min-saude.pt" {
		t.Fatalf("acknowledgement to %v without a ticket number:\n%s", acks[0].To, ack)
	}
	decoded := decodeQP(ack)
	if !strings.Contains(decoded, "NISS") || !strings.Contains(decoded, number) {
		t.Errorf("acknowledgement should list the missing NISS and give the number:\n%s", decoded)
	}
	ackID := regexp.MustCompile(`(?m)^Message-Id: <([^>]+)>|^Message-ID: <([^>]+)>`).FindStringSubmatch(ack)
	if ackID == nil {
		t.Fatalf("no Message-ID in the acknowledgement:\n%s", ack)
	}
	id := ackID[1] + ackID[2]

	store, err := openStore(context.Background(), Config{DataDir: dir}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	tk, err := store.TicketByNumber(context.Background(), balcao.TicketNumber(number))
	if err != nil {
		t.Fatal(err)
	}
	if tk.RequestType != "cit-d1" || tk.Status != balcao.StatusPendingRequester || tk.Fields["cedula"] != "45123" || tk.Fields["utente.nnu"] != "111156119" {
		t.Fatalf("ticket %+v", tk)
	}

	// The requester answers on the thread with the NISS.
	swaks(t, "--server", host, "--port", port, "--from", "ana.costa@usf.min-saude.pt", "--to", "servicedesk@spms.min-saude.pt",
		"--header", "Subject: RE: [#"+number+"] CIT – Problema/Erro aplicação local (SAM-CS)",
		"--header", "Message-Id: <pedido-2@usf.min-saude.pt>", "--header", "In-Reply-To: <"+id+">",
		"--body", "NISS: 11234567892\n\nEm 23/11/2026, Centro de Suporte escreveu:\n> O seu pedido foi registado\n")
	if got := sink.Wait(2, 15*time.Second); len(got) != 2 {
		t.Fatalf("no answer to the follow-up (%d mails)", len(got))
	}
	tk, _ = store.TicketByNumber(context.Background(), balcao.TicketNumber(number))
	if tk.Status != balcao.StatusOpen || tk.Fields["utente.niss"] != "11234567892" || len(tk.Missing) != 0 {
		t.Fatalf("after the follow-up: status %s, fields %v, missing %v", tk.Status, tk.Fields, tk.Missing)
	}

	// The same message delivered again is stored once and answered once.
	swaks(t, "--server", host, "--port", port, "--from", "ana.costa@usf.min-saude.pt", "--to", "servicedesk@spms.min-saude.pt",
		"--header", "Subject: RE: [#"+number+"] CIT – Problema/Erro aplicação local (SAM-CS)",
		"--header", "Message-Id: <pedido-2@usf.min-saude.pt>", "--header", "In-Reply-To: <"+id+">", "--body", "NISS: 11234567892\n")
	time.Sleep(500 * time.Millisecond)
	if got := sink.Messages(); len(got) != 2 {
		t.Fatalf("a duplicate delivery was answered again: %d mails", len(got))
	}
	msgs, _ := store.Messages(context.Background(), tk.ID)
	if len(msgs) != 4 {
		t.Fatalf("%d messages on the ticket, want 4 (request, ack, reply, answer)", len(msgs))
	}

	// /metrics counts the three SMTP sessions and the three messages
	// accepted (the duplicate too: it is stored, once).
	_, _, metrics := get(t, srv.base+"/metrics", "")
	for _, line := range []string{`balcao_mail_sessions_total{protocol="smtp"} 3`,
		`balcao_mail_messages_total{outcome="accepted",protocol="smtp"} 3`,
		`balcao_mail_messages_total{outcome="refused",protocol="smtp"} 0`,
		`balcao_mail_messages_total{outcome="deferred",protocol="smtp"} 0`} {
		if !strings.Contains(string(metrics), line+"\n") {
			t.Fatalf("metrics lack %s:\n%s", line, metrics)
		}
	}
}

func decodeQP(s string) string {
	s = strings.ReplaceAll(s, "=\r\n", "")
	re := regexp.MustCompile(`(=[0-9A-F]{2})+`)
	return re.ReplaceAllStringFunc(s, func(m string) string {
		var b []byte
		for i := 0; i+2 < len(m)+1; i += 3 {
			var c byte
			fmt.Sscanf(m[i+1:i+3], "%02X", &c)
			b = append(b, c)
		}
		return string(b)
	})
}

// TestCrashSafety kills the server with SIGKILL again and again while a
// client sends requests; afterwards every message that got 250 is in
// exactly one ticket, and none is stored twice.
func TestCrashSafety(t *testing.T) {
	dir := t.TempDir()
	smtpAddr := freePort(t)
	environ := env("BALCAO_DATA_DIR="+dir, "BALCAO_SMTP_ADDR="+smtpAddr)
	var accepted []string
	seq := 0
	deadline := time.Now().Add(20 * time.Second)
	kills := 0
	for kills < 5 && time.Now().Before(deadline) {
		srv := startServer(t, environ)
		stop := time.After(time.Duration(300+kills*150) * time.Millisecond)
	send:
		for {
			select {
			case <-stop:
				break send
			default:
			}
			seq++
			id := fmt.Sprintf("crash-%d@usf.min-saude.pt", seq)
			msg := fmt.Sprintf("From: ana@usf.min-saude.pt\r\nTo: servicedesk@spms.min-saude.pt\r\nSubject: CIT – Dúvidas/Pedido de informação gerais\r\nMessage-ID: <%s>\r\n\r\nDescrição detalhada: pergunta %d\r\n", id, seq)
			if err := smtp.SendMail(smtpAddr, nil, "ana@usf.min-saude.pt", []string{"servicedesk@spms.min-saude.pt"}, []byte(msg)); err == nil {
				accepted = append(accepted, id)
			}
		}
		srv.cmd.Process.Signal(syscall.SIGKILL)
		<-srv.done
		kills++
	}
	if len(accepted) < 20 {
		t.Fatalf("only %d messages accepted: the test proves nothing", len(accepted))
	}
	store, err := openStore(context.Background(), Config{DataDir: dir}, true)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for _, id := range accepted {
		err := store.Update(context.Background(), func(tx balcao.Tx) error {
			t1, err := tx.TicketByMessageIDs([]string{id})
			if err != nil {
				return fmt.Errorf("message %s got 250 but is in no ticket: %v", id, err)
			}
			if t1.RequestType != "cit-b" {
				return fmt.Errorf("message %s: ticket %s of type %q", id, t1.Number, t1.RequestType)
			}
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	}
	page, _ := store.ListTickets(context.Background(), balcao.TicketFilter{Limit: 200})
	n := len(page.Tickets)
	for page.Next != "" {
		page, _ = store.ListTickets(context.Background(), balcao.TicketFilter{Limit: 200, Cursor: page.Next})
		n += len(page.Tickets)
	}
	if n < len(accepted) || n > seq {
		t.Fatalf("%d tickets for %d accepted of %d sent", n, len(accepted), seq)
	}
	t.Logf("%d kills, %d messages accepted, %d sent, %d tickets", kills, len(accepted), seq, n)
}
