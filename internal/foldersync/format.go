package foldersync

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
	"ernstfall/internal/seal"
	"ernstfall/internal/store"
)

// File formats and their versions. Version 2 signs and encrypts every
// file of a laptop; version 1 folders (no signatures) are taken over by
// the first laptop of version 2 that syncs with them.
const (
	formatName     = "ernstfall-sync"
	batchFormat    = "ernstfall-sync-batch"
	snapshotFormat = "ernstfall-sync-snapshot"
	// checkpointFormat is a snapshot that holds only what later merges
	// need, written by a compaction that removes the batches it covers.
	checkpointFormat = "ernstfall-sync-checkpoint"
	requestFormat    = "ernstfall-sync-request"
	keyFormat        = "ernstfall-sync-key"
	formatVersion    = 2
	// batchVersion 3 batches, and the device files of laptops that read
	// them, may hold their contents compressed (see packBatch). A laptop
	// writes them so only when every active member's device file says it
	// reads them (deviceFile.Reads); otherwise it writes version 2, which
	// every Ernstfall of the signed protocol reads.
	batchVersion = 3
)

// Kinds of sealed files (their header's kind).
const (
	kindBatch    = "batch"
	kindSnapshot = "snapshot"
	kindCheckpt  = "checkpoint"
	kindDevice   = "device"
)

// formatFile is the folder's FORMAT file. Team names the laptop that set
// the folder up and its keys; the founder signs the file.
type formatFile struct {
	Format   string    `json:"format"`
	Version  int       `json:"version"`
	Handbook string    `json:"handbook"`
	Team     *teamInfo `json:"team,omitempty"`
	Sig      string    `json:"sig,omitempty"`
}

// teamInfo is the root of trust of a shared folder: the founding laptop,
// its public keys and the key join requests are encrypted for.
type teamInfo struct {
	Founder string      `json:"founder"`
	Keys    seal.Public `json:"keys"`
	Request []byte      `json:"request"`
	Created time.Time   `json:"created"`
}

// signedBody is the part of the FORMAT file its signature covers.
func (f formatFile) signedBody() []byte {
	body, _ := json.Marshal(formatFile{Format: f.Format, Version: f.Version, Handbook: f.Handbook, Team: f.Team})
	return body
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
	// Edit names the save the change belongs to (store.Change.Edit);
	// batches of older versions leave it out, and it reads as 0.
	Edit int64 `json:"edit,omitempty"`
	// Batch is, in snapshots and checkpoints, the batch of Device that
	// carried the change (store.Change.Batch); 0 or left out: not known.
	Batch int64 `json:"batch,omitempty"`
}

// wireEdit names the person who made one save. Device is left out in
// batches: it is the batch's device.
type wireEdit struct {
	Device string `json:"device,omitempty"`
	Edit   int64  `json:"edit"`
	Author string `json:"author"`
}

// wireEdits lists the authors of the saves the changes belong to, once
// each.
func wireEdits(changes []store.Change, withDevice bool) []wireEdit {
	var out []wireEdit
	seen := map[store.Version]bool{}
	for _, c := range changes {
		k := store.Version{HLC: c.Edit, Device: c.Device}
		if c.Author == "" || c.Edit == 0 || seen[k] {
			continue
		}
		seen[k] = true
		w := wireEdit{Edit: int64(c.Edit), Author: c.Author}
		if withDevice {
			w.Device = c.Device
		}
		out = append(out, w)
	}
	return out
}

// authorsOf maps each save named in edits to its author.
func authorsOf(edits []wireEdit, device string) map[store.Version]string {
	out := make(map[store.Version]string, len(edits))
	for _, e := range edits {
		d := e.Device
		if device != "" {
			d = device
		}
		out[store.Version{HLC: hlc.Timestamp(e.Edit), Device: d}] = e.Author
	}
	return out
}

