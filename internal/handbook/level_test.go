package handbook

import "testing"

func TestSuggestedLevel(t *testing.T) {
	tests := []struct {
		sev  Severity
		want int
	}{
		{SeverityCritical, 3}, {SeverityHigh, 2}, {SeverityMedium, 1}, {SeverityLow, 1}, {"", 0}, {"extreme", 0},
	}
	for _, tt := range tests {
		t.Run(string(tt.sev), func(t *testing.T) {
			if got := SuggestedLevel(tt.sev); got != tt.want {
				t.Errorf("SuggestedLevel(%q) = %d, want %d", tt.sev, got, tt.want)
			}
		})
	}
}

func TestLevelTitle(t *testing.T) {
	tests := []struct {
		name  string
		word  string
		level int
		lname string
		want  string
	}{
		{"name carries the number", "Stufe", 1, "Stufe 1 – Störung", "Stufe 1 – Störung"},
		{"plain name", "Stufe", 2, "Krise", "Stufe 2 – Krise"},
		{"English word", "Level", 2, "Crisis", "Level 2 – Crisis"},
		{"no name", "Stufe", 3, "", "Stufe 3"},
		{"blank name", "Level", 4, "  ", "Level 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LevelTitle(tt.word, tt.level, tt.lname); got != tt.want {
				t.Errorf("LevelTitle(%q, %d, %q) = %q, want %q", tt.word, tt.level, tt.lname, got, tt.want)
			}
		})
	}
}
