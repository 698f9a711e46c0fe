package cli

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestDataDir(t *testing.T) {
	profile := func() (string, error) { return "/home/anna/.config", nil }
	tests := []struct {
		name         string
		beside       []string // files (or folders, ending in /) beside the executable
		config       func() (string, error)
		wantPortable bool
		wantDir      string // relative to the executable's folder when portable
		wantErr      bool
	}{
		{"installed: the user's settings folder", nil, profile, false, "/home/anna/.config/ernstfall", false},
		{"marker file: portable", []string{portableMarker}, profile, true, portableFolder, false},
		{"data folder: portable", []string{portableFolder + "/"}, profile, true, portableFolder, false},
		{"a folder named like the marker does not count", []string{portableMarker + "/"}, profile, false, "/home/anna/.config/ernstfall", false},
		{"the source tree's data folder does not count", []string{"data/"}, profile, false, "/home/anna/.config/ernstfall", false},
		{"no settings folder and not portable", nil, func() (string, error) { return "", errors.New("$HOME is not defined") }, false, "", true},
		{"no settings folder but portable", []string{portableMarker}, func() (string, error) { return "", errors.New("$HOME is not defined") }, true, portableFolder, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			exe := filepath.Join(dir, "ernstfall.exe")
			os.WriteFile(exe, []byte("MZ"), 0o755)
			for _, f := range tt.beside {
				p := filepath.Join(dir, f)
				if f[len(f)-1] == '/' {
					os.Mkdir(p, 0o755)
				} else {
					os.WriteFile(p, nil, 0o644)
				}
			}
			got, portable, err := dataDir(exe, tt.config)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			want := tt.wantDir
			if tt.wantPortable {
				want = filepath.Join(dir, tt.wantDir)
			}
			if got != want || portable != tt.wantPortable {
				t.Errorf("dataDir = %q, portable %v; want %q, %v", got, portable, want, tt.wantPortable)
			}
		})
	}
	t.Run("a symlink to the program on the stick finds the stick", func(t *testing.T) {
		stick, elsewhere := t.TempDir(), t.TempDir()
		exe := filepath.Join(stick, "ernstfall")
		os.WriteFile(exe, nil, 0o755)
		os.WriteFile(filepath.Join(stick, portableMarker), nil, 0o644)
		link := filepath.Join(elsewhere, "ernstfall")
		if err := os.Symlink(exe, link); err != nil {
			t.Skip(err)
		}
		got, portable, _ := dataDir(link, profile)
		if !portable || got != filepath.Join(stick, portableFolder) {
			t.Errorf("dataDir via symlink = %q, %v", got, portable)
		}
	})
}
