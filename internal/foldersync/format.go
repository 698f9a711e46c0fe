package foldersync

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
	"ernstfall/internal/store"
)

// File formats and their versions.
const (
	formatName     = "ernstfall-sync"
	batchFormat    = "ernstfall-sync-batch"
	snapshotFormat = "ernstfall-sync-snapshot"
	formatVersion  = 1
)

// formatFile is the folder's FORMAT file.
type formatFile struct {
	Format   string `json:"format"`
	Version  int    `json:"version"`
	Handbook string `json:"handbook"`
}

// wireChange is one change as it travels in a batch or snapshot. Device is
// left out in batches: it is the batch's device.
type wireChange struct {
	Entity     string          `json:"entity"`
	ID         string          `json:"id"`
	Field      string          `json:"field"`
	Value      json.RawMessage `json:"value"`
	HLC        int64           `json:"hlc"`
	Device     string          `json:"device,omitempty"`
	BaseHLC    int64           `json:"base_hlc,omitempty"`
	BaseDevice string          `json:"base_device,omitempty"`
}

// batchFile is log/<device>/<seq>.json.
type batchFile struct {
	Format    string       `json:"format"`
	Version   int          `json:"version"`
	Handbook  string       `json:"handbook"`
	Device    string       `json:"device"`
	Seq       int64        `json:"seq"`
	CreatedAt time.Time    `json:"created_at"`
	Changes   []wireChange `json:"changes"`
}

// snapshotFile is snapshots/<device>-<seq>.json: every change its device
// knew, and the batches they cover.
type snapshotFile struct {
	Format    string             `json:"format"`
	Version   int                `json:"version"`
	Handbook  string             `json:"handbook"`
	Device    string             `json:"device"`
	CreatedAt time.Time          `json:"created_at"`
	Applied   map[string][]int64 `json:"applied"`
	Changes   []wireChange       `json:"changes"`
}

// deviceFile is devices/<device>.json, for people: which laptop is which.
type deviceFile struct {
	Device   string    `json:"device"`
	Name     string    `json:"name"`
	LastSync time.Time `json:"last_sync"`
}

