package web

import "testing"

func TestLanguage(t *testing.T) {
	for header, want := range map[string]string{
		"":                                   "pt-PT",
		"pt-BR,pt;q=0.9,en;q=0.8":            "pt-BR",
		"en-GB,en;q=0.9":                     "en",
		"es-ES":                              "es",
		"fr-FR, de;q=0.5":                    "pt-PT",
		"fr-FR, es;q=0.4, en;q=0.6":          "en",
		"pt":                                 "pt-PT",
		"PT-br":                              "pt-BR",
		"en;q=0.2, pt-PT;q=0.9, pt-BR;q=0.1": "pt-PT",
	} {
		if got := language(header); got != want {
			t.Errorf("language(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	for name, want := range map[string]string{
		"ecrã.png":       `attachment; filename*=utf-8''ecr%C3%A3.png`,
		"report.pdf":     `attachment; filename=report.pdf`,
		"../../etc/pass": `attachment; filename=.._.._etc_pass`,
		"":               `attachment; filename=anexo`,
	} {
		if got := contentDisposition(name); got != want {
			t.Errorf("contentDisposition(%q) = %q, want %q", name, got, want)
		}
	}
}
