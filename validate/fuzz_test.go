package validate

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var fuzzChoices = []string{"Não sei", "Açores", "Outra", "outra"}

// FuzzCheck checks, for any kind and input, that Check never panics, only
// returns codes listed by Codes, and that normalisation is idempotent: a
// stored Value checked again yields itself.
func FuzzCheck(f *testing.F) {
	seeds := []string{
		"", " ", "11234567892", "501 964 843", "PT501964843", "111156118", "45123",
		"123456789 zz1", "529.982.247-25", "12.abc.345/01de-35", "898000000043208",
		"100000000060018", "20005", "25/04/1974", "1974-04-25", "31/02/2024",
		"Maria.Silva@Exemplo.PT", "+351 912 345 678", "(11) 91234-5678", "+34612345678",
		"::ffff:192.0.2.1", "2001:DB8::1", " nao  SEI ", "a\r\nb\tc", "a\x00b", "\xff",
	}
	for i, s := range seeds {
		f.Add(uint8(i), s, i%2 == 0)
	}
	kinds := Kinds()
	now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, k uint8, raw string, pastOnly bool) {
		kind := kinds[int(k)%len(kinds)]
		opt := Options{Now: now, Choices: fuzzChoices, PastOnly: pastOnly, MaxLen: int(k) % 40}
		r := Check(kind, raw, opt)
		if r.Code != "" && !slices.Contains(Codes(kind), r.Code) {
			t.Fatalf("Check(%s, %q) = %+v: code not in Codes", kind, raw, r)
		}
		if r.Warning != (r.Code == CodeCheckDigitUnverified) {
			t.Fatalf("Check(%s, %q) = %+v: warning does not match code", kind, raw, r)
		}
		if r.Code != "" && Fix(kind, r.Code, "en") == "" {
			t.Fatalf("no Fix for %s/%s", kind, r.Code)
		}
		if r.Code != "" && !r.Warning {
			if r.Value != "" {
				t.Fatalf("Check(%s, %q) = %+v: value set on error", kind, raw, r)
			}
			return
		}
		if r.Value == "" || !utf8.ValidString(r.Value) || strings.TrimSpace(r.Value) != r.Value {
			t.Fatalf("Check(%s, %q) = %+v: bad value", kind, raw, r)
		}
		if again := Check(kind, r.Value, opt); again != r {
			t.Fatalf("Check(%s, %q) = %+v, but its value gives %+v", kind, raw, r, again)
		}
		if kind == Text && strings.Contains(r.Value, "  ") {
			t.Fatalf("Check(text, %q) = %q keeps a run of blanks", raw, r.Value)
		}
	})
}

// FuzzParseDate checks that an accepted date reads the same back in both
// the Portuguese and the ISO spelling.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"25/04/1974", "1974-04-25", "29.02.2024", "31/02/2024", "1/1/0001", "9999-12-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseDate(s)
		if !ok {
			return
		}
		for _, layout := range []string{"02/01/2006", time.DateOnly} {
			back, ok := ParseDate(d.Format(layout))
			if !ok || !back.Equal(d) {
				t.Fatalf("ParseDate(%q) = %v, but its %s spelling gives %v, %v", s, d, layout, back, ok)
			}
		}
	})
}
