package balcao

import (
	"slices"
	"testing"
)

func TestFormatTicketNumber(t *testing.T) {
	if got := FormatTicketNumber("SD", 2026, 123); got != "SD-2026-000123" {
		t.Fatalf("got %q", got)
	}
	if got := FormatTicketNumber("SD", 2026, 1234567); got != "SD-2026-1234567" {
		t.Fatalf("overflow of the padding: got %q", got)
	}
	if got := FormatTicketNumber("SD", 2026, 42).Year(); got != 2026 {
		t.Fatalf("Year = %d", got)
	}
}

func TestParseTicketNumber(t *testing.T) {
	for in, want := range map[string]TicketNumber{
		"SD-2026-000123": "SD-2026-000123", " sd-2026-000123 ": "SD-2026-000123", "#SD-2026-000123": "SD-2026-000123",
	} {
		got, err := ParseTicketNumber(in)
		if err != nil || got != want {
			t.Errorf("ParseTicketNumber(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "SD-2026-12", "SD-26-000123", "x SD-2026-000123", "SD_2026_000123", "1D-2026-000123"} {
		if _, err := ParseTicketNumber(in); ErrorCode(err) != EINVALID {
			t.Errorf("ParseTicketNumber(%q) err = %v, want invalid", in, err)
		}
	}
}

func TestFindTicketNumbers(t *testing.T) {
	got := FindTicketNumbers("SD", "RE: [#SD-2026-000123] CIT – Retificação de CIT (sd-2026-000123, SD-2025-999999, XX-2026-000001)")
	want := []TicketNumber{"SD-2026-000123", "SD-2025-999999"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got := FindTicketNumbers("SD", "no number here SD-2026-12"); len(got) != 0 {
		t.Fatalf("got %v", got)
	}
	if !ValidNumberPrefix("SD") || ValidNumberPrefix("sd") || ValidNumberPrefix("S-D") || ValidNumberPrefix("") {
		t.Fatal("ValidNumberPrefix")
	}
}
