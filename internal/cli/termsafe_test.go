package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestTermSafe(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain\ttext\n", "plain\ttext\n"},
		{"Jürgen – Köln €", "Jürgen – Köln €"},
		{"rot \x1b[31mROT\x1b[0m", `rot \u001b[31mROT\u001b[0m`},
		{"titel \x1b]0;pwned\x07", `titel \u001b]0;pwned\u0007`},
		{"back\bspace\rCR\x7f", `back\u0008space\u000dCR\u007f`},
		{"c1 \u009b31m", `c1 \u009b31m`},
		{"bidi \u202eevil\u202c \u2066x\u2069", `bidi \u202eevil\u202c \u2066x\u2069`},
	} {
		var buf bytes.Buffer
		w := termSafe(&buf)
		// Byte by byte: a character split across writes still counts.
		for i := range len(tc.in) {
			if _, err := w.Write([]byte{tc.in[i]}); err != nil {
				t.Fatal(err)
			}
		}
		if got := buf.String(); got != tc.want {
			t.Errorf("termSafe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestNoEscapesReachTheTerminal: a file name with terminal escape
// sequences, in a folder given to import, is named in the error without
// the raw escapes, which would recolour the terminal, set its title or
// worse.
func TestNoEscapesReachTheTerminal(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("such file names are not allowed on Windows")
	}
	db := demoDB(t)
	dir := t.TempDir()
	evil := filepath.Join(dir, "a\x1b]0;pwned\x07\x1b[2J.md")
	if err := os.Symlink("/etc/passwd", evil); err != nil {
		t.Fatal(err)
	}
	r := run(t, "--db", db, "import", dir)
	if r.code == 0 {
		t.Fatalf("import: %+v", r)
	}
	for _, out := range []string{r.stdout, r.stderr} {
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Errorf("raw escape sequence in the output: %q", out)
		}
	}
	if !strings.Contains(r.stderr, `\u001b]0;pwned`) {
		t.Errorf("the file is not named visibly: %q", r.stderr)
	}
}