var (
	deviceName   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)
	batchName    = regexp.MustCompile(`^([0-9]{12})\.json$`)
	snapshotName = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9_-]{0,63})-([0-9]{12})\.json$`)
	copyName     = regexp.MustCompile(` \([0-9]+\)(\.[^.]*)?$`)
)

func batchFileName(seq int64) string { return fmt.Sprintf("%012d.json", seq) }

// oddName says why a name in the folder is not ours to read, or "".
func oddName(name string) string {
	switch {
	case strings.Contains(name, ".sync-conflict-") || copyName.MatchString(name) || strings.HasPrefix(name, "~$") ||
		strings.Contains(name, "conflicted copy") || strings.Contains(name, "(conflict"):
		return "a file-sync engine's conflict copy; ignored"
	case strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, ".part") || strings.HasPrefix(name, "~"):
		return "a temporary file (a write in progress or left over); ignored"
	}
	return ""
}

// errBatch marks a batch file that cannot be used.
var errBatch = errors.New("unusable batch")

// parseBatch reads one batch file written by device as its batch seq for
// the handbook.
func parseBatch(data []byte, handbookID, device string, seq int64) (store.Batch, error) {
	var b batchFile
	if len(bytes.TrimSpace(data)) == 0 {
		return store.Batch{}, fmt.Errorf("%w: empty file", errBatch)
	}
	if err := json.Unmarshal(data, &b); err != nil {
		return store.Batch{}, fmt.Errorf("%w: not readable JSON (truncated or damaged): %v", errBatch, err)
	}
	switch {
	case b.Format != batchFormat:
		return store.Batch{}, fmt.Errorf("%w: not an Ernstfall batch (format %q)", errBatch, b.Format)
	case b.Version > formatVersion:
		return store.Batch{}, fmt.Errorf("%w: written by a newer Ernstfall (batch version %d, this one reads %d); update Ernstfall", errBatch, b.Version, formatVersion)
	case b.Version < 1:
		return store.Batch{}, fmt.Errorf("%w: unknown batch version %d", errBatch, b.Version)
	case b.Handbook != handbookID:
		return store.Batch{}, fmt.Errorf("%w: belongs to another handbook (%s)", errBatch, b.Handbook)
	case b.Device != device:
		return store.Batch{}, fmt.Errorf("%w: says it comes from device %q, not %q", errBatch, b.Device, device)
	case b.Seq != seq:
		return store.Batch{}, fmt.Errorf("%w: says it is batch %d, not %d", errBatch, b.Seq, seq)
	}
	out := store.Batch{Device: device, Seq: seq, Changes: make([]store.Change, 0, len(b.Changes))}
	for i, w := range b.Changes {
		if w.Device != "" && w.Device != device {
			return store.Batch{}, fmt.Errorf("%w: change %d claims device %q", errBatch, i+1, w.Device)
		}
		w.Device = device
		c, err := w.change()
		if err != nil {
			return store.Batch{}, fmt.Errorf("%w: change %d: %v", errBatch, i+1, err)
		}
		out.Changes = append(out.Changes, c)
	}
	return out, nil
}

func (w wireChange) change() (store.Change, error) {
	switch {
	case w.Entity == "" || w.ID == "" || w.Field == "":
		return store.Change{}, errors.New("entity, id or field missing")
	case w.HLC <= 0 || w.BaseHLC < 0:
		return store.Change{}, errors.New("invalid clock reading")
	case w.Device == "":
		return store.Change{}, errors.New("device missing")
	case len(w.Value) == 0 || !json.Valid(w.Value):
		return store.Change{}, errors.New("value missing or not JSON")
	}
	return store.Change{Entity: handbook.Entity(w.Entity), ID: w.ID, Field: w.Field, Value: w.Value,
		HLC: hlc.Timestamp(w.HLC), Device: w.Device, BaseHLC: hlc.Timestamp(w.BaseHLC), BaseDevice: w.BaseDevice}, nil
}

func toWire(c store.Change, withDevice bool) wireChange {
	w := wireChange{Entity: string(c.Entity), ID: c.ID, Field: c.Field, Value: c.Value, HLC: int64(c.HLC),
		BaseHLC: int64(c.BaseHLC), BaseDevice: c.BaseDevice}
	if withDevice {
		w.Device = c.Device
	}
	return w
}

// parseSnapshot reads a snapshot file of the handbook.
func parseSnapshot(data []byte, handbookID string) (store.Snapshot, error) {
	var f snapshotFile
	if err := json.Unmarshal(data, &f); err != nil {
		return store.Snapshot{}, fmt.Errorf("%w: not readable JSON (truncated or damaged): %v", errBatch, err)
	}
	switch {
	case f.Format != snapshotFormat:
		return store.Snapshot{}, fmt.Errorf("%w: not an Ernstfall snapshot (format %q)", errBatch, f.Format)
	case f.Version != formatVersion:
		return store.Snapshot{}, fmt.Errorf("%w: snapshot version %d, this Ernstfall reads %d", errBatch, f.Version, formatVersion)
	case f.Handbook != handbookID:
		return store.Snapshot{}, fmt.Errorf("%w: belongs to another handbook (%s)", errBatch, f.Handbook)
	}
	snap := store.Snapshot{Applied: map[string][]int64{}, Changes: make([]store.Change, 0, len(f.Changes))}
	for d, seqs := range f.Applied {
		if !deviceName.MatchString(d) {
			return store.Snapshot{}, fmt.Errorf("%w: invalid device %q", errBatch, d)
		}
		snap.Applied[d] = seqs
	}
	for i, w := range f.Changes {
		c, err := w.change()
		if err != nil {
			return store.Snapshot{}, fmt.Errorf("%w: change %d: %v", errBatch, i+1, err)
		}
		snap.Changes = append(snap.Changes, c)
	}
	return snap, nil
}

// seqOf returns the number in a batch file name.
func seqOf(name string) (int64, bool) {
	m := batchName.FindStringSubmatch(name)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	return n, err == nil && n > 0
}
