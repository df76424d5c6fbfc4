package validate

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

var langs = []string{"pt-PT", "pt-BR", "en", "es"}

// TestFixComplete makes sure every code Check can return for a kind has a
// sentence in every language, that the four differ, and that they read
// after "<Label>: ".
func TestFixComplete(t *testing.T) {
	for _, k := range Kinds() {
		for _, c := range Codes(k) {
			seen := map[string]string{}
			for _, l := range langs {
				s := Fix(k, c, l)
				r, _ := utf8.DecodeRuneInString(s)
				switch {
				case s == "":
					t.Errorf("Fix(%s, %s, %s) is empty", k, c, l)
				case !unicode.IsLower(r):
					t.Errorf("Fix(%s, %s, %s) = %q does not start in lowercase", k, c, l, s)
				case s[len(s)-1] == '.':
					t.Errorf("Fix(%s, %s, %s) = %q ends with a stop", k, c, l, s)
				case seen[s] != "":
					t.Errorf("Fix(%s, %s) is the same in %s and %s: %q", k, c, seen[s], l, s)
				}
				seen[s] = l
			}
			// Shape problems are specific to each kind: the generic
			// sentence cannot say what the value should look like.
			if c == CodeFormat || c == CodeCheckDigit || c == CodeCheckDigitUnverified {
				if _, ok := fixes[fixKey{k, c}]; !ok {
					t.Errorf("Fix(%s, %s) has no sentence of its own", k, c)
				}
			}
		}
	}
}

func TestFixLanguage(t *testing.T) {
	const niss = "o NISS tem 11 algarismos e o último é um dígito de controlo; confirme se foi bem copiado"
	if got := Fix(NISS, CodeCheckDigit, "pt-PT"); got != niss {
		t.Errorf("Fix(NISS, check_digit, pt-PT) = %q", got)
	}
	for lang, want := range map[string]int{
		"": 0, "pt": 0, "pt-PT": 0, "fr": 0, "ptbr": 0,
		"pt-BR": 1, "pt_br": 1, "PT-BR": 1,
		"en": 2, "en-GB": 2, "EN_us": 2,
		"es": 3, "es-419": 3, "es_ES": 3,
	} {
		if got := Fix(CPF, CodeFormat, lang); got != fixes[fixKey{CPF, CodeFormat}][want] {
			t.Errorf("Fix(cpf, format, %q) = %q, want column %d", lang, got, want)
		}
	}
	if got := Fix(CPF, "", "en"); got != "" {
		t.Errorf("Fix with no code = %q, want empty", got)
	}
	if got := Fix("iban", "weird", "en"); got != fixes[fixKey{"", CodeFormat}][2] {
		t.Errorf("Fix(unknown) = %q, want the generic sentence", got)
	}
}
