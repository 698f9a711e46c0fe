package ops

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ernstfall/internal/exchange"
	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

func TestImportContacts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	card := func(name, extra string) string {
		return "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:" + name + "\r\n" + extra + "END:VCARD\r\n"
	}
	tests := []struct {
		name    string
		path    string
		skip    bool
		added   int
		code    Code
		readErr error
	}{
		{"new contact", write("neu.vcf", card("Nina Neu", "TEL;TYPE=CELL:0176 04069077\r\n")), false, 1, "", nil},
		{"CSV", write("neu.csv", "id,name,phone_mobile\n,Jonas Jung,0176 04069078\n"), false, 1, "", nil},
		{"invalid row refused", write("leer.vcf", card("Olaf Ok", "EMAIL:olaf@example.com\r\n")+card("Ohne Weg", "")), false, 0, CodeUnreadableRows, nil},
		{"invalid row skipped on request", write("leer2.vcf", card("Olga Ok", "EMAIL:olga@example.com\r\n")+card("Ohne Weg", "")), true, 1, "", nil},
		{"unreadable part refused", write("kaputt.vcf", card("Paul Ok", "EMAIL:paul@example.com\r\n")+"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ohne Ende\r\n"), false, 0, CodeUnreadableRows, nil},
		{"picture", write("bild.csv", "\x89PNG\r\n\x1a\n\x00\x00"), false, 0, "", exchange.ErrBinary},
		{"missing file", filepath.Join(dir, "fehlt.vcf"), false, 0, "", os.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := demoOps(t)
			before := count[handbook.Contact](t, o)
			p, err := o.ReadContacts(ctx, tt.path, nil)
			if tt.readErr != nil {
				if !errors.Is(err, tt.readErr) {
					t.Fatalf("read: %v, want %v", err, tt.readErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			n, err := o.ImportContacts(ctx, p, exchange.Choice{SkipProblems: tt.skip}, nil)
			if codeOf(err) != tt.code || (tt.code == "" && err != nil) {
				t.Fatalf("import: %v, want %q", err, tt.code)
			}
			if got := count[handbook.Contact](t, o) - before; got != tt.added || (err == nil && n != tt.added) {
				t.Errorf("%d contacts added (import said %d), want %d", got, n, tt.added)
			}
		})
	}
}

func TestMarkVerifiedAndReviewed(t *testing.T) {
	ctx := context.Background()
	o := demoOps(t)
	contacts, err := store.List[handbook.Contact](ctx, o.st)
	if err != nil {
		t.Fatal(err)
	}
	c, err := o.MarkVerified(ctx, contacts[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := store.Get[handbook.Contact](ctx, o.st, c.ID)
	if err != nil || !got.LastVerifiedAt.Equal(t0) || got.Name != contacts[0].Name {
		t.Errorf("contact after MarkVerified: %+v, %v", got, err)
	}
	if _, err := o.MarkVerified(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("verify an unknown contact: %v", err)
	}

	o.SetAuthor("Jonas Petersen")
	for _, e := range []handbook.Entity{handbook.EntityPlaybook, handbook.EntityCommTemplate, handbook.EntityService, handbook.EntityRisk} {
		t.Run(string(e), func(t *testing.T) {
			sums, err := o.st.Summaries(ctx, e)
			if err != nil || len(sums) == 0 {
				t.Fatalf("no %s in the demo: %v", e, err)
			}
			if err := o.MarkReviewed(ctx, e, sums[0].ID); err != nil {
				t.Fatal(err)
			}
			hb, err := o.st.Load(ctx)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			hb.EachItem(func(it handbook.Item) {
				if it.Meta().ID != sums[0].ID {
					return
				}
				r, ok := it.(interface{ ReviewCycle() *handbook.Review })
				found = ok && r.ReviewCycle().LastReviewedAt.Equal(t0)
			})
			if !found {
				t.Errorf("%s %s not marked reviewed at %v", e, sums[0].Label, t0)
			}
		})
	}
	if err := o.MarkReviewed(ctx, handbook.EntityContact, contacts[0].ID); err == nil {
		t.Error("a contact was marked reviewed; contacts are verified, not reviewed")
	}
}

func TestLoadDemo(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, filepath.Join(t.TempDir(), "leer.db"), time.Now)
	o := New(st, Config{})
	if err := o.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count[handbook.Playbook](t, o); n != 7 {
		t.Errorf("%d playbooks after loading the demo, want 7", n)
	}
	if err := o.LoadDemo(ctx); !errors.Is(err, store.ErrNotEmpty) {
		t.Errorf("loading the demo into a full handbook: %v, want store.ErrNotEmpty", err)
	}
}

// TestSaveContact: a contact typed into the form is verified when it is
// created, and a phone number that is no number is refused at its field,
// with nothing stored.
func TestSaveContact(t *testing.T) {
	ctx := context.Background()
	o := demoOps(t)
	t.Run("new contact is verified", func(t *testing.T) {
		c := handbook.Contact{Name: "Neu Angelegt", PhoneMobile: "0171 39200 77"}
		if err := Save[handbook.Contact](ctx, o, nil, &c); err != nil {
			t.Fatal(err)
		}
		got, err := store.Get[handbook.Contact](ctx, o.Store(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.LastVerifiedAt.Equal(t0) || got.Stale(t0, handbook.DefaultStaleAfterDays) {
			t.Errorf("verified %v, stale %v; want verified at creation", got.LastVerifiedAt, got.Stale(t0, handbook.DefaultStaleAfterDays))
		}
	})
	t.Run("letters in a phone number", func(t *testing.T) {
		c := handbook.Contact{Name: "Buchstaben Test", PhoneMobile: "abc"}
		err := Save[handbook.Contact](ctx, o, nil, &c)
		var v handbook.ValidationError
		if !errors.As(err, &v) || len(v) != 1 || v[0].Field != "phone_mobile" || v[0].Message != handbook.PhoneBadCharacters {
			t.Fatalf("err = %v; want the mobile number refused", err)
		}
		hits, err := o.Store().Search(ctx, "Buchstaben", 5)
		if err != nil || len(hits) != 0 {
			t.Errorf("refused contact stored: %v, %v", hits, err)
		}
	})
	t.Run("an old number kept as it was does not block an edit", func(t *testing.T) {
		old := handbook.Contact{Name: "Alt Eintrag", PhoneOffice: "Zentrale fragen", LastVerifiedAt: t0.AddDate(-1, 0, 0)}
		if err := store.Put(ctx, o.Store(), &old); err != nil {
			t.Fatal(err)
		}
		edited := old
		edited.Team = "Einkauf"
		if err := Save[handbook.Contact](ctx, o, &old, &edited); err != nil {
			t.Fatalf("edit refused: %v", err)
		}
		if !edited.LastVerifiedAt.Equal(old.LastVerifiedAt) {
			t.Errorf("an edit marked the contact verified: %v", edited.LastVerifiedAt)
		}
	})
}
