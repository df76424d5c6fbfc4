package lifecycle

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestEasterKnownDates(t *testing.T) {
	// Checked against dateutil.easter (EASTER_WESTERN).
	known := []string{
		"1900-04-15", "1901-04-07", "1905-04-23", "1913-03-23", "1916-04-23", "1921-03-27",
		"1924-04-20", "1932-03-27", "1940-03-24", "1943-04-25", "1951-03-25", "1954-04-18",
		"1962-04-22", "1970-03-29", "1978-03-26", "1981-04-19", "1989-03-26", "1990-04-15",
		"1998-04-12", "2000-04-23", "2001-04-15", "2004-04-11", "2008-03-23", "2010-04-04",
		"2011-04-24", "2013-03-31", "2015-04-05", "2016-03-27", "2018-04-01", "2019-04-21",
		"2020-04-12", "2021-04-04", "2022-04-17", "2023-04-09", "2024-03-31", "2025-04-20",
		"2026-04-05", "2027-03-28", "2028-04-16", "2029-04-01", "2030-04-21", "2031-04-13",
		"2032-03-28", "2033-04-17", "2034-04-09", "2035-03-25", "2038-04-25", "2041-04-21",
		"2049-04-18", "2057-04-22", "2062-03-26", "2073-03-26", "2076-04-19", "2084-03-26",
		"2086-03-31", "2095-04-24", "2099-04-12", "2100-03-28", "2285-03-22",
	}
	for _, want := range known {
		d, err := ParseDate(want)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(want, func(t *testing.T) {
			m, day := Easter(d.Year)
			if got := (Date{d.Year, m, day}); got != d {
				t.Errorf("Easter(%d) = %s, want %s", d.Year, got, d)
			}
		})
	}
}

// knuthEaster is the epact method of Knuth, TAOCP vol. 1, §1.3.2 exercise
// 14: a different derivation from the one Easter uses, so agreement over
// the whole range says both are right.
func knuthEaster(y int) (time.Month, int) {
	g := y%19 + 1
	c := y/100 + 1
	x := 3*c/4 - 12
	z := (8*c+5)/25 - 5
	d := 5*y/4 - x - 10
	e := (11*g + 20 + z - x) % 30
	if (e == 25 && g > 11) || e == 24 {
		e++
	}
	n := 44 - e
	if n < 21 {
		n += 30
	}
	n = n + 7 - (d+n)%7
	if n > 31 {
		return time.April, n - 31
	}
	return time.March, n
}

func TestEasterAgreesWithEpactMethod1583To9999(t *testing.T) {
	for y := 1583; y <= 9999; y++ {
		m1, d1 := Easter(y)
		m2, d2 := knuthEaster(y)
		if m1 != m2 || d1 != d2 {
			t.Fatalf("Easter(%d) = %s %d, epact method says %s %d", y, m1, d1, m2, d2)
		}
		if got := (Date{y, m1, d1}).Weekday(); got != time.Sunday {
			t.Fatalf("Easter(%d) is a %s", y, got)
		}
		if e := (Date{y, m1, d1}); e.Compare(Date{y, 3, 22}) < 0 || e.Compare(Date{y, 4, 25}) > 0 {
			t.Fatalf("Easter(%d) = %s, outside 22 March–25 April", y, e)
		}
	}
}

func TestEasterAnyYearGivesAValidSunday(t *testing.T) {
	for _, y := range []int{-4000, -1, 0, 1, 1000, 1582, 1 << 40, -(1 << 40)} {
		m, d := Easter(y)
		if m < time.March || m > time.April || d < 1 || d > 31 {
			t.Errorf("Easter(%d) = %v %d", y, m, d)
		}
	}
}

type wantHoliday struct{ date, key string }

func checkHolidays(t *testing.T, got []Holiday, kind string, want []wantHoliday) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d holidays, want %d: %v", len(got), len(want), got)
	}
	for i := range min(len(got), len(want)) {
		if got[i].Date.String() != want[i].date || got[i].Key != want[i].key || got[i].Kind != kind {
			t.Errorf("holiday %d = %s %s %s, want %s %s %s", i, got[i].Date, got[i].Key, got[i].Kind, want[i].date, want[i].key, kind)
		}
		for _, lang := range []string{"pt-PT", "pt-BR", "en", "es"} {
			if got[i].Name[lang] == "" {
				t.Errorf("%s %s has no %s name", got[i].Date, got[i].Key, lang)
			}
		}
	}
}

