package exchange

import (
	"errors"
	"testing"

	"ernstfall/internal/handbook"
)

func TestPhonesFlagsInvalidWithoutDropping(t *testing.T) {
	c := handbook.Contact{Name: "Tilda Probe", PhoneMobile: "0176 04069012", PhoneOffice: "Zentrale", PhonePrivate: ""}
	got := Phones(c, "")
	if len(got) != 2 {
		t.Fatalf("got %d phones, want 2: %+v", len(got), got)
	}
	if got[0].Kind != handbook.MobilePhone || got[0].E164 != "+4917604069012" || got[0].Err != nil {
		t.Errorf("mobile = %+v", got[0])
	}
	if got[1].Kind != handbook.OfficePhone || got[1].Raw != "Zentrale" || got[1].E164 != "" || !errors.Is(got[1].Err, handbook.ErrPhone) {
		t.Errorf("office = %+v, want flagged as invalid and kept as typed", got[1])
	}
}
