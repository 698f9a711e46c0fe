package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
)

var t0 = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

func open(t *testing.T, path string) *Store {
	t.Helper()
	now := t0
	s, err := Open(context.Background(), path, Options{Now: func() time.Time { now = now.Add(time.Second); return now }})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// sample is a small handbook with one record of every kind.
func sample() handbook.Handbook {
	at := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	rec := func(id string) handbook.Record { return handbook.Record{ID: id, CreatedAt: at, UpdatedAt: at} }
	rev := handbook.Review{Owner: "Anna Schmidt", ReviewIntervalDays: 182, LastReviewedAt: at}
	return handbook.Handbook{
		Settings: handbook.Settings{Organisation: "Nordlicht Commerce GmbH", DefaultCountry: "DE"},
		Contacts: []handbook.Contact{
			{Record: rec("c1"), Name: "Jörg Müller", Team: "IT-Betrieb", PhoneMobile: "+49 30 23125 412", Email: "joerg@example.com", LastVerifiedAt: at},
			{Record: rec("c2"), Name: "Eva Groß", Team: "Kommunikation", PhoneOffice: "+49 69 90009 100", External: false},
		},
		Roles:      []handbook.Role{{Record: rec("r1"), Name: "IT-Lead", Holders: []string{"c1", "c2"}}},
		Escalation: []handbook.EscalationLevel{{Record: rec("e1"), Level: 1, Name: "Störung", DecidedBy: "r1", Notify: []string{"r1"}, Within: 30}},
		Playbooks: []handbook.Playbook{{Record: rec("p1"), Review: rev, Title: "Ransomware-Angriff", IncidentType: handbook.TypeRansomware,
			Severity: handbook.SeverityCritical, Body: "## Sofortmaßnahmen\n- [ ] Server isolieren @IT-Lead (15 min)\n\nVerschlüsselung durch Ransomware erkannt.\n"}},
		CommTemplates: []handbook.CommTemplate{{Record: rec("t1"), Title: "Kundeninfo", Audience: handbook.AudienceCustomers, Body: "Sehr geehrte Kundin, {{incident.title}}"}},
		Services: []handbook.Service{
			{Record: rec("s1"), Review: rev, Name: "Datenbank", Criticality: handbook.SeverityCritical, RTO: 60, RPO: 15, MTD: 240, ManualFallback: "Bestellungen auf Papier"},
			{Record: rec("s2"), Review: rev, Name: "Webshop", RTO: 120, RPO: 15, MTD: 480, DependsOn: []string{"s1"}, Resources: []string{"c1"}},
		},
		Risks:      []handbook.RiskScenario{{Record: rec("k1"), Title: "Verschlüsselung", Threat: "Ransomware verschlüsselt Server", Likelihood: 3, Impact: 5, AffectedServices: []string{"s1"}, PlaybookID: "p1"}},
		Incidents:  []handbook.Incident{{Record: rec("i1"), Title: "Übung", PlaybookID: "p1", StartedAt: at, AwareAt: at, Clocks: []string{handbook.ClockGDPR33}}},
		LogEntries: []handbook.LogEntry{{Record: rec("l1"), IncidentID: "i1", At: at, Author: "JM", Text: "Server isoliert"}},
		Exercises:  []handbook.Exercise{{Record: rec("x1"), Title: "Tabletop Ransomware", Date: at, Kind: handbook.ExerciseTabletop}},
		Actions:    []handbook.Action{{Record: rec("a1"), Title: "Offline-Backup testen", Status: handbook.ActionOpen, Due: at.AddDate(0, 2, 0), SourceKind: "exercise", SourceID: "x1"}},
	}
}

func TestImportLoadRoundTripsEveryType(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	in := sample()
	n, err := s.Import(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if n != 14 {
		t.Errorf("import changed %d records, want 14", n)
	}
	got, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Live(), in.Live()) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", got.Live(), in.Live())
	}
	if n, err := s.Import(ctx, in); err != nil || n != 0 {
		t.Errorf("second import changed %d records (err %v), want 0", n, err)
	}
}

