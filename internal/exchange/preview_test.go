package exchange

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
)

// fakeImporter records what Apply writes.
type fakeImporter struct {
	got handbook.Handbook
	err error
}

func (f *fakeImporter) Import(_ context.Context, hb handbook.Handbook) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	f.got = hb
	return len(hb.Contacts), nil
}

var _ Importer = (*fakeImporter)(nil)

func TestPreview(t *testing.T) {
	existing := sampleContacts()
	changed := existing[1]
	changed.PhoneOffice = "+49 69 90009 301"
	in := Parsed{File: "import.vcf", Rows: []Incoming{
		{Line: 1, Contact: existing[0], Complete: true},
		{Line: 10, Contact: changed, Complete: true},
		{Line: 20, Contact: handbook.Contact{Name: "Katrin A.", PhoneMobile: "0171 3920011"}},
		{Line: 30, Contact: handbook.Contact{Name: "Leitstand RZ", Email: "LEITSTAND@example.com", Notes: "neu"}},
		{Line: 40, Contact: handbook.Contact{Name: "Neu Person", PhoneOffice: "Zentrale fragen", Email: "neu@example.com"}},
		{Line: 50, Contact: handbook.Contact{Name: "Neu Doppelt", Email: "neu@example.com"}},
		{Line: 60, Contact: handbook.Contact{Name: "Ohne Weg"}},
	}}
	p := NewPreview(existing, in, "DE")
	want := []struct {
		action   Action
		decision Decision
		reason   string
	}{
		{ActionUnchanged, DecideSkip, "same ID"},
		{ActionUpdate, DecideUpdate, "same ID"},
		{ActionDuplicate, DecideSkip, "same phone +4917139200" + "11"},
		{ActionDuplicate, DecideSkip, "same email LEITSTAND@example.com"},
		{ActionCreate, DecideCreate, ""},
		{ActionDuplicate, DecideSkip, "same email neu@example.com"},
		{ActionInvalid, DecideSkip, ""},
	}
	for i, w := range want {
		t.Run(p.Rows[i].Incoming.Name, func(t *testing.T) {
			r := p.Rows[i]
			if r.Action != w.action || r.Decision != w.decision || r.Reason != w.reason {
				t.Errorf("row %d = %s/%s %q, want %s/%s %q", i, r.Action, r.Decision, r.Reason, w.action, w.decision, w.reason)
			}
		})
	}
	if got := p.Rows[1].Changes; !slices.Equal(got, []string{"phone_office"}) {
		t.Errorf("changes = %v", got)
	}
	if p.Rows[2].Reason == "" || p.Rows[2].Match == nil || p.Rows[2].Match.ID != existing[0].ID {
		t.Errorf("phone duplicate does not point at the existing contact: %+v", p.Rows[2].Match)
	}
	if p.Rows[5].Match != nil || p.Rows[5].MatchRow != 4 {
		t.Errorf("in-file duplicate: match %v row %d, want row 4", p.Rows[5].Match, p.Rows[5].MatchRow)
	}
	if len(p.Rows[4].Warnings) != 1 || !strings.Contains(p.Rows[4].Warnings[0], "Zentrale fragen") {
		t.Errorf("invalid phone not flagged: %v", p.Rows[4].Warnings)
	}
	if c := p.Counts(); c[ActionDuplicate] != 3 || c[ActionCreate] != 1 || c[ActionInvalid] != 1 {
		t.Errorf("counts = %v", c)
	}

	t.Run("apply defaults", func(t *testing.T) {
		var imp fakeImporter
		n, err := p.Apply(context.Background(), &imp, Choice{}, testNow)
		if err != nil || n != 2 {
			t.Fatalf("Apply = %d, %v; want 2 records", n, err)
		}
		got := imp.got.Contacts
		if got[0].ID != existing[1].ID || got[0].PhoneOffice != "+49 69 90009 301" || !got[0].UpdatedAt.Equal(testNow) || !got[0].CreatedAt.Equal(existing[1].CreatedAt) {
			t.Errorf("update = %+v", got[0])
		}
		if got[1].Name != "Neu Person" || got[1].ID == "" || !got[1].CreatedAt.Equal(testNow) || got[1].PhoneOffice != "Zentrale fragen" {
			t.Errorf("create = %+v", got[1])
		}
	})
	t.Run("merge a duplicate into the existing contact", func(t *testing.T) {
		d := p.Decisions()
		d[3] = DecideUpdate
		cs, err := p.Resolve(Choice{Decisions: d}, testNow)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(cs, func(c handbook.Contact) bool { return c.ID == existing[1].ID && c.Notes == "neu" })
		if i < 0 || cs[i].Name != "Leitstand RZ" || cs[i].Kind != "hoster" {
			t.Errorf("merged = %+v", cs)
		}
	})
	t.Run("refuse a decision the row does not allow", func(t *testing.T) {
		d := p.Decisions()
		d[6] = DecideCreate
		if _, err := p.Resolve(Choice{Decisions: d}, testNow); err == nil || !strings.Contains(err.Error(), "line 60") {
			t.Errorf("err = %v, want a refusal naming line 60", err)
		}
	})
	t.Run("problems import nothing unless skipped", func(t *testing.T) {
		q := p
		q.Problems = []Problem{{File: "import.vcf", Line: 70, Message: "broken"}}
		var imp fakeImporter
		if _, err := q.Apply(context.Background(), &imp, Choice{}, testNow); !errors.Is(err, ErrProblems) || imp.got.Contacts != nil {
			t.Errorf("err = %v, wrote %d; want ErrProblems and nothing written", err, len(imp.got.Contacts))
		}
		if n, err := q.Apply(context.Background(), &imp, Choice{SkipProblems: true}, testNow); err != nil || n != 2 {
			t.Errorf("with SkipProblems: %d, %v", n, err)
		}
	})
	t.Run("store error imports nothing", func(t *testing.T) {
		imp := fakeImporter{err: errors.New("disk full")}
		if _, err := p.Apply(context.Background(), &imp, Choice{}, testNow); err == nil || !strings.Contains(err.Error(), "nothing was imported") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestMergeFromAddressBookKeepsFields(t *testing.T) {
	old := sampleContacts()[0]
	in := Incoming{Contact: handbook.Contact{Name: old.Name, PhoneMobile: "+49 171 39200 99", Channels: "Signal: +49 171 39200 11\nWire: @albers"}}
	got := merge(old, in)
	if got.PhoneMobile != "+49 171 39200 99" || got.Email != old.Email || got.Team != old.Team || got.ID != old.ID {
		t.Errorf("merge = %+v", got)
	}
	if strings.Count(got.Channels, "Signal: +49 171 39200 11") != 1 || !strings.HasSuffix(got.Channels, "Wire: @albers") {
		t.Errorf("channels = %q", got.Channels)
	}
}
