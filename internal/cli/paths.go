package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Portable mode: a crisis kit on a USB stick keeps its handbook beside the
// program instead of in the user profile of whichever laptop it is plugged
// into. It is switched on by a marker file or a data folder beside the
// executable. (Not a folder named "data": the source tree has one beside
// the freshly built binary.)
const (
	portableMarker = "ernstfall-portable"
	portableFolder = "ernstfall-data"
)

// dataDir chooses where the databases live: the portable folder beside exe
// when the marker file or the folder exists there, else the user's settings
// folder.
func dataDir(exe string, userConfigDir func() (string, error)) (dir string, portable bool, err error) {
	if exe != "" {
		if resolved, err := filepath.EvalSymlinks(exe); err == nil {
			exe = resolved
		}
		beside := filepath.Dir(exe)
		folder := filepath.Join(beside, portableFolder)
		if fi, err := os.Stat(folder); err == nil && fi.IsDir() {
			return folder, true, nil
		}
		if fi, err := os.Stat(filepath.Join(beside, portableMarker)); err == nil && !fi.IsDir() {
			return folder, true, nil
		}
	}
	base, err := userConfigDir()
	if err != nil {
		return "", false, fmt.Errorf("find the settings folder: %w; pass --db PATH", err)
	}
	if base == "" {
		return "", false, errors.New("find the settings folder: none is set; pass --db PATH")
	}
	return filepath.Join(base, "ernstfall"), false, nil
}