// batchFile is the contents of log/<device>/<seq>.batch: team records
// (admissions, removals, keys) and changes of the handbook.
type batchFile struct {
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	Handbook  string    `json:"handbook"`
	Device    string    `json:"device"`
	Seq       int64     `json:"seq"`
	CreatedAt time.Time `json:"created_at"`
	// Author is the name of the person at the laptop that wrote the batch
	// (Options.Author), inside the signed and encrypted contents: the team
	// sees who synced, the folder does not.
	Author  string       `json:"author,omitempty"`
	Members []record     `json:"members,omitempty"`
	Changes []wireChange `json:"changes"`
	// Edits names who made the saves the changes belong to.
	Edits []wireEdit `json:"edits,omitempty"`
}

// snapshotFile is the contents of snapshots/<device>-<seq>.snapshot:
// every change its device knew, and the batches they cover.
type snapshotFile struct {
	Format    string             `json:"format"`
	Version   int                `json:"version"`
	Handbook  string             `json:"handbook"`
	Device    string             `json:"device"`
	CreatedAt time.Time          `json:"created_at"`
	Applied   map[string][]int64 `json:"applied"`
	Changes   []wireChange       `json:"changes"`
	Edits     []wireEdit         `json:"edits,omitempty"`
}

// deviceFile is the contents of devices/<device>.device: the laptop's
// name, its last sync and its last batch (so a missing newest batch is
// noticed too).
type deviceFile struct {
	Device   string    `json:"device"`
	Name     string    `json:"name"`
	LastSync time.Time `json:"last_sync"`
	LastSeq  int64     `json:"last_seq"`
	// Applied says, per laptop, up to which batch this one has applied
	// every batch (declared lost ones counted); compaction folds only what
	// every active member has applied.
	Applied map[string]int64 `json:"applied,omitempty"`
	// Refuted names the checkpoints this laptop checked against the
	// batches they cover and found lying (path below the protocol folder
	// → SHA-256 of the file, hex): no laptop uses them.
	Refuted map[string]string `json:"refuted,omitempty"`
	// Reads is the newest batch version this laptop reads; 0 (left out
	// by older versions): formatVersion.
	Reads int `json:"reads,omitempty"`
}

// requestFile is requests/<device>.request: a laptop asking to join,
// signed with its own key. Its name is encrypted for the team.
type requestFile struct {
	Format   string      `json:"format"`
	Version  int         `json:"version"`
	Handbook string      `json:"handbook"`
	Device   string      `json:"device"`
	Keys     seal.Public `json:"keys"`
	Name     string      `json:"name"`
	Created  time.Time   `json:"created"`
	Sig      string      `json:"sig,omitempty"`
}

func (f requestFile) signedBody() []byte {
	f.Sig = ""
	body, _ := json.Marshal(f)
	return body
}

// keyFile is keys/<to>/<key>-<from>.key: a team key (and the team's
// request key) encrypted for one laptop by a member.
type keyFile struct {
	Format   string `json:"format"`
	Version  int    `json:"version"`
	Handbook string `json:"handbook"`
	To       string `json:"to"`
	From     string `json:"from"`
	Key      string `json:"key"`
	Wrapped  string `json:"wrapped"`
	Sig      string `json:"sig,omitempty"`
}

func (f keyFile) signedBody() []byte {
	f.Sig = ""
	body, _ := json.Marshal(f)
	return body
}

// wrappedKey is what a key file carries, encrypted.
type wrappedKey struct {
	Key     seal.Key `json:"key"`
	Request []byte   `json:"request"`
}

// errBatch marks a batch file that cannot be used.
var errBatch = errors.New("unusable batch")

// A packed batch's contents are packedMagic and the batch's JSON
// compressed with DEFLATE (RFC 1951), compressed before they are sealed.
// Compressing first is the only order that works (ciphertext does not
// compress), and it leaks nothing an attacker can use: a batch is written
// once, from this laptop's own changes, with nothing an outsider chose
// mixed into the same compression window and no one able to ask for it
// again (the attacks on compressing before encrypting, CRIME and BREACH,
// need both). What the folder sees is the file's size, as before, only
// smaller. The magic cannot begin JSON, so a version 2 batch is never
// mistaken for a packed one.
const packedMagic = packedFamily + "deflate\n"

