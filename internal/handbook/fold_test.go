package handbook

import "testing"

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Müller", "mueller"},
		{"STRASSE", "strasse"},
		{"Straße", "strasse"},
		{"ÄÖÜ", "aeoeue"},
		{"GROẞ", "gross"},
		{"+49 30", "+49 30"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
