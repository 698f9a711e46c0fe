package handbook

import (
	"errors"
	"testing"
	"time"
)

func TestParseMoment(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data")
	}
	now := time.Date(2026, 11, 30, 9, 30, 0, 0, berlin)
	at := func(d, h, m, s, ms int) time.Time { return time.Date(2026, 11, d, h, m, s, ms*1e6, berlin) }
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2026-11-30 08:00", at(30, 8, 0, 0, 0)},
		{"2026-11-30T08:00", at(30, 8, 0, 0, 0)},
		{"2026-11-30 08:00:05", at(30, 8, 0, 5, 0)},
		{"2026-11-30T08:00:05.250", at(30, 8, 0, 5, 250)},
		{"30.11.2026 08:00", at(30, 8, 0, 0, 0)},
		{"1.11.2026 7:05", at(1, 7, 5, 0, 0)},
		{"30.11.2026 08:00 Uhr", at(30, 8, 0, 0, 0)},
		{"30.11.2026", at(30, 0, 0, 0, 0)},
		{"2026-11-29", at(29, 0, 0, 0, 0)},
		{"08:15", at(30, 8, 15, 0, 0)},
		{"heute 08:00", at(30, 8, 0, 0, 0)},
		{"gestern 17:30", at(29, 17, 30, 0, 0)},
		{"Yesterday", at(29, 0, 0, 0, 0)},
		{"  2026-11-30   08:00 ", at(30, 8, 0, 0, 0)},
		{"90m", now.Add(-90 * time.Minute)},
		{"24h", now.Add(-24 * time.Hour)},
		{"7d", now.Add(-7 * 24 * time.Hour)},
		{"2026-11-30T07:00:00Z", time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseMoment(tt.in, now, berlin)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "morgen", "30.13.2026", "2026-11-30 25:00", "08:00 gestern", "-5d", "x"} {
		t.Run("bad "+bad, func(t *testing.T) {
			if _, err := ParseMoment(bad, now, berlin); !errors.Is(err, ErrMoment) {
				t.Errorf("ParseMoment(%q): %v, want ErrMoment", bad, err)
			}
		})
	}
}

// On the day the clocks go back, 08:00 is still 08:00.
func TestParseMomentOnDSTDay(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data")
	}
	now := time.Date(2026, 10, 25, 12, 0, 0, 0, berlin)
	got, err := ParseMoment("25.10.2026 08:00", now, berlin)
	if err != nil {
		t.Fatal(err)
	}
	if got.Hour() != 8 || got.Minute() != 0 {
		t.Errorf("got %v, want 08:00 local", got)
	}
}

// A typed time in the hour the clocks go back (02:30 on 25 October 2026 in
// Berlin happens at 00:30 and at 01:30 UTC) is its first occurrence, so
// that a 72-hour clock counted from it never ends an hour after the law's.
// A time the clocks skip (02:30 on 28 March 2027) is the instant an hour
// later than 01:30; every other time is exact.
func TestParseMomentAmbiguousAndSkipped(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data")
	}
	now := time.Date(2027, 6, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Time
	}{
		{"25.10.2026 02:30", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)},
		{"2026-10-25 02:00", time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC)},
		{"2026-10-25 02:59:59", time.Date(2026, 10, 25, 0, 59, 59, 0, time.UTC)},
		{"2026-10-25 03:00", time.Date(2026, 10, 25, 2, 0, 0, 0, time.UTC)},
		{"2026-10-25 01:59", time.Date(2026, 10, 24, 23, 59, 0, 0, time.UTC)},
		{"28.03.2027 02:30", time.Date(2027, 3, 28, 1, 30, 0, 0, time.UTC)},
		{"28.03.2027 03:00", time.Date(2027, 3, 28, 1, 0, 0, 0, time.UTC)},
		{"28.03.2027 01:59", time.Date(2027, 3, 28, 0, 59, 0, 0, time.UTC)},
	}
	for _, tc := range cases {
		got, err := ParseMoment(tc.in, now, berlin)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if !got.Equal(tc.want) {
			t.Errorf("%s = %s, want %s", tc.in, got.UTC().Format(time.RFC3339), tc.want.Format(time.RFC3339))
		}
	}
	// Lord Howe Island moves its clocks back by 30 minutes.
	if lh, err := time.LoadLocation("Australia/Lord_Howe"); err == nil {
		got := WallClock(2026, 4, 5, 1, 45, 0, 0, lh)
		if want := time.Date(2026, 4, 4, 14, 45, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("Lord Howe 01:45 = %s, want the first occurrence %s", got.UTC().Format(time.RFC3339), want.Format(time.RFC3339))
		}
	}
}
