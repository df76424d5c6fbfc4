package lifecycle

import (
	"strings"
	"testing"
	"time"
)

var (
	lisbon   = mustLoad("Europe/Lisbon")
	saoPaulo = mustLoad("America/Sao_Paulo")
)

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at reads "2006-01-02 15:04" in loc.
func at(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func mustCalendar(t testing.TB, country, tz, hours string, optional, local []string) *Calendar {
	t.Helper()
	c, err := NewCalendar(country, tz, hours, optional, local)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSLABusinessTimeAcrossWeekendsAndHolidays states exact due instants
// for a Monday–Friday 09:00–13:00, 14:00–18:00 desk.
func TestSLABusinessTimeAcrossWeekendsAndHolidays(t *testing.T) {
	pt := mustCalendar(t, "PT", "", DefaultHours, nil, nil)
	ptCarnaval := mustCalendar(t, "PT", "", DefaultHours, []string{"carnaval"}, nil)
	ptLisbonCity := mustCalendar(t, "PT", "Europe/Lisbon", DefaultHours, nil, []string{"06-13"})
	br := mustCalendar(t, "BR", "", DefaultHours, nil, nil)
	brCarnaval := mustCalendar(t, "BR", "", DefaultHours, []string{"Carnaval", "Quarta-feira de Cinzas"}, nil)

	tests := []struct {
		name  string
		cal   *Calendar
		start string
		d     time.Duration
		want  string // wall time in the calendar's zone
	}{
		{"Easter: Good Friday, weekend, Easter Sunday", pt, "2026-04-02 16:00", 8 * time.Hour, "2026-04-06 16:00"},
		{"ending exactly at closing stays on that day", pt, "2026-04-02 16:00", 2 * time.Hour, "2026-04-02 18:00"},
		{"one minute more goes to the next working day", pt, "2026-04-02 16:00", 2*time.Hour + time.Minute, "2026-04-06 09:01"},
		{"started on a Saturday counts from Monday's opening", pt, "2026-04-04 10:00", time.Hour, "2026-04-06 10:00"},
		{"started before opening", pt, "2026-04-06 07:00", 4 * time.Hour, "2026-04-06 13:00"},
		{"started at lunch", pt, "2026-04-06 13:30", 30 * time.Minute, "2026-04-06 14:30"},
		{"lunch break skipped", pt, "2026-04-06 12:30", time.Hour, "2026-04-06 14:30"},
		{"40 hours over Easter", pt, "2026-04-02 16:00", 40 * time.Hour, "2026-04-10 16:00"},
		{"24 December is a working day", pt, "2026-12-23 16:00", 8 * time.Hour, "2026-12-24 16:00"},
		{"Christmas on a Friday", pt, "2026-12-24 16:00", 8 * time.Hour, "2026-12-28 16:00"},
		{"31 December is a working day", pt, "2026-12-30 16:00", 8 * time.Hour, "2026-12-31 16:00"},
		{"New Year on a Friday", pt, "2026-12-31 16:00", 8 * time.Hour, "2027-01-04 16:00"},
		{"80 hours over Christmas and New Year", pt, "2026-12-21 09:00", 80 * time.Hour, "2027-01-05 18:00"},
		{"Carnaval not observed", pt, "2026-02-16 16:00", 8 * time.Hour, "2026-02-17 16:00"},
		{"Carnaval observed", ptCarnaval, "2026-02-16 16:00", 8 * time.Hour, "2026-02-18 16:00"},
		{"Corpo de Deus (Thursday 4 June 2026)", pt, "2026-06-03 16:00", 8 * time.Hour, "2026-06-05 16:00"},
		{"Lisbon's Santo António not observed nationally", pt, "2025-06-12 16:00", 8 * time.Hour, "2025-06-13 16:00"},
		{"Lisbon's Santo António as a yearly local holiday", ptLisbonCity, "2025-06-12 16:00", 8 * time.Hour, "2025-06-16 16:00"},
		{"DST spring: Friday WET to Monday WEST", pt, "2026-03-27 16:00", 8 * time.Hour, "2026-03-30 16:00"},
		{"DST autumn: Friday WEST to Monday WET", pt, "2026-10-23 16:00", 8 * time.Hour, "2026-10-26 16:00"},
		{"Brazil: Tiradentes on a Tuesday", br, "2026-04-20 16:00", 8 * time.Hour, "2026-04-22 16:00"},
		{"Brazil: Good Friday", br, "2026-04-02 16:00", 8 * time.Hour, "2026-04-06 16:00"},
		{"Brazil: Carnaval not observed", br, "2026-02-13 16:00", 8 * time.Hour, "2026-02-16 16:00"},
		{"Brazil: Carnaval and Ash Wednesday observed", brCarnaval, "2026-02-13 16:00", 8 * time.Hour, "2026-02-19 16:00"},
		{"Brazil: 20 November 2023 was a working day", br, "2023-11-17 16:00", 8 * time.Hour, "2023-11-20 16:00"},
		{"Brazil: 20 November 2024 was a holiday", br, "2024-11-19 16:00", 8 * time.Hour, "2024-11-21 16:00"},
		{"zero duration returns start even outside hours", pt, "2026-04-04 10:00", 0, "2026-04-04 10:00"},
		{"negative duration returns start", pt, "2026-04-06 10:00", -time.Hour, "2026-04-06 10:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := at(tt.cal.Location, tt.start)
			want := at(tt.cal.Location, tt.want)
			got := tt.cal.Add(start, tt.d)
			if !got.Equal(want) {
				t.Fatalf("Add(%s, %v) = %s, want %s", start, tt.d, got, want)
			}
			if tt.d > 0 {
				if b := tt.cal.Between(start, got); b != tt.d {
					t.Errorf("Between(start, due) = %v, want %v", b, tt.d)
				}
				if got.Location() != tt.cal.Location {
					t.Errorf("result in %v, want the calendar's zone", got.Location())
				}
			}
		})
	}
}

func TestSLABusinessTimeAcrossDSTChange(t *testing.T) {
	// Every hour of every day: business time is real elapsed time.
	always := &Calendar{Location: lisbon, Hours: WeekHours{}}
	night := &Calendar{Location: lisbon, Hours: WeekHours{time.Sunday: {{0, 4 * 60}}}}
	pt := mustCalendar(t, "PT", "", DefaultHours, nil, nil)
	spAlways := &Calendar{Location: saoPaulo}

	day := func(c *Calendar, s string) time.Duration {
		return c.Between(at(c.Location, s+" 00:00"), at(c.Location, s+" 00:00").AddDate(0, 0, 1))
	}
	if got := day(always, "2026-03-29"); got != 23*time.Hour {
		t.Errorf("24/7 on 2026-03-29 (Lisbon, spring forward): %v, want 23h", got)
	}
	if got := day(always, "2026-10-25"); got != 25*time.Hour {
		t.Errorf("24/7 on 2026-10-25 (Lisbon, fall back): %v, want 25h", got)
	}
	if got := day(night, "2026-03-29"); got != 3*time.Hour {
		t.Errorf("00:00–04:00 on 2026-03-29: %v, want 3h", got)
	}
	if got := day(night, "2026-10-25"); got != 5*time.Hour {
		t.Errorf("00:00–04:00 on 2026-10-25: %v, want 5h", got)
	}
	if got := day(pt, "2026-03-30"); got != 8*time.Hour {
		t.Errorf("office day after spring forward: %v, want 8h", got)
	}
	// Brazil moved its clocks at midnight until 2019.
	if got := spAlways.Between(at(saoPaulo, "2018-11-03 12:00"), at(saoPaulo, "2018-11-04 12:00")); got != 23*time.Hour {
		t.Errorf("São Paulo 24/7 over 2018-11-04: %v, want 23h", got)
	}
	if got := spAlways.Between(at(saoPaulo, "2019-02-16 12:00"), at(saoPaulo, "2019-02-17 12:00")); got != 25*time.Hour {
		t.Errorf("São Paulo 24/7 over 2019-02-17: %v, want 25h", got)
	}

	tests := []struct {
		start, want string
		d           time.Duration
	}{
		{"2026-03-28 12:00", "2026-03-29 13:00", 24 * time.Hour},
		{"2026-10-24 12:00", "2026-10-25 11:00", 24 * time.Hour},
		{"2026-03-29 00:30", "2026-03-29 02:30", time.Hour}, // 01:00 WET is 02:00 WEST
		{"2026-10-25 00:30", "2026-10-25 01:30", 2 * time.Hour},
	}
	for _, tt := range tests {
		got := always.Add(at(lisbon, tt.start), tt.d)
		want := at(lisbon, tt.want)
		if tt.start == "2026-10-25 00:30" {
			// 01:30 happens twice that night; 2h after 00:30 WEST is the second one.
			want = time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC)
		}
		if !got.Equal(want) {
			t.Errorf("24/7 Add(%s, %v) = %s, want %s", tt.start, tt.d, got, want)
		}
	}
}

