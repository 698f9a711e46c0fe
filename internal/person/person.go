// Package person keeps who works at this computer: the name and initials
// that incident logs, ticks and sync batches carry. They belong to the
// operating-system user, not to the handbook: they live in a small file in
// the user's settings folder and never sync.
package person

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"ernstfall/internal/atomicfile"
)

// File is the name of the file in the settings folder.
const File = "person.json"

// Limits of what a person may enter.
const (
	maxName     = 80
	maxInitials = 5
)

// Person is who writes.
type Person struct {
	Name     string `json:"name"`
	Initials string `json:"initials"`
}

// Set reports whether the person gave a name.
func (p Person) Set() bool { return p.Name != "" }

// ErrNoName: a person must give a name.
var ErrNoName = errors.New("enter your name")

// Clean trims the name and initials, fills the initials from the name
// when they are empty, and refuses an empty name or overlong input.
func (p Person) Clean() (Person, error) {
	p.Name = strings.Join(strings.Fields(p.Name), " ")
	p.Initials = strings.Join(strings.Fields(p.Initials), "")
	switch {
	case p.Name == "":
		return p, ErrNoName
	case utf8.RuneCountInString(p.Name) > maxName:
		return p, fmt.Errorf("the name is longer than %d characters", maxName)
	case utf8.RuneCountInString(p.Initials) > maxInitials:
		return p, fmt.Errorf("initials are at most %d characters", maxInitials)
	}
	if strings.IndexFunc(p.Name+p.Initials, unicode.IsControl) >= 0 {
		return p, errors.New("the name holds a control character")
	}
	if p.Initials == "" {
		p.Initials = Initials(p.Name)
	}
	return p, nil
}

// Initials are the first letters of a name's words, titles such as "Dr."
// left out: "Dr. Henrik Lange" → "HL".
func Initials(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		if strings.HasSuffix(w, ".") {
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLetter(r) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// Load reads the person from dir; the zero Person when none was saved.
func Load(dir string) (Person, error) {
	data, err := os.ReadFile(filepath.Join(dir, File))
	if errors.Is(err, fs.ErrNotExist) {
		return Person{}, nil
	}
	if err != nil {
		return Person{}, fmt.Errorf("read who works here: %w", err)
	}
	var p Person
	if err := json.Unmarshal(data, &p); err != nil {
		return Person{}, fmt.Errorf("read who works here (%s): %w", filepath.Join(dir, File), err)
	}
	if p, err = p.Clean(); err != nil {
		return Person{}, nil
	}
	return p, nil
}

// Save writes the person to dir, whole or not at all.
func Save(dir string, p Person) error {
	p, err := p.Clean()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save who works here: %w", err)
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("save who works here: %w", err)
	}
	return atomicfile.Write(filepath.Join(dir, File), func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}

// System is the operating-system user's full name, else the login: what
// the log says when nobody gave a name.
func System() Person {
	u, err := user.Current()
	if err != nil {
		return Person{}
	}
	p, _ := Person{Name: accountName(u.Name, u.Username)}.Clean()
	return p
}

// accountName is the full name (on Unix the first field of GECOS), else
// the login, without the Windows domain or computer name that Windows puts
// in front of a login ("NORDLICHT\a.wolff" is a.wolff). Where Windows
// knows no full name it may report the login as the full name too.
func accountName(fullName, login string) string {
	name, _, _ := strings.Cut(fullName, ",")
	if name = strings.TrimSpace(name); name == "" {
		name = login
	}
	if i := strings.LastIndexByte(name, '\\'); i >= 0 {
		name = name[i+1:]
	}
	return strings.TrimSpace(name)
}

// FullName is the full name the operating system has for its user; ""
// when it has only the login: a name to suggest, where a login would be
// accepted in a hurry and name nobody.
func FullName() string {
	u, err := user.Current()
	if err != nil {
		return ""
	}
	name, _, _ := strings.Cut(u.Name, ",")
	if name = strings.TrimSpace(name); name == u.Username || name == accountName("", u.Username) {
		return ""
	}
	return name
}