func TestHolidayPortugal(t *testing.T) {
	tests := []struct {
		year int
		want []wantHoliday
	}{
		{2026, []wantHoliday{
			{"2026-01-01", "ano_novo"}, {"2026-04-03", "sexta_feira_santa"}, {"2026-04-05", "pascoa"},
			{"2026-04-25", "dia_da_liberdade"}, {"2026-05-01", "dia_do_trabalhador"}, {"2026-06-04", "corpo_de_deus"},
			{"2026-06-10", "dia_de_portugal"}, {"2026-08-15", "assuncao"}, {"2026-10-05", "implantacao_da_republica"},
			{"2026-11-01", "todos_os_santos"}, {"2026-12-01", "restauracao_da_independencia"},
			{"2026-12-08", "imaculada_conceicao"}, {"2026-12-25", "natal"},
		}},
		{2025, []wantHoliday{
			{"2025-01-01", "ano_novo"}, {"2025-04-18", "sexta_feira_santa"}, {"2025-04-20", "pascoa"},
			{"2025-04-25", "dia_da_liberdade"}, {"2025-05-01", "dia_do_trabalhador"}, {"2025-06-10", "dia_de_portugal"},
			{"2025-06-19", "corpo_de_deus"}, {"2025-08-15", "assuncao"}, {"2025-10-05", "implantacao_da_republica"},
			{"2025-11-01", "todos_os_santos"}, {"2025-12-01", "restauracao_da_independencia"},
			{"2025-12-08", "imaculada_conceicao"}, {"2025-12-25", "natal"},
		}},
		// Lei 23/2012 suspended four holidays for 2013–2015.
		{2014, []wantHoliday{
			{"2014-01-01", "ano_novo"}, {"2014-04-18", "sexta_feira_santa"}, {"2014-04-20", "pascoa"},
			{"2014-04-25", "dia_da_liberdade"}, {"2014-05-01", "dia_do_trabalhador"}, {"2014-06-10", "dia_de_portugal"},
			{"2014-08-15", "assuncao"}, {"2014-12-08", "imaculada_conceicao"}, {"2014-12-25", "natal"},
		}},
		// Easter on 25 April: two holidays on one day, both listed.
		{2038, []wantHoliday{
			{"2038-01-01", "ano_novo"}, {"2038-04-23", "sexta_feira_santa"}, {"2038-04-25", "pascoa"},
			{"2038-04-25", "dia_da_liberdade"}, {"2038-05-01", "dia_do_trabalhador"}, {"2038-06-10", "dia_de_portugal"},
			{"2038-06-24", "corpo_de_deus"}, {"2038-08-15", "assuncao"}, {"2038-10-05", "implantacao_da_republica"},
			{"2038-11-01", "todos_os_santos"}, {"2038-12-01", "restauracao_da_independencia"},
			{"2038-12-08", "imaculada_conceicao"}, {"2038-12-25", "natal"},
		}},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.year), func(t *testing.T) {
			got, err := NationalHolidays("PT", tt.year)
			if err != nil {
				t.Fatal(err)
			}
			checkHolidays(t, got, KindNational, tt.want)
		})
	}
}

func TestHolidayPortugalOptionalCarnavalAndNoChristmasEve(t *testing.T) {
	opt, err := OptionalHolidays("pt", 2026)
	if err != nil {
		t.Fatal(err)
	}
	checkHolidays(t, opt, KindOptional, []wantHoliday{{"2026-02-17", "carnaval"}})
	opt, _ = OptionalHolidays("PT", 2025)
	checkHolidays(t, opt, KindOptional, []wantHoliday{{"2025-03-04", "carnaval"}})

	for year := 2020; year <= 2030; year++ {
		nat, _ := NationalHolidays("PT", year)
		for _, h := range nat {
			if h.Date.Month == time.December && h.Date.Day == 24 {
				t.Errorf("%d: 24 December listed as a national holiday", year)
			}
			if h.Key == "carnaval" {
				t.Errorf("%d: Carnaval listed as a national holiday", year)
			}
		}
	}
}

func TestHolidayBrazil(t *testing.T) {
	tests := []struct {
		year int
		want []wantHoliday
	}{
		{2026, []wantHoliday{
			{"2026-01-01", "confraternizacao_universal"}, {"2026-04-03", "sexta_feira_santa"},
			{"2026-04-21", "tiradentes"}, {"2026-05-01", "dia_do_trabalho"}, {"2026-09-07", "independencia"},
			{"2026-10-12", "nossa_senhora_aparecida"}, {"2026-11-02", "finados"},
			{"2026-11-15", "proclamacao_da_republica"}, {"2026-11-20", "consciencia_negra"}, {"2026-12-25", "natal"},
		}},
		// Consciência Negra is national from 2024 (Lei 14.759/2023), not before.
		{2023, []wantHoliday{
			{"2023-01-01", "confraternizacao_universal"}, {"2023-04-07", "sexta_feira_santa"},
			{"2023-04-21", "tiradentes"}, {"2023-05-01", "dia_do_trabalho"}, {"2023-09-07", "independencia"},
			{"2023-10-12", "nossa_senhora_aparecida"}, {"2023-11-02", "finados"},
			{"2023-11-15", "proclamacao_da_republica"}, {"2023-12-25", "natal"},
		}},
		{2024, []wantHoliday{
			{"2024-01-01", "confraternizacao_universal"}, {"2024-03-29", "sexta_feira_santa"},
			{"2024-04-21", "tiradentes"}, {"2024-05-01", "dia_do_trabalho"}, {"2024-09-07", "independencia"},
			{"2024-10-12", "nossa_senhora_aparecida"}, {"2024-11-02", "finados"},
			{"2024-11-15", "proclamacao_da_republica"}, {"2024-11-20", "consciencia_negra"}, {"2024-12-25", "natal"},
		}},
		// Nossa Senhora Aparecida is national from 1980 (Lei 6.802/1980).
		{1979, []wantHoliday{
			{"1979-01-01", "confraternizacao_universal"}, {"1979-04-13", "sexta_feira_santa"},
			{"1979-04-21", "tiradentes"}, {"1979-05-01", "dia_do_trabalho"}, {"1979-09-07", "independencia"},
			{"1979-11-02", "finados"}, {"1979-11-15", "proclamacao_da_republica"}, {"1979-12-25", "natal"},
		}},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.year), func(t *testing.T) {
			got, err := NationalHolidays("br", tt.year)
			if err != nil {
				t.Fatal(err)
			}
			checkHolidays(t, got, KindNational, tt.want)
		})
	}
}

