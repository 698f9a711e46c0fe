package i18n

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestChangeValues(t *testing.T) {
	de := func(key string, data map[string]any) string {
		return map[string]string{"(empty)": "(leer)", "yes": "ja", "no": "nein", "2006-01-02": "02.01.2006", "2006-01-02 15:04": "02.01.2006 15:04"}[key]
	}
	names := map[string]string{"c1": "Jörg Müller", "c2": "Eva Groß"}
	local := time.Date(2026, 11, 30, 8, 15, 0, 0, time.Local).UTC().Format(time.RFC3339)
	midnight := time.Date(2026, 12, 24, 0, 0, 0, 0, time.Local).UTC().Format(time.RFC3339)
	long := strings.Repeat("Erst den Server vom Netz trennen. ", 10)
	tests := []struct {
		name, old, new string
		wantOld        string
		wantNew        string
	}{
		{"texts", `"+49 170 1"`, `"+49 170 2"`, `"+49 170 1"`, `"+49 170 2"`},
		{"emptied", `"Urlaub"`, `null`, `"Urlaub"`, "(leer)"},
		{"set", `null`, `true`, "(leer)", "ja"},
		{"references by name", `["c1"]`, `["c1","c2"]`, "Jörg Müller", "Jörg Müller, Eva Groß"},
		{"one reference", `"c1"`, `"c2"`, "Jörg Müller", "Eva Groß"},
		{"times in local time", `null`, `"` + local + `"`, "(leer)", "30.11.2026 08:15"},
		{"a date", `null`, `"` + midnight + `"`, "(leer)", "24.12.2026"},
		{"numbers", `60`, `240`, "60", "240"},
		{"long text around the change", `"` + long + `"`, `"` + long + `Dann melden."`, `"…Netz trennen. "`, `"…Netz trennen. Dann melden."`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, n := ChangeValues(json.RawMessage(tt.old), json.RawMessage(tt.new), names, 40, de)
			if o != tt.wantOld || n != tt.wantNew {
				t.Errorf("got %s → %s, want %s → %s", o, n, tt.wantOld, tt.wantNew)
			}
		})
	}
	if got := ValueText(json.RawMessage(`"`+long+`"`), nil, 0, de); got != long {
		t.Errorf("whole value: %q", got)
	}
}
