package catalog

import (
	"strings"
	"testing"
	"time"
)

const levelsYAML = `
calendars:
  - code: lisboa
    country: PT
    hours: "mon-fri 08:00-20:00"
    optional_holidays: [carnaval]
    local_holidays: ["06-13"]
organisations:
  - code: uls-lisboa
    name: ULS Lisboa Ocidental
    kind: health_unit
    service_levels:
      calendar: lisboa
      warn_at_percent: 75
      targets:
        - {priority: 3, first_response: 2h, resolution: 16h}
`

func TestLevelsParse(t *testing.T) {
	svc := strings.Replace(base, "    language: pt-PT\n", "    language: pt-PT\n    service_levels:\n      calendar: lisboa\n      auto_close_pending_days: 20\n      reopen_days: 5\n", 1)
	c, problems := Parse(map[string][]byte{"ops.yaml": []byte(svc + second), "org.yaml": []byte(levelsYAML)})
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	s := c.Service("s1")
	if s.Levels == nil || s.Levels.Calendar != "lisboa" || s.Levels.AutoClosePendingDays != 20 || s.Levels.ReopenDays != 5 {
		t.Fatalf("service levels = %+v", s.Levels)
	}
	o := c.Organisation("uls-lisboa")
	if o == nil || o.Levels.WarnAtPercent != 75 || len(o.Levels.Targets) != 1 {
		t.Fatalf("organisation = %+v", o)
	}
	fr, res, err := o.Levels.Targets[0].Durations()
	if err != nil || fr != 2*time.Hour || res != 16*time.Hour {
		t.Fatalf("durations %v %v %v", fr, res, err)
	}
	cal, err := c.CalendarDef("lisboa").Build()
	if err != nil {
		t.Fatal(err)
	}
	// Santo António (13 June) is a local holiday of this calendar.
	if _, ok := cal.HolidayAt(time.Date(2027, 6, 13, 12, 0, 0, 0, cal.Location)); !ok {
		t.Error("13 June is not a holiday of the Lisbon calendar")
	}
}

func TestLevelsOverrideInLaterLayer(t *testing.T) {
	ops := `
calendars:
  - code: pt
    country: PT
    hours: "mon-sun 00:00-24:00"
`
	def := map[string][]byte{"a.yaml": []byte(base + second + "calendars:\n  - {code: pt, country: PT}\n")}
	c, problems := Parse(def, map[string][]byte{"ops.yaml": []byte(ops)})
	if len(problems) != 0 {
		t.Fatal(problems)
	}
	if len(c.Calendars) != 1 || c.CalendarDef("pt").Hours != "mon-sun 00:00-24:00" {
		t.Fatalf("calendars = %+v", c.Calendars)
	}
}

func TestLevelsProblems(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"unknown country", strings.Replace(levelsYAML, "country: PT", "country: ES # here", 1), `calendar "lisboa"`},
		{"bad hours", strings.Replace(levelsYAML, `hours: "mon-fri 08:00-20:00"`, `hours: "mon-fri 8h-20h" # here`, 1), `calendar "lisboa"`},
		{"unknown optional holiday", strings.Replace(levelsYAML, "[carnaval]", "[festa] # here", 1), `calendar "lisboa"`},
		{"unknown calendar", strings.Replace(levelsYAML, "      calendar: lisboa", "      calendar: porto # here", 1), `no calendar with code "porto"`},
		{"warn percent", strings.Replace(levelsYAML, "warn_at_percent: 75", "warn_at_percent: 175 # here", 1), "warn_at_percent 175"},
		{"bad duration", strings.Replace(levelsYAML, "resolution: 16h}", "resolution: 2 dias} # here", 1), `"2 dias" is not a duration`},
		{"priority range", strings.Replace(levelsYAML, "{priority: 3,", "{priority: 7,", 1) + " # here", "priority 7 is not between"},
		{"first response after resolution", strings.Replace(levelsYAML, "first_response: 2h", "first_response: 20h", 1), "is due after the resolution"},
		{"duplicate calendar", strings.Replace(levelsYAML, "calendars:\n", "calendars:\n  - {code: lisboa, country: BR}\n", 1), `duplicate calendar code "lisboa"`},
		{"rules on an organisation", strings.Replace(levelsYAML, "      warn_at_percent: 75", "      reopen_days: 5 # here\n      warn_at_percent: 75", 1), "rules of a service"},
		{"organisation without name", strings.Replace(levelsYAML, "    name: ULS Lisboa Ocidental\n", "", 1), `organisation "uls-lisboa": name missing`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, problems := Parse(map[string][]byte{"ops.yaml": []byte(base + second), "org.yaml": []byte(tc.yaml)})
			for _, p := range problems {
				if strings.Contains(p.Message, tc.want) {
					if p.Line <= 0 {
						t.Errorf("problem without a line: %s", p)
					}
					return
				}
			}
			t.Errorf("no problem %q among %v", tc.want, problems)
		})
	}
}
