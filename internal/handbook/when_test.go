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
