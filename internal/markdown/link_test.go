package markdown

import "testing"

func TestSafeLink(t *testing.T) {
	for _, tc := range []struct {
		dest string
		ok   bool
	}{
		{"https://www.bsi.bund.de/", true},
		{"HTTP://EXAMPLE.ORG/x", true},
		{"mailto:krisenstab@example.org", true},
		{"tel:+49-30-123456", true},
		{"javascript:alert(1)", false},
		{"JavaScript:alert(1)", false},
		{" javascript:alert(1)", false},
		{"java\tscript:alert(1)", false},
		{"file:///etc/passwd", false},
		{"data:text/html;base64,PHNjcmlwdD4=", false},
		{"vbscript:msgbox", false},
		{"smb://server/share", false},
		{"../geheim.pdf", false},
		{"//evil.example/x", false},
		{"https:relative", false},
		{"mailto:", false},
		{"", false},
	} {
		t.Run(tc.dest, func(t *testing.T) {
			if got := SafeLink(tc.dest) != nil; got != tc.ok {
				t.Errorf("SafeLink(%q) clickable = %v, want %v", tc.dest, got, tc.ok)
			}
		})
	}
}
