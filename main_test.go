package main

import "testing"

func TestVersionComesFromFyneAppToml(t *testing.T) {
	tests := []struct{ name, toml, want string }{
		{"the real file", fyneApp, "0.1.0"},
		{"other sections ignored", "[Other]\nVersion = \"9\"\n[Details]\n  Version = \"1.2.3\"\n", "1.2.3"},
		{"missing", "[Details]\nName = \"Ernstfall\"\n", "dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := version(tt.toml); got != tt.want {
				t.Errorf("version = %q, want %q", got, tt.want)
			}
		})
	}
}
