package lifecycle

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseHours(t *testing.T) {
	office := []Span{{540, 780}, {840, 1080}}
	tests := []struct {
		in    string
		want  WeekHours
		canon string
	}{
		{DefaultHours, WeekHours{1: office, 2: office, 3: office, 4: office, 5: office}, "mon-fri 09:00-13:00,14:00-18:00"},
		{"mon-fri 09:00-13:00,14:00-18:00; sat 09:00-12:00",
			WeekHours{1: office, 2: office, 3: office, 4: office, 5: office, 6: {{540, 720}}},
			"mon-fri 09:00-13:00,14:00-18:00; sat 09:00-12:00"},
		{"  Seg-Sex: 9:00 - 13:00 , 14:00-18:00 ;\n sáb 9:00-12:00;",
			WeekHours{1: office, 2: office, 3: office, 4: office, 5: office, 6: {{540, 720}}},
			"mon-fri 09:00-13:00,14:00-18:00; sat 09:00-12:00"},
		{"mon-sun 00:00-24:00", WeekHours{0: {{0, 1440}}, 1: {{0, 1440}}, 2: {{0, 1440}}, 3: {{0, 1440}}, 4: {{0, 1440}}, 5: {{0, 1440}}, 6: {{0, 1440}}},
			"mon-sun 00:00-24:00"},
		{"fri-mon 08:00-20:00", WeekHours{5: {{480, 1200}}, 6: {{480, 1200}}, 0: {{480, 1200}}, 1: {{480, 1200}}},
			"mon 08:00-20:00; fri-sun 08:00-20:00"},
		{"mon,wed 14:00-18:00,09:00-13:00", WeekHours{1: office, 3: office}, "mon 09:00-13:00,14:00-18:00; wed 09:00-13:00,14:00-18:00"},
		{"tue 09:00-13:00,13:00-18:00", WeekHours{2: {{540, 1080}}}, "tue 09:00-18:00"},
		{"Monday 08:30-12:15", WeekHours{1: {{510, 735}}}, "mon 08:30-12:15"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseHours(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseHours = %v, want %v", got, tt.want)
			}
			if s := got.String(); s != tt.canon {
				t.Errorf("String = %q, want %q", s, tt.canon)
			}
		})
	}
}

func TestParseHoursErrors(t *testing.T) {
	tests := []struct {
		in   string
		want []string // each must appear in the message
	}{
		{"", []string{"no working hours", "mon-fri 09:00-13:00,14:00-18:00"}},
		{";;", []string{"no working hours"}},
		{"mon-fry 09:00-18:00", []string{`"mon-fry"`, "mon, tue", "mon-fri"}},
		{"weekdays 09:00-18:00", []string{`"weekdays"`}},
		{"mon-fri", []string{`"mon-fri"`, "no times"}},
		{"mon-fri 9-13", []string{`"9-13"`, "09:00-13:00"}},
		{"mon-fri 09:00-25:00", []string{`"09:00-25:00"`}},
		{"mon-fri 09:60-12:00", []string{`"09:60-12:00"`}},
		{"mon-fri 24:30-24:45", []string{`"24:30-24:45"`}},
		{"mon 18:00-09:00", []string{`"18:00-09:00"`, "cannot cross midnight", "22:00-24:00"}},
		{"mon 09:00-09:00", []string{`"09:00-09:00"`}},
		{"mon 09:00-13:00,12:00-18:00", []string{"09:00-13:00", "12:00-18:00", "overlap"}},
		{"mon-fri 09:00-18:00; fri 08:00-12:00", []string{"fri is given twice"}},
		{"mon 09:00-13:00,", []string{`""`, "09:00-13:00"}},
		{"mon 0900-1300", []string{`"0900-1300"`}},
		{"mon +9:00-13:00", []string{`"+9:00-13:00"`}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseHours(tt.in)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, "working hours") {
				t.Errorf("%q does not say it is about the working hours", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q does not contain %q", msg, w)
				}
			}
		})
	}
}

func TestWeekHoursStringSkipsInvalidSpans(t *testing.T) {
	h := WeekHours{time.Monday: {{540, 540}, {600, 660}}, time.Tuesday: {{-5, 10}}}
	if got := h.String(); got != "mon 10:00-11:00" {
		t.Errorf("String = %q", got)
	}
	if got := (WeekHours{}).String(); got != "" {
		t.Errorf("empty String = %q", got)
	}
}