// packedFamily begins every encoding of a batch's contents other than
// plain JSON; a later version may add encodings under other names.
const packedFamily = "\x00ernstfall-"

// packBatch compresses a batch's JSON.
func packBatch(plain []byte) ([]byte, error) {
	z, err := deflate(plain)
	if err != nil {
		return nil, err
	}
	return append([]byte(packedMagic), z...), nil
}

// unpackBatch returns a batch's JSON: data itself, or data decompressed
// when it is packed. A packed batch that decompresses to more than limit
// bytes (a batch's own size limit: what a batch of version 2 may hold) is
// refused, so a small hostile file cannot make a laptop allocate without
// bound.
func unpackBatch(data []byte, limit int64) ([]byte, bool, error) {
	z, ok := bytes.CutPrefix(data, []byte(packedMagic))
	if !ok {
		if bytes.HasPrefix(data, []byte(packedFamily)) {
			// Another encoding of a later version: say so, rather than
			// call the file damaged.
			name, _, _ := bytes.Cut(data[len(packedFamily):min(len(data), len(packedFamily)+32)], []byte("\n"))
			return nil, true, fmt.Errorf("%w: written by a newer Ernstfall (contents encoded as %q); update Ernstfall", errBatch, name)
		}
		return data, false, nil
	}
	out, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(z)), limit+1))
	if err != nil {
		return nil, true, fmt.Errorf("%w: compressed contents are damaged: %v", errBatch, err)
	}
	if int64(len(out)) > limit {
		return nil, true, fmt.Errorf("%w: its compressed contents unpack to more than %s, the most a batch may hold (damaged, or made to fill memory); ignored",
			errBatch, sizeText(limit))
	}
	return out, true, nil
}

// sizeText says a size limit in MB, or in bytes below one.
func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// parseBatch reads the contents of one batch written by device as its
// batch seq for the handbook: its changes and its team records. Packed
// contents may unpack to at most limit bytes.
func parseBatch(data []byte, limit int64, handbookID, device string, seq int64) (store.Batch, []record, error) {
	b, err := decodeBatch(data, limit, handbookID, device, seq)
	if err != nil {
		return store.Batch{}, nil, err
	}
	out := store.Batch{Device: device, Seq: seq, Author: b.Author, Changes: make([]store.Change, 0, len(b.Changes))}
	authors := authorsOf(b.Edits, device)
	for i, w := range b.Changes {
		if w.Device != "" && w.Device != device {
			return store.Batch{}, nil, fmt.Errorf("%w: change %d claims device %q", errBatch, i+1, w.Device)
		}
		w.Device = device
		c, err := w.change()
		if err != nil {
			return store.Batch{}, nil, fmt.Errorf("%w: change %d: %v", errBatch, i+1, err)
		}
		c.Author = authors[store.Version{HLC: c.Edit, Device: c.Device}]
		out.Changes = append(out.Changes, c)
	}
	for i := range b.Members {
		b.Members[i].Signer, b.Members[i].Seq = device, seq
		if err := b.Members[i].check(); err != nil {
			return store.Batch{}, nil, fmt.Errorf("%w: team record %d: %v", errBatch, i+1, err)
		}
	}
	return out, b.Members, nil
}

