package foldersync

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Every name the protocol writes is made here, and each must be one that
// every file system and file-sync engine accepts as it is: lower-case
// hexadecimal device and key IDs, digits and a few fixed words, so that no
// two names differ only in case, none holds \ / : * ? " < > | or ends in a
// dot or a space, and the longest path stays far below Windows' 260
// characters below a folder like
// C:\Users\<name>\OneDrive - Company\Krisenstab\ (see TestNamesEveryFileSystemAccepts).

// The folders of the protocol, below <shared>/ernstfall.
const (
	dirLog         = "log"
	dirDevices     = "devices"
	dirSnapshots   = "snapshots"
	dirCheckpoints = "checkpoints"
	dirRequests    = "requests"
	dirKeys        = "keys"
	fileFormat     = "FORMAT"
)

var (
	deviceName     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)
	batchName      = regexp.MustCompile(`^([0-9]{12})\.batch$`)
	oldBatchName   = regexp.MustCompile(`^([0-9]{12})\.json$`)
	snapshotName   = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9_-]{0,63})-([0-9]{12})\.snapshot$`)
	snapshotSeq    = regexp.MustCompile(`-([0-9]{12})\.snapshot$`)
	checkpointName = regexp.MustCompile(`^([0-9]{8})-([A-Za-z0-9][A-Za-z0-9_-]{0,63})\.checkpoint$`)
	keyName        = regexp.MustCompile(`^([0-9a-f]{16})-([A-Za-z0-9][A-Za-z0-9_-]{0,63})\.key$`)
	// variantName is another file-sync engine's name for a batch: the
	// batch's number, then anything, then ".batch" (Syncthing's
	// ".sync-conflict-…", Nextcloud's and Dropbox's " (conflicted copy …)",
	// OneDrive's "-COMPUTERNAME", Windows' " (1)" and " - Kopie").
	variantName = regexp.MustCompile(`^([0-9]{12})[^0-9].*\.batch$`)
)

func batchFileName(seq int64) string { return fmt.Sprintf("%012d.batch", seq) }

func batchPath(dev string, seq int64) string { return path.Join(dirLog, dev, batchFileName(seq)) }

func snapshotFileName(dev string, seq int64) string {
	return fmt.Sprintf("%s-%012d.snapshot", dev, seq)
}

func checkpointFileName(gen int64, dev string) string {
	return fmt.Sprintf("%08d-%s.checkpoint", gen, dev)
}

func devicePath(dev string) string { return path.Join(dirDevices, dev+".device") }

func requestPath(dev string) string { return path.Join(dirRequests, dev+".request") }

func keyPath(to, keyID, from string) string { return path.Join(dirKeys, to, keyID+"-"+from+".key") }

// tempName is the name a file is written under before it gets its own:
// it starts with a dot, so readers pass it over, and ends in a random
// suffix of hex digits.
func tempName(rel, suffix string) string {
	return path.Join(path.Dir(rel), "."+path.Base(rel)+"."+suffix+".tmp")
}

// junk reports names that file-sync engines, operating systems and other
// programs leave in folders, and that never hold anything of ours: they
// are passed over without a word. Temporary files of a laptop's own
// unfinished write count too (their owner removes them).
func junk(name string) bool {
	lower := strings.ToLower(name)
	switch {
	case strings.HasPrefix(name, "."), strings.HasPrefix(name, "~"):
		// Syncthing's .syncthing.*.tmp, ~syncthing~*.tmp, .stfolder,
		// .stignore and .stversions; Nextcloud's .~lock.*#, .owncloudsync
		// and .sync_*.db; Office's ~$ lock files; macOS' .DS_Store and ._*;
		// Dropbox's .dropbox*; OneDrive's marker file; ours.
		return true
	case lower == "desktop.ini", lower == "thumbs.db", lower == "ehthumbs.db", lower == "icon\r",
		lower == "$recycle.bin", lower == "system volume information":
		return true
	}
	for _, suffix := range []string{".tmp", ".part", ".partial", ".crdownload", ".!sync", ".icloud", ".lock"} {
		if strings.HasSuffix(lower, suffix) {
			return true
		}
	}
	return false
}

// variantSeq returns the number of the batch a file-sync engine's copy of
// a batch file stands for.
func variantSeq(name string) (int64, bool) {
	if batchName.MatchString(name) {
		return 0, false
	}
	return seqIn(variantName, name)
}

// seqOf returns the number in a batch file name.
func seqOf(name string) (int64, bool) { return seqIn(batchName, name) }

func seqIn(re *regexp.Regexp, name string) (int64, bool) {
	m := re.FindStringSubmatch(name)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	return n, err == nil && n > 0
}
