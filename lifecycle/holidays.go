package lifecycle

import (
	"maps"
	"slices"
	"strings"
	"time"

	"balcao"
)

// Easter returns the date of Easter Sunday in year by the Gregorian
// computus (the "Anonymous" algorithm published by Meeus, Jones and
// Butcher). It is exact for every Gregorian year and, with floored
// arithmetic, gives the proleptic Gregorian date for any other int.
func Easter(year int) (month time.Month, day int) {
	a := floorMod(year, 19)
	b, c := floorDiv(year, 100), floorMod(year, 100)
	d, e := floorDiv(b, 4), floorMod(b, 4)
	f := floorDiv(b+8, 25)
	g := floorDiv(b-f+1, 3)
	h := floorMod(19*a+b-d-g+15, 30)
	i, k := floorDiv(c, 4), floorMod(c, 4)
	l := floorMod(32+2*e+2*i-h-k, 7)
	m := floorDiv(a+11*h+22*l, 451)
	n := h + l - 7*m + 114
	return time.Month(n / 31), n%31 + 1
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - floorDiv(a, b)*b }

// The kinds of Holiday.
const (
	KindNational = "national" // closed by national law, for every organisation of the country
	KindOptional = "optional" // an organisation may observe it (Carnaval, a Brazilian ponto facultativo)
	KindLocal    = "local"    // municipal, regional or the organisation's own
)

// Holiday is a day on which a calendar does not work. Name holds the name
// in "pt-PT", "pt-BR", "en" and "es"; Key is a stable spelling-free
// identifier ("sexta_feira_santa", "carnaval") used in configuration. The
// map is the caller's own copy.
type Holiday struct {
	Date Date
	Key  string
	Name map[string]string
	Kind string
}

// Label returns the holiday's name in lang ("pt-PT", "pt-BR", "en", "es";
// a regional tag such as "en-GB" picks its language), falling back to
// pt-PT, then to the key.
func (h Holiday) Label(lang string) string {
	l := strings.ToLower(strings.ReplaceAll(lang, "_", "-"))
	primary, region, _ := strings.Cut(l, "-")
	tag := "pt-PT"
	switch {
	case primary == "pt" && strings.HasPrefix(region, "br"):
		tag = "pt-BR"
	case primary == "en", primary == "es":
		tag = primary
	}
	if n := h.Name[tag]; n != "" {
		return n
	}
	if n := h.Name["pt-PT"]; n != "" {
		return n
	}
	return h.Key
}

// holidayDef is one rule of a country's holiday law: a fixed day, or a day
// a number of days from Easter, in force from a year on, with a gap of
// years in which it was suspended.
type holidayDef struct {
	key            string
	month          time.Month // 0 for a movable holiday
	day            int
	easter         int // days from Easter Sunday when month is 0
	since          int // first year in force; 0 = always
	gapFrom, gapTo int // years (inclusive) in which it was not a holiday; 0 = none
	names          map[string]string
}

func (h *holidayDef) inForce(year int) bool {
	return year >= h.since && (h.gapFrom == 0 || year < h.gapFrom || year > h.gapTo)
}

// on reports whether h falls on d; easter is Easter Sunday of d.Year.
func (h *holidayDef) on(d, easter Date) bool {
	if !h.inForce(d.Year) {
		return false
	}
	if h.month != 0 {
		return d.Month == h.month && d.Day == h.day
	}
	return easter.AddDays(h.easter) == d
}

func (h *holidayDef) date(year int, easter Date) Date {
	if h.month != 0 {
		return Date{year, h.month, h.day}
	}
	return easter.AddDays(h.easter)
}

func easterDate(year int) Date {
	m, d := Easter(year)
	return Date{year, m, d}
}

func names(ptPT, ptBR, en, es string) map[string]string {
	return map[string]string{"pt-PT": ptPT, "pt-BR": ptBR, "en": en, "es": es}
}

