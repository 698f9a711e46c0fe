package localefix

import "testing"

func TestApply(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{"C.UTF-8 becomes C", map[string]string{"LANG": "C.UTF-8"}, map[string]string{"LANG": "C"}},
		{"POSIX with codeset", map[string]string{"LC_ALL": "POSIX.utf8"}, map[string]string{"LC_ALL": "POSIX"}},
		{"a real locale stays", map[string]string{"LANG": "de_DE.UTF-8"}, map[string]string{"LANG": "de_DE.UTF-8"}},
		{"only the variable in effect", map[string]string{"LC_MESSAGES": "de_DE.UTF-8", "LANG": "C.UTF-8"},
			map[string]string{"LC_MESSAGES": "de_DE.UTF-8", "LANG": "C.UTF-8"}},
		{"plain C stays", map[string]string{"LANG": "C"}, map[string]string{"LANG": "C"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = v
			}
			apply(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
			for k, want := range tt.want {
				if env[k] != want {
					t.Errorf("%s = %q, want %q", k, env[k], want)
				}
			}
		})
	}
}
