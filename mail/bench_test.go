package mail

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"mime/quotedprintable"
	"strings"
	"testing"
)

// typicalMessage builds what the desk receives most: an Outlook message
// with a text/plain and an HTML body (a label/value table and some prose)
// and a screenshot of about 30 KB as an inline PNG.
func typicalMessage(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 100, 100))
	r := rand.New(rand.NewPCG(1, 2))
	for y := 0; y < 100; y++ {
		for x := 0; x < 100; x++ {
			img.Set(x, y, color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255})
		}
	}
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, img); err != nil {
		tb.Fatal(err)
	}

	labels := []string{"Número de utente (SNS)", "Nome completo", "Data de nascimento", "NISS", "Número do boletim",
		"Classificação de doença", "Data(s) de início", "Data(s) de termo", "Número de cédula profissional", "Nome clínico"}
	var text, html strings.Builder
	text.WriteString("Bom dia,\n\nSolicito a retificação do CIT abaixo, por motivo de força maior devidamente fundamentado.\n\n")
	html.WriteString(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style>p.MsoNormal{margin:0cm;font-size:11.0pt;font-family:"Calibri",sans-serif;}</style></head><body lang="PT"><div class="WordSection1">`)
	html.WriteString(`<p class="MsoNormal">Bom dia,<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p><p class="MsoNormal">Solicito a retificação do CIT abaixo, por motivo de força maior devidamente fundamentado.<o:p></o:p></p><table class="MsoTableGrid" border="1" cellspacing="0" cellpadding="0">`)
	for i, l := range labels {
		v := fmt.Sprintf("valor %d – %d", i, 1000+i)
		fmt.Fprintf(&text, "%s: %s\n", l, v)
		fmt.Fprintf(&html, `<tr><td width="240" valign="top" style="width:180.0pt;border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"><p class="MsoNormal">%s<o:p></o:p></p></td><td width="300" valign="top" style="width:225.0pt;border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"><p class="MsoNormal">%s<o:p></o:p></p></td></tr>`, l, v)
	}
	html.WriteString(`</table>`)
	para := "A aplicação apresenta a mensagem de erro ao gravar o registo; o utente já foi informado e aguarda a correção. "
	for i := 0; i < 30; i++ {
		text.WriteString(para + "\n")
		fmt.Fprintf(&html, `<p class="MsoNormal">%s<o:p></o:p></p>`, para)
	}
	text.WriteString("\nCom os melhores cumprimentos,\nAna Sousa\n")
	html.WriteString(`<p class="MsoNormal">Com os melhores cumprimentos,<o:p></o:p></p><p class="MsoNormal"><img width="100" height="100" src="cid:image001.png@01DC8F2B.5E2C1A40"></p><p class="MsoNormal"><b>Ana Sousa</b></p></div></body></html>`)

	qp := func(s string) string {
		var b bytes.Buffer
		w := quotedprintable.NewWriter(&b)
		_, _ = w.Write([]byte(strings.ReplaceAll(s, "\n", "\r\n")))
		_ = w.Close()
		return b.String()
	}
	b64 := base64.StdEncoding.EncodeToString(pngBuf.Bytes())
	var lines []string
	for len(b64) > 76 {
		lines = append(lines, b64[:76])
		b64 = b64[76:]
	}
	lines = append(lines, b64)

	var m strings.Builder
	m.WriteString("From: \"Sousa, Ana\" <Ana.Sousa@ulssjoao.min-saude.pt>\r\n" +
		"To: servicedesk@spms.min-saude.pt\r\n" +
		"Subject: =?utf-8?Q?RE:_[#SD-2026-000123]_CIT_=E2=80=93_Retifica=C3=A7=C3=A3o_de_CIT?=\r\n" +
		"Date: Wed, 4 Mar 2026 09:12:33 +0000\r\n" +
		"Message-ID: <DB9PR02MB7345A1B2C3D4E5F6A7@DB9PR02MB7345.eurprd02.prod.outlook.com>\r\n" +
		"In-Reply-To: <SD-2026-000123.2.1741086120@balcao.spms.min-saude.pt>\r\n" +
		"References: <SD-2026-000123.1.1741082520@balcao.spms.min-saude.pt> <SD-2026-000123.2.1741086120@balcao.spms.min-saude.pt>\r\n" +
		"Thread-Index: AdmQ0l3G5n2b7YtVSpe0xJ0c2b1+Qw==\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/related; boundary=\"rel\"; type=\"multipart/alternative\"\r\n\r\n" +
		"--rel\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n" +
		"--alt\r\nContent-Type: text/plain; charset=\"utf-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	m.WriteString(qp(text.String()))
	m.WriteString("\r\n--alt\r\nContent-Type: text/html; charset=\"utf-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	m.WriteString(qp(html.String()))
	m.WriteString("\r\n--alt--\r\n\r\n--rel\r\nContent-Type: image/png; name=\"image001.png\"\r\n" +
		"Content-Disposition: inline; filename=\"image001.png\"\r\nContent-ID: <image001.png@01DC8F2B.5E2C1A40>\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n")
	m.WriteString(strings.Join(lines, "\r\n"))
	m.WriteString("\r\n--rel--\r\n")
	return []byte(m.String())
}

func TestTypicalMessage(t *testing.T) {
	raw := typicalMessage(t)
	m, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 1 || !m.Attachments[0].Inline || len(m.Attachments[0].Data) < 28000 {
		t.Fatalf("attachments: %+v", attNames(m))
	}
	if len(Pairs(m)) < 10 || m.HTML == "" || !strings.Contains(m.Text, "Nome completo: valor 1") {
		t.Fatalf("body not read")
	}
	t.Logf("typical message: %d bytes raw (text %d, HTML %d, PNG %d)", len(raw), len(m.Text), len(m.HTML), len(m.Attachments[0].Data))
}

// BenchmarkParse measures Parse on the typical message; the desk's budget
// is 1,500 messages a second end to end on 2 cores, so Parse must stay well
// under 300 µs.
func BenchmarkParse(b *testing.B) {
	raw := typicalMessage(b)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPairs measures Pairs on the typical message (HTML table + text).
func BenchmarkPairs(b *testing.B) {
	m, err := Parse(typicalMessage(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = Pairs(m)
	}
}

// BenchmarkSanitizeHTML measures SanitizeHTML on the typical message's HTML.
func BenchmarkSanitizeHTML(b *testing.B) {
	m, err := Parse(typicalMessage(b))
	if err != nil {
		b.Fatal(err)
	}
	cid := func(id string) string { return "/a/" + id }
	b.ReportAllocs()
	for b.Loop() {
		_ = SanitizeHTML(m.HTML, cid)
	}
}