// decodeBatch decodes a batch's contents and checks that they say what
// the file's name and header say.
func decodeBatch(data []byte, limit int64, handbookID, device string, seq int64) (batchFile, error) {
	var b batchFile
	if len(bytes.TrimSpace(data)) == 0 {
		return b, fmt.Errorf("%w: empty file", errBatch)
	}
	data, packed, err := unpackBatch(data, limit)
	if err != nil {
		return b, err
	}
	if err := json.Unmarshal(data, &b); err != nil {
		return b, fmt.Errorf("%w: not readable JSON (truncated or damaged): %v", errBatch, err)
	}
	switch {
	case b.Format != batchFormat:
		return b, fmt.Errorf("%w: not an Ernstfall batch (format %q)", errBatch, b.Format)
	case b.Version > batchVersion:
		return b, fmt.Errorf("%w: written by a newer Ernstfall (batch version %d, this one reads %d); update Ernstfall", errBatch, b.Version, batchVersion)
	case b.Version < 1:
		return b, fmt.Errorf("%w: unknown batch version %d", errBatch, b.Version)
	case packed && b.Version < batchVersion:
		return b, fmt.Errorf("%w: compressed, but says it is batch version %d", errBatch, b.Version)
	case b.Handbook != handbookID:
		return b, fmt.Errorf("%w: belongs to another handbook (%s)", errBatch, b.Handbook)
	case b.Device != device:
		return b, fmt.Errorf("%w: says it comes from device %q, not %q", errBatch, b.Device, device)
	case b.Seq != seq:
		return b, fmt.Errorf("%w: says it is batch %d, not %d", errBatch, b.Seq, seq)
	}
	return b, nil
}

func (w wireChange) change() (store.Change, error) {
	switch {
	case w.Entity == "" || w.ID == "" || w.Field == "":
		return store.Change{}, errors.New("entity, id or field missing")
	case w.HLC <= 0 || w.BaseHLC < 0 || w.Edit < 0 || w.Edit > w.HLC || w.Batch < 0:
		return store.Change{}, errors.New("invalid clock reading")
	case w.Device == "":
		return store.Change{}, errors.New("device missing")
	case len(w.Value) == 0 || !json.Valid(w.Value):
		return store.Change{}, errors.New("value missing or not JSON")
	}
	return store.Change{Entity: handbook.Entity(w.Entity), ID: w.ID, Field: w.Field, Value: w.Value,
		HLC: hlc.Timestamp(w.HLC), Device: w.Device, BaseHLC: hlc.Timestamp(w.BaseHLC), BaseDevice: w.BaseDevice,
		Edit: hlc.Timestamp(w.Edit), Batch: w.Batch}, nil
}

func toWire(c store.Change, withDevice bool) wireChange {
	w := wireChange{Entity: string(c.Entity), ID: c.ID, Field: c.Field, Value: c.Value, HLC: int64(c.HLC),
		BaseHLC: int64(c.BaseHLC), BaseDevice: c.BaseDevice, Edit: int64(c.Edit)}
	if withDevice {
		w.Device, w.Batch = c.Device, c.Batch
	}
	return w
}

// parseSnapshot reads a snapshot file of the handbook.
func parseSnapshot(data []byte, handbookID, format string) (store.Snapshot, error) {
	var f snapshotFile
	if err := json.Unmarshal(data, &f); err != nil {
		return store.Snapshot{}, fmt.Errorf("%w: not readable JSON (truncated or damaged): %v", errBatch, err)
	}
	switch {
	case f.Format != format:
		return store.Snapshot{}, fmt.Errorf("%w: not an Ernstfall %s (format %q)", errBatch, strings.TrimPrefix(format, "ernstfall-sync-"), f.Format)
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
	authors := authorsOf(f.Edits, "")
	covers := map[string]map[int64]bool{}
	for d, seqs := range f.Applied {
		covers[d] = map[int64]bool{}
		for _, s := range seqs {
			covers[d][s] = true
		}
	}
	for i, w := range f.Changes {
		c, err := w.change()
		if err != nil {
			return store.Snapshot{}, fmt.Errorf("%w: change %d: %v", errBatch, i+1, err)
		}
		if c.Batch != 0 && !covers[c.Device][c.Batch] {
			return store.Snapshot{}, fmt.Errorf("%w: change %d came in batch %d of laptop %s, which the file does not cover", errBatch, i+1, c.Batch, c.Device)
		}
		c.Author = authors[store.Version{HLC: c.Edit, Device: c.Device}]
		snap.Changes = append(snap.Changes, c)
	}
	return snap, nil
}