func TestPutGetListDelete(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	c := handbook.Contact{Name: "Zoe Zander", PhoneMobile: "+49 30 23125 400"}
	if err := Put(ctx, s, &c); err != nil {
		t.Fatal(err)
	}
	if c.ID == "" || c.CreatedAt.IsZero() || c.UpdatedAt.IsZero() {
		t.Fatalf("put did not fill id and times: %+v", c.Record)
	}
	a := handbook.Contact{Name: "Anton Abel", Email: "anton@example.com"}
	if err := Put(ctx, s, &a); err != nil {
		t.Fatal(err)
	}
	got, err := Get[handbook.Contact](ctx, s, c.ID)
	if err != nil || got.Name != "Zoe Zander" {
		t.Fatalf("get: %+v, %v", got, err)
	}
	list, err := List[handbook.Contact](ctx, s)
	if err != nil || len(list) != 2 || list[0].Name != "Anton Abel" {
		t.Fatalf("list not sorted by name: %+v, %v", list, err)
	}
	if err := s.Delete(ctx, handbook.EntityContact, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := Get[handbook.Contact](ctx, s, c.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("get after delete: %v, want ErrNotFound", err)
	}
	if list, _ := List[handbook.Contact](ctx, s); len(list) != 1 {
		t.Errorf("tombstone listed: %+v", list)
	}
	if hits, _ := s.Search(ctx, "Zander", 10); len(hits) != 0 {
		t.Errorf("tombstone found by search: %+v", hits)
	}
	hb, _ := s.Load(ctx)
	if len(hb.Contacts) != 2 || len(hb.Live().Contacts) != 1 {
		t.Errorf("load should keep the tombstone and Live drop it: %d/%d", len(hb.Contacts), len(hb.Live().Contacts))
	}
	if err := s.Undelete(ctx, handbook.EntityContact, c.ID); err != nil {
		t.Fatal(err)
	}
	if hits, _ := s.Search(ctx, "Zander", 10); len(hits) != 1 {
		t.Errorf("undeleted contact not found again: %+v", hits)
	}
}

func TestPutRefusesInvalidRecord(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	bad := handbook.Service{Name: "Webshop", RTO: 600, MTD: 60}
	err := Put(ctx, s, &bad)
	if err == nil {
		t.Fatal("a service whose RTO exceeds its maximum downtime was saved")
	}
	if !strings.Contains(err.Error(), "Webshop") {
		t.Errorf("message does not name the record: %v", err)
	}
	if list, _ := List[handbook.Service](ctx, s); len(list) != 0 {
		t.Errorf("invalid record written: %+v", list)
	}
}

func TestOutboxRecordsEachChangedField(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	c := handbook.Contact{Name: "Jörg Müller", PhoneMobile: "+49 30 23125 412"}
	if err := Put(ctx, s, &c); err != nil {
		t.Fatal(err)
	}
	first, _ := s.Unsent(ctx)
	fields := map[string]bool{}
	for _, ch := range first {
		fields[ch.Field] = true
		if ch.Device != s.Device() || ch.Entity != handbook.EntityContact || ch.ID != c.ID || ch.BaseHLC != 0 {
			t.Errorf("unexpected new-record change %+v", ch)
		}
	}
	for _, f := range []string{"name", "phone_mobile", "created_at"} {
		if !fields[f] {
			t.Errorf("no outbox row for %s in %v", f, fields)
		}
	}
	if fields["updated_at"] || fields["id"] {
		t.Errorf("id/updated_at must not be synced: %v", fields)
	}

	c.PhoneMobile = "+49 30 23125 499"
	if err := Put(ctx, s, &c); err != nil {
		t.Fatal(err)
	}
	if err := Put(ctx, s, &c); err != nil { // unchanged: no new rows
		t.Fatal(err)
	}
	all, _ := s.Unsent(ctx)
	added := all[len(first):]
	if len(added) != 1 || added[0].Field != "phone_mobile" || string(added[0].Value) != `"+49 30 23125 499"` {
		t.Fatalf("edit of one field wrote %+v", added)
	}
	var base *Change
	for i := range first {
		if first[i].Field == "phone_mobile" {
			base = &first[i]
		}
	}
	if added[0].BaseHLC != base.HLC || added[0].BaseDevice != s.Device() || added[0].HLC <= base.HLC {
		t.Errorf("change does not name the version it replaced: %+v (base %+v)", added[0], base)
	}

	c.PhoneMobile = ""
	c.Email = "joerg@example.com"
	if err := Put(ctx, s, &c); err != nil {
		t.Fatal(err)
	}
	all2, _ := s.Unsent(ctx)
	emptied := false
	for _, ch := range all2[len(all):] {
		if ch.Field == "phone_mobile" && string(ch.Value) == "null" {
			emptied = true
		}
	}
	if !emptied {
		t.Errorf("emptying a field did not write a null change: %+v", all2[len(all):])
	}
	if err := s.MarkSent(ctx, all2[len(all2)-1].Seq); err != nil {
		t.Fatal(err)
	}
	if rest, _ := s.Unsent(ctx); len(rest) != 0 {
		t.Errorf("%d changes still unsent after MarkSent", len(rest))
	}
}

func TestLogEntriesAreAppendOnly(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	e := handbook.LogEntry{IncidentID: "i1", At: t0, Text: "Server isoliert"}
	if err := Put(ctx, s, &e); err != nil {
		t.Fatal(err)
	}
	e.Text = "Server nicht isoliert"
	if err := Put(ctx, s, &e); !errors.Is(err, ErrAppendOnly) {
		t.Errorf("editing a log entry: %v, want ErrAppendOnly", err)
	}
	if err := s.Delete(ctx, handbook.EntityLogEntry, e.ID); !errors.Is(err, ErrAppendOnly) {
		t.Errorf("deleting a log entry: %v, want ErrAppendOnly", err)
	}
	got, _ := Get[handbook.LogEntry](ctx, s, e.ID)
	if got.Text != "Server isoliert" {
		t.Errorf("log entry changed to %q", got.Text)
	}
}

func TestSearch(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	if _, err := s.Import(ctx, sample()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query     string
		wantFirst string // ID of the best hit
		wantIn    string // text the snippet must hold ("" = no check)
	}{
		{"verschlüsselung", "k1", ""},           // title match on the risk first
		{"+49 30", "c1", "+49 30 23125"},        // a phone number
		{"030 23125", "c1", "+49 30 23125 412"}, // the same number written nationally, shown as typed
		{"mueller", "c1", ""},                   // ü typed as ue
		{"gross", "c2", ""},                     // ß typed as ss
		{"muller", "c1", ""},                    // ü typed as u
		{"groß", "c2", ""},                      // typed as written
		{"joerg@example", "c1", "joerg@example.com"},
		{"Server isolieren", "p1", "Server isolieren"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			hits, err := s.Search(ctx, tt.query, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 || hits[0].ID != tt.wantFirst {
				t.Fatalf("hits %+v, want %s first", hits, tt.wantFirst)
			}
			if tt.wantIn != "" && !strings.Contains(hits[0].Snippet, tt.wantIn) {
				t.Errorf("snippet %q lacks %q", hits[0].Snippet, tt.wantIn)
			}
		})
	}
	hits, _ := s.Search(ctx, "Ransomware", 10)
	var order []string
	for _, h := range hits {
		order = append(order, h.ID)
	}
	if len(order) != 3 || order[2] != "k1" || !(order[0] == "p1" || order[1] == "p1") {
		t.Errorf("Ransomware: hits %v, want the title matches p1 and x1 before the body match k1", order)
	}
	if hits, err := s.Search(ctx, `"*(`, 10); err != nil || len(hits) != 0 {
		t.Errorf("punctuation-only query: %+v, %v", hits, err)
	}
}

func TestSchemaVersions(t *testing.T) {
	ctx := context.Background()
	t.Run("new file migrates to the current schema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "hb.db")
		s := open(t, path)
		var v int
		if err := s.r.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v); err != nil || v != SchemaVersion() {
			t.Fatalf("schema %d (%v), want %d", v, err, SchemaVersion())
		}
		var mode string
		s.r.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode)
		if mode != "wal" {
			t.Errorf("journal mode %q, want wal", mode)
		}
	})
	t.Run("empty file migrates", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "hb.db")
		os.WriteFile(path, nil, 0o600)
		s := open(t, path)
		if _, err := s.Import(ctx, sample()); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("newer schema is refused and the file left unchanged", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "hb.db")
		s, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		s.w.ExecContext(ctx, `INSERT INTO schema_version(version, applied_at) VALUES (99, 'later')`)
		s.w.ExecContext(ctx, `PRAGMA journal_mode=DELETE`)
		s.Close()
		before, _ := os.ReadFile(path)
		_, err = Open(ctx, path, Options{})
		if !errors.Is(err, ErrNewerSchema) {
			t.Fatalf("open newer schema: %v, want ErrNewerSchema", err)
		}
		for _, want := range []string{path, "99", "newer Ernstfall", "not changed"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("message %q lacks %q", err, want)
			}
		}
		after, _ := os.ReadFile(path)
		if !bytes.Equal(before, after) {
			t.Error("refused database file was modified")
		}
		if _, err := os.Stat(path + "-wal"); err == nil {
			t.Error("refused database got a WAL file")
		}
	})
	t.Run("a foreign file is refused", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "notes.db")
		os.WriteFile(path, []byte("these are my notes, not a database at all, and long enough to look like one"), 0o600)
		_, err := Open(ctx, path, Options{})
		if !errors.Is(err, ErrNotADatabase) {
			t.Fatalf("open text file: %v, want ErrNotADatabase", err)
		}
		data, _ := os.ReadFile(path)
		if !strings.HasPrefix(string(data), "these are my notes") {
			t.Error("foreign file was modified")
		}
	})
	t.Run("a folder is refused with a hint", func(t *testing.T) {
		dir := t.TempDir()
		_, err := Open(ctx, dir, Options{})
		if !errors.Is(err, ErrNotADatabase) || !strings.Contains(err.Error(), "folder") {
			t.Fatalf("open folder: %v, want ErrNotADatabase naming the folder", err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			t.Errorf("opening a folder left files in it: %v", entries)
		}
	})
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, filepath.Join(dir, "hb.db"))
	if _, err := s.Import(ctx, sample()); err != nil {
		t.Fatal(err)
	}
	bpath := filepath.Join(dir, "copy.db")
	if err := s.Backup(ctx, bpath); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, bpath); err == nil {
		t.Error("backup overwrote an existing file")
	}
	b := open(t, bpath)
	got, _ := b.Load(ctx)
	if !reflect.DeepEqual(got.Live(), sample().Live()) {
		t.Error("backup does not hold the same handbook")
	}
	for range 7 {
		if _, err := s.AutoBackup(ctx, "before-sync", 5); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "backups"))
	if len(entries) != 5 {
		t.Errorf("%d automatic backups kept, want 5", len(entries))
	}
}