func TestSLAIsWorkingTime(t *testing.T) {
	pt := mustCalendar(t, "PT", "", DefaultHours, nil, nil)
	tests := []struct {
		at   string
		sec  int
		want bool
	}{
		{"2026-04-06 09:00", 0, true},
		{"2026-04-06 08:59", 59, false},
		{"2026-04-06 12:59", 59, true},
		{"2026-04-06 13:00", 0, false},
		{"2026-04-06 13:59", 59, false},
		{"2026-04-06 14:00", 0, true},
		{"2026-04-06 17:59", 59, true},
		{"2026-04-06 18:00", 0, false},
		{"2026-04-03 10:00", 0, false}, // Sexta-feira Santa
		{"2026-04-04 10:00", 0, false}, // Saturday
		{"2026-12-24 10:00", 0, true},
		{"2026-12-25 10:00", 0, false},
	}
	for _, tt := range tests {
		ti := at(lisbon, tt.at).Add(time.Duration(tt.sec) * time.Second)
		if got := pt.IsWorkingTime(ti); got != tt.want {
			t.Errorf("IsWorkingTime(%s) = %v, want %v", ti, got, tt.want)
		}
		// The same instant seen from another zone is the same answer.
		if got := pt.IsWorkingTime(ti.UTC()); got != tt.want {
			t.Errorf("IsWorkingTime(%s UTC) = %v, want %v", ti.UTC(), got, tt.want)
		}
	}
	var none *Calendar
	if !none.IsWorkingTime(time.Now()) {
		t.Error("a nil calendar is always open")
	}
}

