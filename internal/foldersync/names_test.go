package foldersync

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
)

// windowsPrefix is a long but ordinary place for the shared folder on a
// Windows laptop: a long user name and a company's OneDrive.
const windowsPrefix = `C:\Users\maximilian.mustermann-schmidt\OneDrive - Nordlicht Commerce GmbH\Krisenstab\`

// windowsMaxPath is MAX_PATH less its terminating NUL.
const windowsMaxPath = 259

var reservedWindowsName = regexp.MustCompile(`(?i)^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$`)

// nameProblem says why a file name would not survive every file system
// and file-sync engine, or "".
func nameProblem(name string) string {
	switch {
	case name == "":
		return "empty"
	case strings.ContainsAny(name, `\/:*?"<>|`):
		return `holds one of \ / : * ? " < > |`
	case strings.HasSuffix(name, ".") || strings.HasSuffix(name, " "):
		return "ends in a dot or a space"
	case strings.HasPrefix(name, " "):
		return "begins with a space"
	case reservedWindowsName.MatchString(name):
		return "a name Windows reserves for a device"
	}
	for _, r := range name {
		if r < 0x21 || r > 0x7e {
			return "holds a character outside printable ASCII"
		}
	}
	return ""
}

// checkPath checks every part of a path below the protocol folder, and
// its length on Windows below windowsPrefix.
func checkPath(t *testing.T, rel string) int {
	t.Helper()
	for _, part := range strings.Split(rel, "/") {
		if p := nameProblem(part); p != "" {
			t.Errorf("%s: %q %s", rel, part, p)
		}
	}
	full := windowsPrefix + `ernstfall\` + strings.ReplaceAll(rel, "/", `\`)
	if len(full) > windowsMaxPath {
		t.Errorf("%s: %d characters on Windows below %s, more than %d", rel, len(full), windowsPrefix, windowsMaxPath)
	}
	return len(full)
}

// TestNamesEveryFileSystemAccepts: every name the protocol writes is one
// that NTFS, FAT32/exFAT (USB sticks), APFS, SMB shares and the
// file-sync engines take as it is, no two names in one folder differ only
// in case, and the longest path fits in Windows' 260 characters below a
// long OneDrive folder. Checked twice: on a folder holding every kind of
// file a team writes (and each file's temporary name), and on each name
// made with the largest numbers and IDs.
func TestNamesEveryFileSystemAccepts(t *testing.T) {
	ctx := context.Background()
	a, b, c, folder, _ := trio(t)
	putContact(t, b, &handbook.Contact{Name: "Bea", Email: "b@example.com"})
	b.sync(t, folder)
	d := openLaptop(t, t.TempDir(), a.now)
	d.sync(t, folder) // a join request
	if _, err := a.eng.Remove(ctx, a.st, a.opts(folder), c.st.Device()); err != nil {
		t.Fatal(err) // a second team key, and key files for it
	}
	for _, l := range []*laptop{a, b} {
		l.sync(t, folder)
	}
	if _, err := a.eng.WriteSnapshot(ctx, a.st, a.opts(folder)); err != nil {
		t.Fatal(err)
	}

	root := filepath.Join(folder, "ernstfall")
	kinds := map[string]bool{}
	longest := 0
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		longest = max(longest, checkPath(t, rel))
		if !e.IsDir() {
			kinds[strings.SplitN(rel, "/", 2)[0]] = true
			longest = max(longest, checkPath(t, tempName(rel, "0123456789ab")))
			return nil
		}
		entries, err := fsReadDir(p)
		if err != nil {
			return err
		}
		seen := map[string]string{}
		for _, n := range entries {
			if other, ok := seen[strings.ToLower(n)]; ok {
				t.Errorf("%s: %q and %q differ only in case", rel, n, other)
			}
			seen[strings.ToLower(n)] = n
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{fileFormat, dirLog, dirDevices, dirSnapshots, dirRequests, dirKeys} {
		if !kinds[k] {
			t.Errorf("the folder holds no %s file: the test does not see every kind", k)
		}
	}

	// The same names with the largest numbers the protocol writes.
	dev := handbook.NewID()
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(dev) || !deviceName.MatchString(dev) {
		t.Fatalf("device IDs are not lower-case UUIDs: %q", dev)
	}
	const seq = 999_999_999_999
	for _, rel := range []string{
		fileFormat,
		batchPath(dev, seq),
		devicePath(dev),
		requestPath(dev),
		keyPath(dev, "ffffffffffffffff", dev),
		dirSnapshots + "/" + snapshotFileName(dev, seq),
		dirCheckpoints + "/" + checkpointFileName(99_999_999, dev),
	} {
		longest = max(longest, checkPath(t, rel), checkPath(t, tempName(rel, "0123456789ab")))
	}
	t.Logf("longest path on Windows: %d of %d characters, below %d characters of %s", longest, windowsMaxPath, len(windowsPrefix), windowsPrefix)
}

func fsReadDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Name()
	}
	return out, nil
}