func TestIdentityPersists(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hb.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dev := s.Device()
	hb1, _ := s.HandbookID(ctx)
	c := handbook.Contact{Name: "A", Email: "a@example.com"}
	Put(ctx, s, &c)
	last := s.clock.Last()
	s.Close()
	s2, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	hb2, _ := s2.HandbookID(ctx)
	if s2.Device() != dev || hb1 != hb2 || hb1 == "" {
		t.Errorf("identity changed on reopen: device %s→%s, handbook %s→%s", dev, s2.Device(), hb1, hb2)
	}
	if s2.clock.Last() < last {
		t.Errorf("clock went back on reopen: %v < %v", s2.clock.Last(), last)
	}
}

// TestClockFollowsAWallClockSetRight: a laptop whose clock ran years
// ahead and was set right goes back to its wall clock (plus the day of
// tolerance) rather than stamping years ahead for good; its next edit of
// a field it wrote years ahead still orders after that edit.
func TestClockFollowsAWallClockSetRight(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hb.db")
	ahead := t0.AddDate(10, 0, 0)
	s, err := Open(ctx, path, Options{Now: func() time.Time { return ahead }})
	if err != nil {
		t.Fatal(err)
	}
	c := handbook.Contact{Name: "Zukunft", Email: "z@example.com"}
	if err := Put(ctx, s, &c); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, path, Options{Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got := s2.clock.Last().Time(); got.After(t0.Add(hlc.MaxAhead + time.Second)) {
		t.Fatalf("clock stays at %v after the wall clock was set to %v", got, t0)
	}
	before, err := s2.Unsent(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.Email = "jetzt@example.com"
	d := handbook.Contact{Name: "Neu", Email: "n@example.com"}
	if err := Put(ctx, s2, &c); err != nil {
		t.Fatal(err)
	}
	if err := Put(ctx, s2, &d); err != nil {
		t.Fatal(err)
	}
	after, err := s2.Unsent(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var oldEmail hlc.Timestamp
	for _, ch := range before {
		if ch.Field == "email" {
			oldEmail = ch.HLC
		}
	}
	for _, ch := range after[len(before):] {
		switch {
		case ch.ID == c.ID && ch.Field == "email" && ch.HLC <= oldEmail:
			t.Errorf("the new email (%v) orders before the one written years ahead (%v)", ch.HLC, oldEmail)
		case ch.ID == d.ID && ch.HLC.Time().After(t0.Add(hlc.MaxAhead+time.Second)):
			t.Errorf("a new record is stamped %v, years ahead", ch.HLC)
		}
	}
}

func TestSettings(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	st := handbook.Settings{Organisation: "Nordlicht", Classification: "VERTRAULICH",
		ImpactCategories: []handbook.ImpactCategory{{Key: "financial"}, {Key: "umwelt", Name: "Umwelt"}},
		TimePoints:       []handbook.Minutes{60, 480}, ImpactThreshold: 3, RTOFactor: 0.25}
	if err := s.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	got, err := s.Settings(ctx)
	if err != nil || !reflect.DeepEqual(got, st) {
		t.Fatalf("settings %+v, %v", got, err)
	}
	hb, _ := s.Load(ctx)
	if !reflect.DeepEqual(hb.Settings, st) {
		t.Errorf("load lost settings: %+v", hb.Settings)
	}
}
