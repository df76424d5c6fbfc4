package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"balcao/lifecycle"
)

func (s *Server) registerCalendarAPI(api huma.API, security []map[string][]string) {
	huma.Register(api, huma.Operation{
		OperationID: "list-holidays", Method: http.MethodGet, Path: "/api/v1/calendars/{country}/holidays", Tags: []string{"Calendars"},
		Summary: "A country's holidays in a year",
		Description: "National holidays of Portugal (PT) or Brazil (BR), the movable ones computed from Easter, as ISO dates; " +
			"with include_optional=true also the days an organisation may add (Carnaval; in Brazil also Ash Wednesday and Corpus Christi). " +
			"Service-level clocks skip these days.",
		Security: security,
		Errors:   []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusUnprocessableEntity},
	}, s.listHolidays)
}

// HolidaysInput selects a country and year.
type HolidaysInput struct {
	Country         string `path:"country" example:"PT" doc:"PT or BR"`
	Year            int    `query:"year" required:"true" minimum:"1900" maximum:"2200" example:"2026"`
	IncludeOptional bool   `query:"include_optional" doc:"Add the optional days an organisation may observe"`
	AcceptLanguage  string `header:"Accept-Language"`
}

// HolidayOut is one holiday.
type HolidayOut struct {
	Date string `json:"date" example:"2026-04-03" doc:"ISO 8601 date"`
	Key  string `json:"key" example:"sexta-feira-santa"`
	Name string `json:"name" doc:"In the language of Accept-Language"`
	Kind string `json:"kind" enum:"national,optional"`
}

// HolidaysOutput lists holidays by date.
type HolidaysOutput struct {
	Body struct {
		Country  string       `json:"country"`
		Year     int          `json:"year"`
		Holidays []HolidayOut `json:"holidays"`
	}
}

func (s *Server) listHolidays(ctx context.Context, in *HolidaysInput) (*HolidaysOutput, error) {
	country := strings.ToUpper(in.Country)
	hs, err := lifecycle.NationalHolidays(country, in.Year)
	if err != nil {
		return nil, huma.Error404NotFound(fmt.Sprintf("no calendar for country %q; use PT or BR", in.Country))
	}
	if in.IncludeOptional {
		opt, err := lifecycle.OptionalHolidays(country, in.Year)
		if err != nil {
			return nil, s.apiError(err)
		}
		hs = append(hs, opt...)
	}
	lang := language(in.AcceptLanguage)
	out := &HolidaysOutput{}
	out.Body.Country, out.Body.Year = country, in.Year
	out.Body.Holidays = make([]HolidayOut, 0, len(hs))
	for _, h := range hs {
		out.Body.Holidays = append(out.Body.Holidays, HolidayOut{Date: h.Date.String(), Key: h.Key, Name: h.Label(lang), Kind: h.Kind})
	}
	sortHolidays(out.Body.Holidays)
	return out, nil
}

func sortHolidays(hs []HolidayOut) {
	for i := 1; i < len(hs); i++ {
		for j := i; j > 0 && hs[j].Date < hs[j-1].Date; j-- {
			hs[j], hs[j-1] = hs[j-1], hs[j]
		}
	}
}