// Portugal: Código do Trabalho art. 234 as amended by Lei 23/2012, which
// suspended Corpo de Deus, 5 Outubro, 1 Novembro and 1 Dezembro for
// 2013–2015, and Lei 8/2016, which restored them from 2016.
var ptNational = []holidayDef{
	{key: "ano_novo", month: time.January, day: 1, names: names("Ano Novo", "Ano-Novo", "New Year's Day", "Año Nuevo")},
	{key: "sexta_feira_santa", easter: -2, names: names("Sexta-feira Santa", "Sexta-feira Santa", "Good Friday", "Viernes Santo")},
	{key: "pascoa", easter: 0, names: names("Páscoa", "Páscoa", "Easter Sunday", "Domingo de Pascua")},
	{key: "dia_da_liberdade", month: time.April, day: 25, names: names("Dia da Liberdade", "Dia da Liberdade", "Freedom Day", "Día de la Libertad")},
	{key: "dia_do_trabalhador", month: time.May, day: 1, names: names("Dia do Trabalhador", "Dia do Trabalhador", "Labour Day", "Día del Trabajador")},
	{key: "corpo_de_deus", easter: 60, gapFrom: 2013, gapTo: 2015, names: names("Corpo de Deus", "Corpus Christi", "Corpus Christi", "Corpus Christi")},
	{key: "dia_de_portugal", month: time.June, day: 10, names: names("Dia de Portugal, de Camões e das Comunidades Portuguesas", "Dia de Portugal, de Camões e das Comunidades Portuguesas", "Portugal Day", "Día de Portugal")},
	{key: "assuncao", month: time.August, day: 15, names: names("Assunção de Nossa Senhora", "Assunção de Nossa Senhora", "Assumption Day", "Asunción de la Virgen")},
	{key: "implantacao_da_republica", month: time.October, day: 5, gapFrom: 2013, gapTo: 2015, names: names("Implantação da República", "Implantação da República", "Republic Day", "Implantación de la República")},
	{key: "todos_os_santos", month: time.November, day: 1, gapFrom: 2013, gapTo: 2015, names: names("Todos os Santos", "Dia de Todos os Santos", "All Saints' Day", "Día de Todos los Santos")},
	{key: "restauracao_da_independencia", month: time.December, day: 1, gapFrom: 2013, gapTo: 2015, names: names("Restauração da Independência", "Restauração da Independência", "Restoration of Independence Day", "Restauración de la Independencia")},
	{key: "imaculada_conceicao", month: time.December, day: 8, names: names("Imaculada Conceição", "Imaculada Conceição", "Immaculate Conception", "Inmaculada Concepción")},
	{key: "natal", month: time.December, day: 25, names: names("Natal", "Natal", "Christmas Day", "Navidad")},
}

// Carnaval (Shrove Tuesday) is not in the Código do Trabalho; the
// government and many employers grant it. Christmas Eve is not a holiday.
var ptOptional = []holidayDef{
	{key: "carnaval", easter: -47, names: names("Carnaval", "Carnaval", "Carnival (Shrove Tuesday)", "Carnaval (martes)")},
}

// Brazil: Lei 662/1949 (as amended by Lei 10.607/2002), Lei 6.802/1980
// (Nossa Senhora Aparecida), Lei 14.759/2023 (Consciência Negra, first
// observed in 2024). Sexta-feira Santa is strictly a municipal religious
// holiday (Lei 9.093/1995) but is kept everywhere, so it is national here.
var brNational = []holidayDef{
	{key: "confraternizacao_universal", month: time.January, day: 1, names: names("Confraternização Universal", "Confraternização Universal", "New Year's Day", "Año Nuevo")},
	{key: "sexta_feira_santa", easter: -2, names: names("Sexta-feira Santa", "Sexta-feira Santa (Paixão de Cristo)", "Good Friday", "Viernes Santo")},
	{key: "tiradentes", month: time.April, day: 21, names: names("Tiradentes", "Tiradentes", "Tiradentes Day", "Día de Tiradentes")},
	{key: "dia_do_trabalho", month: time.May, day: 1, names: names("Dia do Trabalho", "Dia do Trabalho", "Labour Day", "Día del Trabajo")},
	{key: "independencia", month: time.September, day: 7, names: names("Independência do Brasil", "Independência do Brasil", "Independence Day", "Día de la Independencia")},
	{key: "nossa_senhora_aparecida", month: time.October, day: 12, since: 1980, names: names("Nossa Senhora Aparecida", "Nossa Senhora Aparecida", "Our Lady of Aparecida", "Nuestra Señora Aparecida")},
	{key: "finados", month: time.November, day: 2, names: names("Dia de Finados", "Finados", "All Souls' Day", "Día de los Fieles Difuntos")},
	{key: "proclamacao_da_republica", month: time.November, day: 15, names: names("Proclamação da República", "Proclamação da República", "Republic Proclamation Day", "Proclamación de la República")},
	{key: "consciencia_negra", month: time.November, day: 20, since: 2024, names: names("Dia Nacional de Zumbi e da Consciência Negra", "Dia Nacional de Zumbi e da Consciência Negra", "Black Consciousness Day", "Día de la Conciencia Negra")},
	{key: "natal", month: time.December, day: 25, names: names("Natal", "Natal", "Christmas Day", "Navidad")},
}

