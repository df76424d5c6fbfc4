package mail

import (
	"strings"
	"testing"
)

func TestRepairText(t *testing.T) {
	tests := []struct {
		name, in, charset, want string
		noted                   bool
	}{
		{"utf-8 untouched", "Olá, João", "utf-8", "Olá, João", false},
		{"crlf", "a\r\nb\rc", "utf-8", "a\nb\nc", false},
		{"c1 from iso-8859-1 label", "O \u0093utilizador\u0094 \u0096 25 \u0080", "iso-8859-1", "O “utilizador” – 25 €", true},
		{"8-bit without charset", "rela\xe7\xe3o \x96 \x80", "", "relação – €", true},
		{"mixed valid and invalid", "João e rela\xe7\xe3o", "", "João e relação", true},
		{"utf-8 labelled us-ascii", "relaÃ§Ã£o", "us-ascii", "relação", true},
		{"utf-8 labelled latin1", "NÃ£o consigo", "iso-8859-1", "Não consigo", true},
		{"real latin1 stays", "Ângela está cá", "iso-8859-1", "Ângela está cá", false},
		{"utf-8 declared stays", "relaÃ§Ã£o", "utf-8", "relaÃ§Ã£o", false},
	}
	for _, tc := range tests {
		got, note := repairText([]byte(tc.in), tc.charset)
		if got != tc.want || (note != "") != tc.noted {
			t.Errorf("%s: repairText(%q, %q) = %q, %q; want %q (noted %v)", tc.name, tc.in, tc.charset, got, note, tc.want, tc.noted)
		}
	}
}

func TestSafeFilename(t *testing.T) {
	tests := map[string]string{
		"relação.pdf":                      "relação.pdf",
		"../../etc/passwd":                 "passwd",
		`C:\Users\ana\Desktop\mapa.xlsx`:   "mapa.xlsx",
		"..":                               "",
		".":                                "",
		"   ":                              "",
		".bashrc":                          "bashrc",
		"nome.":                            "nome",
		"a\x00b\x07c\r\n.txt":              "abc.txt",
		"fatura\u202efdp.exe":              "faturafdp.exe",
		"zero\u200bwidth.pdf":              "zerowidth.pdf",
		`a<b>c:d"e|f?g*h.txt`:              "a_b_c_d_e_f_g_h.txt",
		"CON.txt":                          "_CON.txt",
		"com1":                             "_com1",
		"=?UTF-8?B?w7NiaXRvcy54bHN4?=":     "óbitos.xlsx",
		"=?iso-8859-1?Q?rela=E7=E3o.pdf?=": "relação.pdf",
		"rela\xe7\xe3o.pdf":                "relação.pdf",
		"tab\tname.pdf":                    "tab name.pdf",
	}
	for in, want := range tests {
		if got := SafeFilename(in); got != want {
			t.Errorf("SafeFilename(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("ção", 100) + ".pdf"
	got := SafeFilename(long)
	if len(got) > maxFilenameBytes || !strings.HasSuffix(got, ".pdf") || !isValidUTF8(got) {
		t.Errorf("long name: %d bytes %q", len(got), got)
	}
}

func TestRFC2231(t *testing.T) {
	tests := []struct{ header, key, want string }{
		{"attachment; filename*=iso-8859-1''rela%E7%E3o.pdf", "filename", "relação.pdf"},
		{"attachment; filename*=UTF-8''rela%C3%A7%C3%A3o.pdf", "filename", "relação.pdf"},
		{"attachment; filename*=utf-8'pt'a%20b.pdf", "filename", "a b.pdf"},
		{"attachment; filename*0*=UTF-8''certid%C3%A3o%20; filename*1*=%C3%B3bito; filename*2=\".pdf\"", "filename", "certidão óbito.pdf"},
		{"attachment; filename*1=\"b.pdf\"; filename*0=\"a-\"", "filename", "a-b.pdf"},
		{`attachment; filename="plain name.pdf"`, "filename", "plain name.pdf"},
		{`attachment; filename="with \"quotes\".pdf"`, "filename", `with "quotes".pdf`},
		{`attachment; filename=unquoted.pdf; size=10`, "filename", "unquoted.pdf"},
		{`application/pdf; name="n.pdf"`, "name", "n.pdf"},
		{`application/pdf; name*=windows-1252''%93a%94.pdf`, "name", "“a”.pdf"},
		{`attachment; filename*=x-unknown''caf%E9.pdf`, "filename", "café.pdf"},
		{`attachment; filename*=iso-8859-1''bad%ZZ.pdf`, "filename", "bad%ZZ.pdf"},
		{`attachment`, "filename", ""},
		{``, "filename", ""},
		{`attachment; ; =x; filename`, "filename", ""},
	}
	for _, tc := range tests {
		if got := rfc2231Param(tc.header, tc.key); got != tc.want {
			t.Errorf("rfc2231Param(%q, %q) = %q, want %q", tc.header, tc.key, got, tc.want)
		}
	}
}
