package lifecycle_test

import (
	"fmt"
	"time"

	"balcao/lifecycle"
)

func ExampleCalendar_Add() {
	cal, err := lifecycle.NewCalendar("PT", "Europe/Lisbon", "mon-fri 09:00-13:00,14:00-18:00", nil, nil)
	if err != nil {
		panic(err)
	}
	// Opened on the eve of Sexta-feira Santa, with 8 business hours to go.
	opened := time.Date(2026, 4, 2, 16, 0, 0, 0, cal.Location)
	fmt.Println(cal.Add(opened, 8*time.Hour).Format("Mon 2006-01-02 15:04 MST"))
	h, _ := cal.IsHoliday(lifecycle.Date{Year: 2026, Month: time.April, Day: 3})
	fmt.Println(h.Label("pt-BR"), "/", h.Label("en"))
	// Output:
	// Mon 2026-04-06 16:00 WEST
	// Sexta-feira Santa / Good Friday
}

func ExampleEvaluate() {
	cal, _ := lifecycle.NewCalendar("BR", "", lifecycle.DefaultHours, nil, nil)
	p := lifecycle.DefaultPolicy()
	c := lifecycle.Clock{Created: time.Date(2026, 4, 20, 16, 0, 0, 0, cal.Location)} // the eve of Tiradentes
	st := p.Evaluate(cal, 2, c, time.Date(2026, 4, 22, 14, 30, 0, 0, cal.Location))
	fmt.Println("resolution due", st.ResolutionDue.Format("2006-01-02 15:04"), "left", st.Remaining, "at risk", st.WarnResolution)
	// Output:
	// resolution due 2026-04-22 16:00 left 1h30m0s at risk true
}
