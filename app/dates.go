package app

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"ernstfall/internal/handbook"
)

// dateInputs are the ways a date may be typed into the incident dialogs:
// German day first ("26.11.2026", "1.2.2026") and ISO ("2026-11-26").
var dateInputs = []string{"2.1.2006", "2006-1-2"}

// errDate is returned for a date in none of the dateInputs layouts.
var errDate = errors.New("unknown date format")

// parseDate reads a date typed in one of the dateInputs layouts, as
// midnight in local time.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range dateInputs {
		if d, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return d, nil
		}
	}
	return time.Time{}, errDate
}

// parseDateClock reads a typed date and time of day (HH:MM) as local time;
// a time in the hour the clocks go back is its first occurrence.
func parseDateClock(date, clock string) (time.Time, error) {
	d, err := parseDate(date)
	if err != nil {
		return time.Time{}, err
	}
	c, err := time.Parse(layoutClock, strings.TrimSpace(clock))
	if err != nil {
		return time.Time{}, err
	}
	return handbook.WallClock(d.Year(), d.Month(), d.Day(), c.Hour(), c.Minute(), 0, 0, time.Local), nil
}

// datePlaceHolder is the hint an empty date input shows: "TT.MM.JJJJ" in
// German.
func datePlaceHolder() string { return lang.L("YYYY-MM-DD") }

// optionalDateClock is parseDateClock for an input that may stay empty:
// both empty is the zero time.
func optionalDateClock(date, clock string) (time.Time, error) {
	if strings.TrimSpace(date) == "" && strings.TrimSpace(clock) == "" {
		return time.Time{}, nil
	}
	return parseDateClock(date, clock)
}
