package person

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSaveLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ernstfall")
	p, err := Load(dir)
	if err != nil || p.Set() {
		t.Fatalf("nothing saved yet: %+v, %v", p, err)
	}
	if err := Save(dir, Person{Name: "  Dr. Henrik   Lange "}); err != nil {
		t.Fatal(err)
	}
	p, err = Load(dir)
	if err != nil || p.Name != "Dr. Henrik Lange" || p.Initials != "HL" {
		t.Fatalf("loaded %+v, %v", p, err)
	}
	if err := Save(dir, Person{Name: "Jörg Müller-Lüdenscheidt", Initials: "j m"}); err != nil {
		t.Fatal(err)
	}
	if p, _ = Load(dir); p.Initials != "jm" {
		t.Errorf("initials as given, without spaces: %q", p.Initials)
	}
}

func TestClean(t *testing.T) {
	tests := []struct {
		name string
		in   Person
		want string
	}{
		{"empty", Person{Name: "   "}, "enter your name"},
		{"long", Person{Name: strings.Repeat("x", 81)}, "longer than 80"},
		{"long initials", Person{Name: "A", Initials: "ABCDEF"}, "at most 5"},
		{"control character", Person{Name: "A\x1b[31m"}, "control character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.in.Clean(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestDamagedFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, File), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), File) {
		t.Errorf("a damaged file must be named: %v", err)
	}
}

func TestAccountName(t *testing.T) {
	tests := []struct{ name, fullName, login, want string }{
		{"full name", "Anna Wolff", "awolff", "Anna Wolff"},
		{"GECOS fields", "Anna Wolff,Raum 12,,", "awolff", "Anna Wolff"},
		{"login when no full name", "", "awolff", "awolff"},
		{"Windows domain account", "", `NORDLICHT\a.wolff`, "a.wolff"},
		{"Windows local account", "", `NB-0815\Krisenstab`, "Krisenstab"},
		{"full name wins over a domain login", "Anna Wolff", `NORDLICHT\a.wolff`, "Anna Wolff"},
		{"blank full name", "  ,,", "awolff", "awolff"},
		{"a login that is only a domain", "", `NORDLICHT\`, ""},
		{"Windows reports the login as the full name", `VM\root`, `VM\root`, "root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := accountName(tt.fullName, tt.login); got != tt.want {
				t.Errorf("accountName(%q, %q) = %q, want %q", tt.fullName, tt.login, got, tt.want)
			}
		})
	}
}
