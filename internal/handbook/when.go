package handbook

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// ErrMoment: a typed moment in none of the forms ParseMoment knows.
var ErrMoment = errors.New("not a time: write it as 2026-11-30 08:00 or 30.11.2026 08:00")

// momentDates and momentClocks are the forms of a typed moment: ISO or
// German day first, with the time of day to the minute, second or
// millisecond (or none: midnight).
var (
	momentDates  = []string{"2006-01-02", "2.1.2006"}
	momentClocks = []string{"15:04", "15:04:05", "15:04:05.000"}
)

// ParseMoment reads a moment typed by a person, in loc:
//
//	2026-11-30 08:00, 2026-11-30T08:00:05, 30.11.2026 08:00, 30.11.2026
//	08:00 (today), heute 08:00, gestern 17:30, today, yesterday 9:15
//	90m, 24h, 7d (that long before now)
//	2026-11-30T07:00:00Z (RFC 3339, any zone)
func ParseMoment(s string, now time.Time, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.Local
	}
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return time.Time{}, ErrMoment
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if d, ok := span(s); ok {
		return now.Add(-d), nil
	}
	day, clock, _ := strings.Cut(strings.Replace(s, "T", " ", 1), " ")
	today := now.In(loc)
	var date time.Time
	switch strings.ToLower(day) {
	case "heute", "today":
		date = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	case "gestern", "yesterday":
		date = time.Date(today.Year(), today.Month(), today.Day()-1, 0, 0, 0, 0, loc)
	default:
		if c, ok := clockOf(day); ok && clock == "" {
			return onDay(today, c, loc), nil
		}
		var err error
		if date, err = dateOf(day, loc); err != nil {
			return time.Time{}, ErrMoment
		}
	}
	if clock == "" {
		return date, nil
	}
	c, ok := clockOf(strings.TrimSuffix(strings.TrimSpace(clock), " Uhr"))
	if !ok {
		return time.Time{}, ErrMoment
	}
	return onDay(date, c, loc), nil
}

// onDay is the time of day c on the day of d, in loc; on the days the
// clocks change, too.
func onDay(d, c time.Time, loc *time.Location) time.Time {
	return WallClock(d.Year(), d.Month(), d.Day(), c.Hour(), c.Minute(), c.Second(), c.Nanosecond(), loc)
}

// WallClock is time.Date for a time a person typed. A time of day that
// occurs twice (the hour the clocks go back) is its first occurrence, for
// which time.Date makes no promise: a deadline counted from a typed
// awareness time is then never later than the law allows. A time the
// clocks skip is read as time.Date reads it (that long after the jump).
func WallClock(year int, month time.Month, day, hour, min, sec, nsec int, loc *time.Location) time.Time {
	t := time.Date(year, month, day, hour, min, sec, nsec, loc)
	same := func(u time.Time) bool {
		return u.Year() == t.Year() && u.YearDay() == t.YearDay() && u.Hour() == t.Hour() &&
			u.Minute() == t.Minute() && u.Second() == t.Second()
	}
	// Zones move their clocks back by 30 minutes to 2 hours.
	for _, back := range []time.Duration{2 * time.Hour, time.Hour, 30 * time.Minute} {
		if u := t.Add(-back); same(u) {
			return u
		}
	}
	return t
}

func dateOf(s string, loc *time.Location) (time.Time, error) {
	for _, layout := range momentDates {
		if d, err := time.ParseInLocation(layout, s, loc); err == nil {
			return d, nil
		}
	}
	return time.Time{}, ErrMoment
}

// clockOf reads a time of day.
func clockOf(s string) (time.Time, bool) {
	for _, layout := range momentClocks {
		if c, err := time.Parse(layout, s); err == nil {
			return c, true
		}
	}
	return time.Time{}, false
}

// span reads "90m", "24h", "7d" (also "7 d", "2 h").
func span(s string) (time.Duration, bool) {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) < 2 {
		return 0, false
	}
	unit := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 't': 24 * time.Hour}[s[len(s)-1]]
	if unit == 0 {
		return 0, false
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n < 0 {
		return 0, false
	}
	return time.Duration(n) * unit, true
}