func TestHolidayBrazilOptional(t *testing.T) {
	got, err := OptionalHolidays("BR", 2026)
	if err != nil {
		t.Fatal(err)
	}
	checkHolidays(t, got, KindOptional, []wantHoliday{
		{"2026-02-16", "carnaval"}, {"2026-02-17", "carnaval"},
		{"2026-02-18", "quarta_feira_de_cinzas"}, {"2026-06-04", "corpus_christi"},
	})
	got, _ = OptionalHolidays("BR", 2024)
	checkHolidays(t, got, KindOptional, []wantHoliday{
		{"2024-02-12", "carnaval"}, {"2024-02-13", "carnaval"},
		{"2024-02-14", "quarta_feira_de_cinzas"}, {"2024-05-30", "corpus_christi"},
	})
	if got[0].Name["pt-BR"] != "Segunda-feira de Carnaval" || got[1].Name["en"] != "Carnival Tuesday" {
		t.Errorf("Carnaval names: %v / %v", got[0].Name, got[1].Name)
	}
}

func TestHolidayUnknownCountry(t *testing.T) {
	for _, c := range []string{"ES", "", "Portugal", "BRA"} {
		_, err := NationalHolidays(c, 2026)
		if err == nil || !strings.Contains(err.Error(), `"`+c+`"`) || !strings.Contains(err.Error(), "PT") || !strings.Contains(err.Error(), "BR") {
			t.Errorf("NationalHolidays(%q): %v; want an error naming it and PT, BR", c, err)
		}
		if _, err := OptionalHolidays(c, 2026); err == nil {
			t.Errorf("OptionalHolidays(%q): no error", c)
		}
	}
}

func TestHolidayNamesAreCopies(t *testing.T) {
	a, _ := NationalHolidays("PT", 2026)
	a[0].Name["pt-PT"] = "changed"
	b, _ := NationalHolidays("PT", 2026)
	if b[0].Name["pt-PT"] != "Ano Novo" {
		t.Fatalf("a caller changed the package's names: %q", b[0].Name["pt-PT"])
	}
}

func TestHolidayLabel(t *testing.T) {
	h, _ := NationalHolidays("PT", 2026)
	good := h[1]
	tests := map[string]string{
		"pt-PT": "Sexta-feira Santa", "pt-BR": "Sexta-feira Santa", "en": "Good Friday", "en-GB": "Good Friday",
		"es": "Viernes Santo", "es_419": "Viernes Santo", "fr": "Sexta-feira Santa", "": "Sexta-feira Santa",
	}
	for lang, want := range tests {
		if got := good.Label(lang); got != want {
			t.Errorf("Label(%q) = %q, want %q", lang, got, want)
		}
	}
	if got := (Holiday{Key: "x"}).Label("en"); got != "x" {
		t.Errorf("Label without names = %q, want the key", got)
	}
}

func TestDateParseAndString(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"2026-04-03", "2026-04-03", true},
		{" 2024-02-29 ", "2024-02-29", true},
		{"06-13", "--06-13", true},
		{"--02-29", "--02-29", true},
		{"2026-02-29", "", false},
		{"2026-13-01", "", false},
		{"2026-4-3", "", false},
		{"13/06/2026", "", false},
		{"--2026-01-01", "", false},
		{"+026-01-01", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		d, err := ParseDate(tt.in)
		if (err == nil) != tt.ok || d.String() != tt.want {
			t.Errorf("ParseDate(%q) = %q, %v; want %q ok=%v", tt.in, d, err, tt.want, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), tt.in) {
			t.Errorf("ParseDate(%q) error does not name the value: %v", tt.in, err)
		}
	}
	if (Date{}).String() != "" || !(Date{}).IsZero() {
		t.Error("the zero Date should print as empty and be zero")
	}
	if got := (Date{2026, 12, 31}).AddDays(1); got != (Date{2027, 1, 1}) {
		t.Errorf("AddDays across a year = %s", got)
	}
}