func TestSLABusinessTimeBetween(t *testing.T) {
	pt := mustCalendar(t, "PT", "", DefaultHours, nil, nil)
	tests := []struct {
		a, b string
		want time.Duration
	}{
		{"2026-04-06 09:00", "2026-04-06 18:00", 8 * time.Hour},
		{"2026-04-06 12:00", "2026-04-06 15:00", 2 * time.Hour},
		{"2026-04-02 00:00", "2026-04-07 00:00", 16 * time.Hour}, // Thu, Good Friday, weekend, Mon
		{"2026-04-04 00:00", "2026-04-06 00:00", 0},
		{"2026-04-06 18:00", "2026-04-06 09:00", 0}, // b before a
		{"2026-04-06 10:00", "2026-04-06 10:00", 0},
		// 2026 has 261 weekdays; 9 of the 13 national holidays fall on
		// one (Páscoa and 1 November are Sundays, 25 April and 15 August
		// Saturdays).
		{"2026-01-01 00:00", "2027-01-01 00:00", (261 - 9) * 8 * time.Hour},
	}
	for _, tt := range tests {
		if got := pt.Between(at(lisbon, tt.a), at(lisbon, tt.b)); got != tt.want {
			t.Errorf("Between(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSLANextOpening(t *testing.T) {
	pt := mustCalendar(t, "PT", "", DefaultHours, nil, nil)
	for in, want := range map[string]string{
		"2026-04-02 18:00": "2026-04-06 09:00",
		"2026-04-06 13:10": "2026-04-06 14:00",
		"2026-04-06 10:00": "2026-04-06 10:00",
	} {
		if got := pt.Next(at(lisbon, in)); !got.Equal(at(lisbon, want)) {
			t.Errorf("Next(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestSLACalendarHolidays(t *testing.T) {
	c := mustCalendar(t, "BR", "America/Sao_Paulo", DefaultHours, []string{"corpus christi"}, []string{"01-25", "2026-07-09", "--02-29"})
	hs := c.Holidays(2026)
	var keys []string
	for _, h := range hs {
		keys = append(keys, h.Date.String()+" "+h.Key)
	}
	want := "2026-01-01 confraternizacao_universal,2026-01-25 local,2026-04-03 sexta_feira_santa,2026-04-21 tiradentes," +
		"2026-05-01 dia_do_trabalho,2026-06-04 corpus_christi,2026-07-09 local,2026-09-07 independencia," +
		"2026-10-12 nossa_senhora_aparecida,2026-11-02 finados,2026-11-15 proclamacao_da_republica," +
		"2026-11-20 consciencia_negra,2026-12-25 natal"
	if got := strings.Join(keys, ","); got != want {
		t.Errorf("Holidays(2026) =\n%s\nwant\n%s", got, want)
	}
	if h, ok := c.IsHoliday(Date{2028, 2, 29}); !ok || h.Kind != KindLocal || h.Label("en") != "Local holiday" {
		t.Errorf("IsHoliday(2028-02-29) = %v, %v", h, ok)
	}
	if h, ok := c.HolidayAt(at(saoPaulo, "2026-06-04 10:00")); !ok || h.Kind != KindOptional {
		t.Errorf("HolidayAt(Corpus Christi) = %v, %v", h, ok)
	}
	if _, ok := c.IsHoliday(Date{2026, 6, 5}); ok {
		t.Error("5 June 2026 is not a holiday")
	}
}

func TestSLANewCalendarErrors(t *testing.T) {
	tests := []struct {
		name               string
		country, tz, hours string
		optional, local    []string
		wantInError        []string
	}{
		{"unknown country", "ES", "", DefaultHours, nil, nil, []string{`"ES"`, "PT", "BR"}},
		{"unknown zone", "PT", "Europe/Lisboa", DefaultHours, nil, nil, []string{`"Europe/Lisboa"`, "Europe/Lisbon"}},
		{"host-dependent zone", "PT", "Local", DefaultHours, nil, nil, []string{`"Local"`, "Europe/Lisbon"}},
		{"bad hours", "PT", "", "mon-fry 09:00-18:00", nil, nil, []string{`"mon-fry"`, "mon-fri"}},
		{"no hours", "PT", "", "  ", nil, nil, []string{"no working hours", "mon-fri 09:00-13:00"}},
		{"optional of another country", "PT", "", DefaultHours, []string{"corpus_christi"}, nil, []string{`"corpus_christi"`, "carnaval"}},
		{"unknown optional", "BR", "", DefaultHours, []string{"natal"}, nil, []string{`"natal"`, "carnaval", "quarta_feira_de_cinzas", "corpus_christi"}},
		{"bad local date", "PT", "", DefaultHours, nil, []string{"13/06"}, []string{"local holiday", `"13/06"`, "06-13"}},
		{"impossible local date", "PT", "", DefaultHours, nil, []string{"2026-02-29"}, []string{`"2026-02-29"`, "no day 29"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewCalendar(tt.country, tt.tz, tt.hours, tt.optional, tt.local)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.wantInError {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestSLANewCalendarDefaults(t *testing.T) {
	pt := mustCalendar(t, "pt", "", DefaultHours, []string{"Carnaval", "carnaval"}, []string{"2026-06-13", "2026-06-13"})
	if pt.Country != "PT" || pt.Location.String() != "Europe/Lisbon" || len(pt.Optional) != 1 || len(pt.Local) != 1 {
		t.Errorf("NewCalendar PT = %+v", pt)
	}
	br := mustCalendar(t, "BR", "", DefaultHours, []string{"Ash Wednesday", "Quarta-feira de cinzas"}, nil)
	if br.Location.String() != "America/Sao_Paulo" || len(br.Optional) != 1 || br.Optional[0] != "quarta_feira_de_cinzas" {
		t.Errorf("NewCalendar BR = %+v", br)
	}
}

func TestSLANilCalendarIsElapsedTime(t *testing.T) {
	var c *Calendar
	start := time.Date(2026, 4, 3, 10, 0, 0, 0, time.UTC)
	if got := c.Add(start, 90*time.Minute); !got.Equal(start.Add(90 * time.Minute)) {
		t.Errorf("nil Add = %s", got)
	}
	if got := c.Between(start, start.Add(time.Hour)); got != time.Hour {
		t.Errorf("nil Between = %v", got)
	}
	if _, ok := c.IsHoliday(Date{2026, 12, 25}); ok {
		t.Error("a nil calendar has no holidays")
	}
}

func TestSLACalendarWithoutWorkingDaysEnds(t *testing.T) {
	// Every day of the year a local holiday: nothing to find, but Add and
	// Between must return rather than loop.
	c := &Calendar{Location: time.UTC}
	for d := (Date{2000, 1, 1}); d.Year == 2000; d = d.AddDays(1) {
		c.Local = append(c.Local, Date{0, d.Month, d.Day})
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := c.Between(start, start.AddDate(1, 0, 0)); got != 0 {
		t.Errorf("Between = %v, want 0", got)
	}
	_ = c.Add(start, time.Hour)
}
