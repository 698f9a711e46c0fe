package cli

import (
	"strings"
	"testing"
)

// TestCommandHelp: --help after a command prints what the command does
// and every option it takes, to standard output, and exits 0. It used to
// print "flag: help requested" and the usage line only, exit 2.
func TestCommandHelp(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"on-call", "--help"}, []string{"usage: ernstfall [--db PATH] on-call", "-at TIME", "-weeks N"}},
		{[]string{"incident", "start", "--help"}, []string{"-aware", "-dora", "-gdpr", "-classified"}},
		{[]string{"incident", "close", "-h"}, []string{"-reports-open-ok", "-reason"}},
		{[]string{"restore", "--help"}, []string{"-as-of", "-from-backup", "-dry-run"}},
		{[]string{"import", "--help"}, []string{"-skip-invalid", "-mirror"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := run(t, append([]string{"--lang", "en"}, tt.args...)...)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("%+v, want exit 0 and nothing on stderr", r)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("help lacks %q:\n%s", w, r.stdout)
				}
			}
		})
	}
}
