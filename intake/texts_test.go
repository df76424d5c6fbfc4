package intake

import (
	"strings"
	"testing"
)

// TestTextsComplete: every answer exists in the four languages, with the
// same placeholders.
func TestTextsComplete(t *testing.T) {
	for _, lang := range []string{"pt-BR", "en", "es"} {
		for key, pt := range texts["pt-PT"] {
			v, ok := texts[lang][key]
			if !ok || strings.TrimSpace(v) == "" {
				t.Errorf("%s: %q missing", lang, key)
				continue
			}
			for _, verb := range []string{"%s", "%d"} {
				if strings.Count(v, verb) != strings.Count(pt, verb) {
					t.Errorf("%s: %q has %d %s, pt-PT has %d", lang, key, strings.Count(v, verb), verb, strings.Count(pt, verb))
				}
			}
		}
		for key := range texts[lang] {
			if _, ok := texts["pt-PT"][key]; !ok {
				t.Errorf("%s: %q is not in pt-PT", lang, key)
			}
		}
	}
}
