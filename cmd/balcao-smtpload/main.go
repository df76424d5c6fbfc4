// Command balcao-smtpload measures mail intake end to end: it opens N SMTP
// connections to a running `balcao serve` and sends complete CIT D.1
// requests (a PrintScreen PNG attached) as fast as the server answers 250,
// then prints the sustained rate, the latency per message, the share of
// the CPU the host of a virtual machine took meanwhile (steal) and, given
// the server's PID, its CPU time per message and peak resident memory.
// The content goes with BDAT when the server offers CHUNKING (as Postfix
// and Exchange send it), or with DATA (-mode data).
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
	"net"
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
	pid := flag.Int("pid", 0, "PID of the server, to report its CPU time per message and its peak memory (VmHWM)")
	requesters := flag.Int("requesters", 1000, "distinct sender addresses, used in turn: the desk sends at most BALCAO_AUTO_MAIL_PER_DAY automatic answers (40) to one address a day, so every message gets its acknowledgement only while messages per requester stay under that cap")
	mode := flag.String("mode", "auto", "how to send the content: bdat (CHUNKING, RFC 3030), data, or auto (BDAT when the server offers CHUNKING, as Postfix and Exchange do)")
	flag.Parse()

	png := make([]byte, *pngSize)
	rand.Read(png)
	copy(png, "\x89PNG\r\n\x1a\n")
	run := time.Now().UnixNano()
	// One template per sender; each message patches its own Message-ID and
	// 16 characters of the screenshot's base64, so every screenshot
	// differs, as real ones do (no help from the server's deduplication of
	// identical attachments), and the tool spends its time sending rather
	// than encoding.
	templates := make([]*template, *senders)
	for w := range templates {
		templates[w] = newTemplate(run, w, *to, wrap(base64.StdEncoding.EncodeToString(png)))
	}

	var next atomic.Int64
	var failures atomic.Int64
	var used atomic.Value
	lat := make([][]time.Duration, *senders)
	var wg sync.WaitGroup
	cpu0, steal0 := processCPU(*pid), readSteal()
	start := time.Now()
	for w := range *senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := dial(*addr, *mode)
			if err != nil {
				fmt.Fprintln(os.Stderr, "dial:", err)
				failures.Add(1)
				return
			}
			used.Store(c.how)
			defer c.close()
			for {
				i := next.Add(1)
				if i > int64(*total) {
					return
				}
				who := fmt.Sprintf("%0*d", requesterWidth, i%int64(max(1, *requesters)))
				msg := templates[w].message(i, who)
				t0 := time.Now()
				if err := c.send(requesterAddress(who), *to, msg); err != nil {
					failures.Add(1)
					fmt.Fprintln(os.Stderr, "send:", err)
					if c.reset() != nil {
						return
					}
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
	how, _ := used.Load().(string)
	fmt.Printf("sent %d messages (%d failed) with %d senders (%s) in %.2fs: %.0f messages/s\n",
		ok, failures.Load(), *senders, how, elapsed.Seconds(), float64(ok)/elapsed.Seconds())
	if ok > 0 {
		fmt.Printf("latency per message: median %v, p99 %v, max %v\n", all[ok/2], all[ok*99/100], all[ok-1])
	}
	if *pid != 0 && ok > 0 {
		if cpu1 := processCPU(*pid); cpu0 >= 0 && cpu1 >= 0 {
			fmt.Printf("server CPU: %.3f ms a message (user + system over the run)\n",
				float64(cpu1-cpu0)*1000/float64(ok)/clockTicks)
		}
	}
	if s1 := readSteal(); steal0.total > 0 && s1.total > steal0.total {
		share := 100 * float64(s1.steal-steal0.steal) / float64(s1.total-steal0.total)
		fmt.Printf("CPU taken by the host (steal): %.1f %%", share)
		if share > 3 {
			fmt.Print(" — above 3 %: the figures above understate this machine")
		}
		fmt.Println()
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

// client is one SMTP connection, spoken by hand so the tool can send with
// BDAT as well as DATA and pipeline the envelope (RFC 2920).
type client struct {
	conn net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
	how  string // "BDAT" or "DATA"
}

func dial(addr, mode string) (*client, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	c := &client{conn: conn, r: bufio.NewReaderSize(conn, 4096), w: bufio.NewWriterSize(conn, 64<<10)}
	if _, _, err := c.reply(); err != nil {
		conn.Close()
		return nil, err
	}
	fmt.Fprintf(c.w, "EHLO smtpload.invalid\r\n")
	c.w.Flush()
	_, ext, err := c.reply()
	if err != nil {
		conn.Close()
		return nil, err
	}
	chunking := strings.Contains(strings.ToUpper(ext), "CHUNKING")
	switch {
	case mode == "data", mode == "auto" && !chunking:
		c.how = "DATA"
	case mode == "bdat" && !chunking:
		conn.Close()
		return nil, fmt.Errorf("the server does not offer CHUNKING")
	default:
		c.how = "BDAT"
	}
	return c, nil
}

// reply reads one (possibly multi-line) reply; an error for 4xx and 5xx.
func (c *client) reply() (int, string, error) {
	var text strings.Builder
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			return 0, "", err
		}
		if len(line) < 4 {
			return 0, "", fmt.Errorf("short reply %q", line)
		}
		text.WriteString(line)
		if line[3] == ' ' {
			code := 0
			fmt.Sscanf(line[:3], "%d", &code)
			if code >= 400 {
				return code, text.String(), fmt.Errorf("%s", strings.TrimSpace(text.String()))
			}
			return code, text.String(), nil
		}
	}
}

// send pipelines MAIL and RCPT with the content: with BDAT the three go in
// one write; with DATA the content follows the 354 reply. Either way the
// last reply is the server's answer to the content: 250 only after commit.
func (c *client) send(from, to string, msg []byte) error {
	fmt.Fprintf(c.w, "MAIL FROM:<%s>\r\nRCPT TO:<%s>\r\n", from, to)
	if c.how == "BDAT" {
		fmt.Fprintf(c.w, "BDAT %d LAST\r\n", len(msg))
		c.w.Write(msg)
	} else {
		c.w.WriteString("DATA\r\n")
	}
	if err := c.w.Flush(); err != nil {
		return err
	}
	var first error
	replies := 3
	for range replies {
		if _, _, err := c.reply(); err != nil && first == nil {
			first = err
		}
	}
	if first != nil || c.how == "BDAT" {
		return first
	}
	// The generated messages have no line starting with a dot: no stuffing.
	c.w.Write(msg)
	c.w.WriteString("\r\n.\r\n")
	if err := c.w.Flush(); err != nil {
		return err
	}
	_, _, err := c.reply()
	return err
}

func (c *client) reset() error {
	c.w.WriteString("RSET\r\n")
	if err := c.w.Flush(); err != nil {
		return err
	}
	_, _, err := c.reply()
	return err
}

func (c *client) close() {
	c.w.WriteString("QUIT\r\n")
	c.w.Flush()
	c.reply()
	c.conn.Close()
}

// template is a complete CIT D.1 request with room for a message number
// and a requester number.
type template struct {
	b           []byte
	idAt, imAt  int // offsets of the Message-ID number and of the patched base64
	whoAt, who2 int // offsets of the requester number in From and in the signature
}

const (
	idWidth        = 16
	requesterWidth = 5
)

// requesterAddress is the address of requester number who.
func requesterAddress(who string) string {
	return "profissional." + who + "@usf-arco-iris.min-saude.pt"
}

func newTemplate(run int64, worker int, to, attachment string) *template {
	marker := strings.Repeat("#", idWidth)
	whoMarker := strings.Repeat("%", requesterWidth)
	raw := message(run, marker, whoMarker, worker, to, attachment)
	t := &template{b: raw, idAt: bytes.Index(raw, []byte(marker)), whoAt: bytes.Index(raw, []byte(whoMarker))}
	t.who2 = t.whoAt + requesterWidth + bytes.Index(raw[t.whoAt+requesterWidth:], []byte(whoMarker))
	// The first 16 base64 characters after the PNG signature's 12 (its 8
	// bytes and 1 more) become the message number.
	t.imAt = bytes.Index(raw, []byte(attachment[:12])) + 12
	return t
}

func (t *template) message(i int64, who string) []byte {
	m := slices.Clone(t.b)
	n := fmt.Sprintf("%0*d", idWidth, i)
	copy(m[t.idAt:], n)
	copy(m[t.whoAt:], who)
	copy(m[t.who2:], who)
	// 12 digits are exactly 16 base64 characters.
	copy(m[t.imAt:], base64.StdEncoding.EncodeToString([]byte(n[idWidth-12:])))
	return m
}

func message(run int64, id, who string, worker int, to, attachment string) []byte {
	var b bytes.Buffer
	boundary := fmt.Sprintf("b%d-%d", run, worker)
	fmt.Fprintf(&b, "From: Profissional %s <%s>\r\nTo: %s\r\n", who, requesterAddress(who), to)
	fmt.Fprintf(&b, "Subject: =?UTF-8?Q?CIT_=E2=80=93_Problema/Erro_aplica=C3=A7=C3=A3o_local_(SAM-CS)?=\r\n")
	fmt.Fprintf(&b, "Message-ID: <load-%d-%s@usf-arco-iris.min-saude.pt>\r\nDate: %s\r\n", run, id, time.Now().Format(time.RFC1123Z))
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

// clockTicks is the kernel's USER_HZ, the unit of /proc's CPU times (100
// on Linux for every architecture Go builds for).
const clockTicks = 100

// processCPU is the user + system time of process pid in clock ticks, or -1.
func processCPU(pid int) int64 {
	if pid == 0 {
		return -1
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	return statCPU(b)
}

// statCPU reads utime + stime from a /proc/PID/stat line, or -1.
func statCPU(b []byte) int64 {
	// The command name, in parentheses, may hold spaces: count fields
	// after its closing parenthesis (utime and stime are fields 14 and 15).
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return -1
	}
	var utime, stime int64
	if _, err := fmt.Sscan(f[11], &utime); err != nil {
		return -1
	}
	if _, err := fmt.Sscan(f[12], &stime); err != nil {
		return -1
	}
	return utime + stime
}

// stealSample is the machine's CPU time (all of /proc/stat's first line)
// and the part of it the hypervisor gave to other machines (steal).
type stealSample struct{ steal, total int64 }

func readSteal() stealSample {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return stealSample{}
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return stealSample{}
	}
	var s stealSample
	for i, v := range f[1:9] { // user nice system idle iowait irq softirq steal
		var n int64
		fmt.Sscan(v, &n)
		s.total += n
		if i == 7 {
			s.steal = n
		}
	}
	return s
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
