package exchange

import (
	"errors"
	"testing"

	"ernstfall/internal/handbook"
)

func TestE164(t *testing.T) {
	tests := []struct {
		name, raw, country, want string
		bad                      bool
	}{
		{"international with spaces", "+49 30 23125 100", "", "+493023125100", false},
		{"national Berlin", "030 23125-100", "DE", "+493023125100", false},
		{"trunk zero in brackets", "+49 (0)30 23125 100", "", "+493023125100", false},
		{"trunk zero after country code", "+49 030 23125100", "", "+493023125100", false},
		{"double zero prefix", "0049 69 90009 200", "", "+496990009200", false},
		{"mobile with slash", "0171/39200 11", "", "+491713920011", false},
		{"tel uri", "tel:+49-221-4710-300", "", "+492214710300", false},
		{"austrian national", "01 5123456", "AT", "+4315123456", false},
		{"us ten digits", "(212) 555-0100", "US", "+12125550100", false},
		{"letters", "030 CALL ME", "", "", true},
		{"local without area code", "23125100", "DE", "", true},
		{"too short", "+49 30", "", "", true},
		{"too long", "+49 30 23125 100 200 300", "", "", true},
		{"empty", "  ", "", "", true},
		{"unknown country", "030 23125100", "XX", "", true},
		{"extension word", "+49 30 23125 100 ext 5", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := E164(tt.raw, tt.country)
			if tt.bad {
				if !errors.Is(err, ErrPhone) {
					t.Fatalf("E164(%q) = %q, %v; want ErrPhone", tt.raw, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("E164(%q) = %q, %v; want %q", tt.raw, got, err, tt.want)
			}
		})
	}
}

func TestPhonesFlagsInvalidWithoutDropping(t *testing.T) {
	c := handbook.Contact{Name: "Tilda Probe", PhoneMobile: "0176 04069012", PhoneOffice: "Zentrale", PhonePrivate: ""}
	got := Phones(c, "")
	if len(got) != 2 {
		t.Fatalf("got %d phones, want 2: %+v", len(got), got)
	}
	if got[0].Kind != PhoneMobile || got[0].E164 != "+4917604069012" || got[0].Err != nil {
		t.Errorf("mobile = %+v", got[0])
	}
	if got[1].Kind != PhoneOffice || got[1].Raw != "Zentrale" || got[1].E164 != "" || !errors.Is(got[1].Err, ErrPhone) {
		t.Errorf("office = %+v, want flagged as invalid and kept as typed", got[1])
	}
}
