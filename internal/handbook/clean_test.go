package handbook

import "testing"

func TestClean(t *testing.T) {
	c := Contact{
		Name:         "Anna\a Be\bispiel\x1b[31m",
		PhoneMobile:  "+49 171 \u202e1234\u202c 5",
		PhoneOffice:  "\u2066+49 30 1\u2069",
		Email:        "anna@example.org\x00",
		Team:         "IT\r\nBetrieb",
		Notes:        "Zeile 1\r\nZeile 2\rZeile 3\n\tEingerückt\x07 \u202eرسالة\u202c\u0085",
		Channels:     "Signal: +49 171 1\r\nFunk: Kanal 3",
		Organisation: "Nord\u009bGmbH\x7f", Location: "K\xf6ln",
	}
	Clean(&c)
	for _, tc := range []struct{ field, got, want string }{
		{"name", c.Name, "Anna Beispiel[31m"},
		{"phone_mobile", c.PhoneMobile, "+49 171 1234 5"},
		{"phone_office", c.PhoneOffice, "+49 30 1"},
		{"email", c.Email, "anna@example.org"},
		{"team", c.Team, "IT Betrieb"},
		{"notes", c.Notes, "Zeile 1\nZeile 2\nZeile 3\n\tEingerückt \u202eرسالة\u202c"},
		{"channels", c.Channels, "Signal: +49 171 1\nFunk: Kanal 3"},
		{"organisation", c.Organisation, "NordGmbH"},
		{"location", c.Location, "K\uFFFDln"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.field, tc.got, tc.want)
		}
	}
	p := Playbook{Title: "Ransom\u202eware", Body: "## A\r\n- [ ] b\r\n", Review: Review{Owner: "x\x1by"}}
	Clean(&p)
	if p.Title != "Ransomware" || p.Body != "## A\n- [ ] b\n" || p.Owner != "xy" {
		t.Errorf("playbook %+v", p)
	}
	r := Role{Name: "IT-Lead", Holders: []string{"id\x00"}}
	Clean(&r)
	if r.Holders[0] != "id" {
		t.Errorf("holders %q", r.Holders)
	}
	s := Settings{Organisation: "Nord\u202eGmbH", ImpactCategories: []ImpactCategory{{Key: "umwelt", Name: "Um\u202ewelt\n"}}}
	Clean(&s)
	if s.Organisation != "NordGmbH" || s.ImpactCategories[0].Name != "Umwelt " {
		t.Errorf("settings %+v", s)
	}
	site := Site{Name: "Lager", Address: "Weg 1\r\n12345 Ort\x07", Kit: "- [ ] a\r\n- [ ] b"}
	Clean(&site)
	if site.Address != "Weg 1\n12345 Ort" || site.Kit != "- [ ] a\n- [ ] b" {
		t.Errorf("site %+v", site)
	}
	if got := CleanLine("already clean – ä"); got != "already clean – ä" {
		t.Errorf("clean text changed: %q", got)
	}
}