// Brazilian pontos facultativos of the federal administration. Ash
// Wednesday is off until 14:00 only; a calendar that observes it closes
// the whole day, since half-day holidays are not modelled.
var brOptional = []holidayDef{
	{key: "carnaval", easter: -48, names: names("Segunda-feira de Carnaval", "Segunda-feira de Carnaval", "Carnival Monday", "Lunes de Carnaval")},
	{key: "carnaval", easter: -47, names: names("Terça-feira de Carnaval", "Terça-feira de Carnaval", "Carnival Tuesday", "Martes de Carnaval")},
	{key: "quarta_feira_de_cinzas", easter: -46, names: names("Quarta-feira de Cinzas", "Quarta-feira de Cinzas", "Ash Wednesday", "Miércoles de Ceniza")},
	{key: "corpus_christi", easter: 60, names: names("Corpo de Deus", "Corpus Christi", "Corpus Christi", "Corpus Christi")},
}

var localNames = names("Feriado local", "Feriado local", "Local holiday", "Festivo local")

// countryRules returns the national and optional rules of country, matched
// without regard to case; ok is false for a country without rules.
func countryRules(country string) (national, optional []holidayDef, ok bool) {
	switch {
	case strings.EqualFold(country, "PT"):
		return ptNational, ptOptional, true
	case strings.EqualFold(country, "BR"):
		return brNational, brOptional, true
	}
	return nil, nil, false
}

func unknownCountry(country string) error {
	return balcao.Errorf(balcao.EINVALID, "unknown country %q: the supported countries are PT (Portugal) and BR (Brazil)", country)
}

func listHolidays(defs []holidayDef, kind string, year int) []Holiday {
	easter := easterDate(year)
	out := make([]Holiday, 0, len(defs))
	for i := range defs {
		if defs[i].inForce(year) {
			out = append(out, defs[i].holiday(defs[i].date(year, easter), kind))
		}
	}
	sortHolidays(out)
	return out
}

func (h *holidayDef) holiday(d Date, kind string) Holiday {
	return Holiday{Date: d, Key: h.key, Name: maps.Clone(h.names), Kind: kind}
}

func sortHolidays(hs []Holiday) {
	slices.SortStableFunc(hs, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
}

// NationalHolidays returns the national holidays of country ("PT" or "BR",
// any case) in year, sorted by date, with Kind "national". Two holidays on
// one day (Páscoa on 25 April, as in 2038) are both listed. An unknown
// country is an EINVALID error that names it and the supported ones.
func NationalHolidays(country string, year int) ([]Holiday, error) {
	national, _, ok := countryRules(country)
	if !ok {
		return nil, unknownCountry(country)
	}
	return listHolidays(national, KindNational, year), nil
}

// OptionalHolidays returns the days of country in year that an
// organisation may choose to observe (Kind "optional"), sorted by date:
// Carnaval in Portugal; Carnaval Monday and Tuesday (one key, "carnaval"),
// Ash Wednesday and Corpus Christi in Brazil. Name them by Key in
// Calendar.Optional.
func OptionalHolidays(country string, year int) ([]Holiday, error) {
	_, optional, ok := countryRules(country)
	if !ok {
		return nil, unknownCountry(country)
	}
	return listHolidays(optional, KindOptional, year), nil
}

// normKey folds a holiday name or key to key form: lower case, no
// accents, words joined by "_", so "Quarta-feira de Cinzas" and
// "quarta_feira_de_cinzas" match.
func normKey(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if f, ok := unaccent[r]; ok {
			r = f
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(r)
		case r == '\'' || r == '’':
		default:
			sep = true
		}
	}
	return b.String()
}

var unaccent = map[rune]rune{
	'á': 'a', 'à': 'a', 'â': 'a', 'ã': 'a', 'é': 'e', 'ê': 'e', 'í': 'i',
	'ó': 'o', 'ô': 'o', 'õ': 'o', 'ú': 'u', 'ü': 'u', 'ç': 'c', 'ñ': 'n',
}

// optionalKey resolves a name or key of an optional holiday of country to
// its key.
func optionalKey(country, name string) (string, error) {
	_, optional, ok := countryRules(country)
	if !ok {
		return "", unknownCountry(country)
	}
	want := normKey(name)
	var keys []string
	for i := range optional {
		h := &optional[i]
		if want == h.key {
			return h.key, nil
		}
		for _, n := range h.names {
			if want != "" && normKey(n) == want {
				return h.key, nil
			}
		}
		if !slices.Contains(keys, h.key) {
			keys = append(keys, h.key)
		}
	}
	return "", balcao.Errorf(balcao.EINVALID, "%q is not an optional holiday of %s; the optional holidays are: %s",
		name, strings.ToUpper(country), strings.Join(keys, ", "))
}
