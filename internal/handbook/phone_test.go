package handbook

import (
	"errors"
	"slices"
	"testing"
)

func TestE164(t *testing.T) {
	tests := []struct {
		name, raw, country, want string
		problem                  string // "" when the number reads
	}{
		{"international with spaces", "+49 30 23125 100", "", "+493023125100", ""},
		{"national Berlin", "030 23125-100", "DE", "+493023125100", ""},
		{"trunk zero in brackets", "+49 (0)30 23125 100", "", "+493023125100", ""},
		{"trunk zero after country code", "+49 030 23125100", "", "+493023125100", ""},
		{"double zero prefix", "0049 69 90009 200", "", "+496990009200", ""},
		{"mobile with slash", "0171/39200 11", "", "+491713920011", ""},
		{"tel uri", "tel:+49-221-4710-300", "", "+492214710300", ""},
		{"austrian national", "01 5123456", "AT", "+4315123456", ""},
		{"us ten digits", "(212) 555-0100", "US", "+12125550100", ""},
		{"extension word", "+49 30 23125 100 ext 5", "", "+493023125100;ext=5", ""},
		{"extension with dot", "030 23125100 ext. 12", "", "+493023125100;ext=12", ""},
		{"extension x", "+49 30 23125100 x12", "", "+493023125100;ext=12", ""},
		{"Durchwahl", "040 66969 0, Durchwahl 211", "", "+4940669690;ext=211", ""},
		{"DW", "040 66969 0 DW 211", "", "+4940669690;ext=211", ""},
		{"Apparat", "040 66969 0 Apparat 211", "", "+4940669690;ext=211", ""},
		{"rfc 3966 extension", "+4940669690;ext=211", "", "+4940669690;ext=211", ""},
		{"letters", "030 CALL ME", "", "", PhoneBadCharacters},
		{"abc", "abc", "", "", PhoneBadCharacters},
		{"plus inside", "030 + 23125", "", "", PhonePlusInside},
		{"local without area code", "23125100", "DE", "", PhoneNoArea},
		{"emergency number", "112", "DE", "", PhoneNoArea},
		{"too short", "+49 30", "", "", PhoneLength},
		{"too long", "+49 30 23125 100 200 300", "", "", PhoneManyDigits},
		{"empty", "  ", "", "", PhoneFewDigits},
		{"unknown country", "030 23125100", "XX", "", PhoneUnknownCountry},
		{"country code zero", "+0 30 23125100", "", "", PhoneNoCountry},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := E164(tt.raw, tt.country)
			if tt.problem != "" {
				var pe *PhoneError
				if !errors.Is(err, ErrPhone) || !errors.As(err, &pe) || pe.Problem != tt.problem {
					t.Fatalf("E164(%q) = %q, %v; want the problem %q", tt.raw, got, err, tt.problem)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("E164(%q) = %q, %v; want %q", tt.raw, got, err, tt.want)
			}
		})
	}
}

// TestCheckPhone: what a phone field accepts. Short numbers (110, 112,
// an internal 4711) are numbers; letters and signs are not.
func TestCheckPhone(t *testing.T) {
	tests := []struct {
		raw, problem string
	}{
		{"", ""},
		{"112", ""},
		{"4711", ""},
		{"+49 (0)30 23125-100", ""},
		{"0171/39200 11", ""},
		{"040 66969 0 ext. 12", ""},
		{"abc", PhoneBadCharacters},
		{"0171 392OO 11", PhoneBadCharacters}, // letter O for zero
		{"030 23125#100", PhoneBadCharacters},
		{"030 23125 100 ext", PhoneBadCharacters}, // the extension lacks its digits
		{"Zentrale", PhoneBadCharacters},
		{"12", PhoneFewDigits},
		{"+", PhoneFewDigits},
		{"0049 30 23125 100 200 300 400", PhoneManyDigits},
		{"030+123", PhonePlusInside},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			err := CheckPhone(tt.raw)
			var pe *PhoneError
			switch {
			case tt.problem == "" && err != nil:
				t.Fatalf("CheckPhone(%q) = %v; want it accepted", tt.raw, err)
			case tt.problem != "" && (!errors.As(err, &pe) || pe.Problem != tt.problem):
				t.Fatalf("CheckPhone(%q) = %v; want %q", tt.raw, err, tt.problem)
			}
		})
	}
}

// TestCheckPhones: a contact's form names the field whose number is
// wrong and says what is wrong; a number left as it was is not checked
// again.
func TestCheckPhones(t *testing.T) {
	c := Contact{Name: "Tilda Probe", PhoneMobile: "abc", PhoneOffice: "030 23125 100", PhonePrivate: "12"}
	problems := func(err error) map[string]string {
		var v ValidationError
		if err != nil && !errors.As(err, &v) {
			t.Fatalf("err = %v, want a ValidationError", err)
		}
		got := map[string]string{}
		for _, fe := range v {
			got[fe.Field] = fe.Message
		}
		return got
	}
	got := problems(CheckPhones(c, nil))
	if len(got) != 2 || got["phone_mobile"] != PhoneBadCharacters || got["phone_private"] != PhoneFewDigits {
		t.Errorf("new contact: problems %v; want the mobile and the private number named", got)
	}
	old := Contact{Name: "Tilda Probe", PhoneMobile: "abc", PhoneOffice: "Zentrale fragen"}
	edited := old
	edited.Name, edited.PhonePrivate = "Tilda Probe-Muster", "0171 39200 99"
	if got := problems(CheckPhones(edited, &old)); len(got) != 0 {
		t.Errorf("numbers kept as they were: problems %v; want none", got)
	}
	edited.PhoneOffice = "Zentrale"
	if got := problems(CheckPhones(edited, &old)); len(got) != 1 || got["phone_office"] != PhoneBadCharacters {
		t.Errorf("changed office number: problems %v", got)
	}
}

// TestCompareNames: names sort as a reader expects, alike on screen and
// on paper: case and umlauts do not push a name to the end.
func TestCompareNames(t *testing.T) {
	names := []string{"Zahlung", "Überflutung", "ubuntu-Ausfall", "Öffentlicher Speicher", "Ausfall", "ärger"}
	slices.SortStableFunc(names, CompareNames)
	want := []string{"ärger", "Ausfall", "Öffentlicher Speicher", "Überflutung", "ubuntu-Ausfall", "Zahlung"}
	if !slices.Equal(names, want) {
		t.Errorf("sorted %q, want %q", names, want)
	}
}
