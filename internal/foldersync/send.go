package foldersync

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"unicode"

	"ernstfall/internal/seal"
	"ernstfall/internal/store"
)

// send writes the unsent outbox as the next batches of this laptop, at
// most maxBatchChanges changes each.
func (r *round) send(ctx context.Context) error {
	dir := path.Join("log", r.me)
	if err := checkEntry(r.sh.root, dir, true); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("sync with %s: %w", r.opt.Folder, err)
	}
	r.sh.removeTemps(dir)
	for attempt := 0; ; attempt++ {
		changes, err := r.st.Unsent(ctx)
		if err != nil {
			return err
		}
		if len(changes) == 0 {
			return nil
		}
		if attempt > 2*len(changes)/maxBatchChanges+8 {
			return fmt.Errorf("sync with %s: %w (%d changes stay queued for the next sync): the batch numbers keep being taken",
				r.opt.Folder, ErrNotWritten, len(changes))
		}
		changes = changes[:min(len(changes), maxBatchChanges)]
		name, seq, n, err := r.writeBatch(ctx, nil, changes)
		if n > 0 {
			changes = changes[:n] // the rest goes in the next batch
		}
		if errors.Is(err, errExists) {
			// Another sync of this database, in another process, took the
			// number first; if it wrote these very changes, they are sent.
			if err := r.adopt(ctx, name, seq); err != nil {
				return fmt.Errorf("sync with %s: %w (%d changes stay queued for the next sync): %w", r.opt.Folder, ErrNotWritten, len(changes), err)
			}
			left, err := r.st.Unsent(ctx)
			if err != nil {
				return err
			}
			n := len(changes)
			if len(left) > 0 {
				n = sort.Search(len(changes), func(i int) bool { return changes[i].Seq >= left[0].Seq })
			}
			r.rep.Sent += n
			r.rep.Parallel += n
			r.rep.SentBatch = path.Join("ernstfall", name)
			continue
		}
		if err != nil {
			return fmt.Errorf("sync with %s: %w (%d changes stay queued for the next sync): %w", r.opt.Folder, ErrNotWritten, len(changes), err)
		}
		r.rep.Sent += len(changes)
		r.rep.SentBatch = path.Join("ernstfall", name)
	}
}

// writeBatch seals team records and changes as this laptop's next batch,
// chained to its previous one, and marks the changes sent. A batch holds
// at most MaxBatchBytes of contents (what other laptops read), so it may
// take only the first n of the changes. It returns the file's name below
// the protocol folder, its number and n; errExists when another writer
// took the number.
func (r *round) writeBatch(ctx context.Context, members []record, changes []store.Change) (string, int64, int, error) {
	key, ok := r.state.writeKey(r.team)
	if r.founding != nil {
		// The founder's first batch introduces the first key, written
		// with it.
		key, ok = *r.founding, true
	}
	if !ok {
		return "", 0, 0, errors.New("this laptop holds no team key yet")
	}
	dir := path.Join("log", r.me)
	seq, err := r.nextSeq(ctx, dir)
	if err != nil {
		return "", 0, 0, err
	}
	prev, err := r.st.BatchHash(ctx, r.me, seq-1)
	if err != nil {
		return "", 0, 0, err
	}
	pack := r.packBatches(ctx)
	var plain []byte
	for {
		b := batchFile{Format: batchFormat, Version: formatVersion, Handbook: r.handbook, Device: r.me, Seq: seq,
			CreatedAt: r.opt.Now().UTC(), Author: r.opt.Author, Members: members, Changes: make([]wireChange, len(changes))}
		if pack {
			b.Version = batchVersion
		}
		for i, c := range changes {
			b.Changes[i] = toWire(c, false)
		}
		b.Edits = wireEdits(changes, false)
		if plain, err = json.Marshal(b); err != nil {
			return "", 0, 0, fmt.Errorf("encode batch: %w", err)
		}
		if int64(len(plain)) <= r.opt.MaxBatchBytes {
			break
		}
		if len(changes) <= 1 {
			return "", 0, 0, fmt.Errorf("batch %d would hold %s, more than the %s other laptops read", seq,
				sizeText(int64(len(plain))), sizeText(r.opt.MaxBatchBytes))
		}
		changes = changes[:len(changes)/2]
	}
	if pack {
		if plain, err = packBatch(plain); err != nil {
			return "", 0, 0, fmt.Errorf("compress batch: %w", err)
		}
	}
	data, err := seal.Seal(seal.Header{Kind: kindBatch, Handbook: r.handbook, Device: r.me, Seq: seq, Prev: prev}, plain, key, r.id.Sign)
	if err != nil {
		return "", 0, 0, err
	}
	if int64(len(data)) > r.opt.MaxBatchBytes {
		return "", 0, 0, fmt.Errorf("batch %d would be %s, more than the %s other laptops read", seq,
			sizeText(int64(len(data))), sizeText(r.opt.MaxBatchBytes))
	}
	name := batchPath(r.me, seq)
	if err := r.sh.writeNew(name, data); err != nil {
		return name, seq, len(changes), err
	}
	var top int64
	if len(changes) > 0 {
		top = changes[len(changes)-1].Seq
	}
	if err := r.st.MarkBatchSent(ctx, top, seq, seal.Hash(data)); err != nil {
		return name, seq, len(changes), err
	}
	return name, seq, len(changes), nil
}

// packBatches reports whether this laptop compresses the batches it
// writes (batch version 3): only when every active member of the team has
// said in its device file that it reads them, so a laptop that still runs
// an older Ernstfall keeps receiving what it can read. A member whose
// device file is missing or unreadable counts as one that does not; an
// inactive one (away longer than InactiveAfter) does not hold it back.
func (r *round) packBatches(ctx context.Context) bool {
	if r.pack == nil {
		pack := true
		devices := r.devices()
		for _, m := range r.team.members() {
			if m != r.me && devices[m].Reads < batchVersion && !r.inactive(ctx, m) {
				pack = false
				break
			}
		}
		r.pack = &pack
	}
	return *r.pack
}

// writeRecords writes team records as a batch of their own and keeps them
// as known.
func (r *round) writeRecords(ctx context.Context, recs []record) (int64, error) {
	_, seq, _, err := r.writeBatch(ctx, recs, nil)
	if err != nil {
		return 0, fmt.Errorf("sync with %s: %w: %w", r.opt.Folder, ErrNotWritten, err)
	}
	for i := range recs {
		recs[i].Signer, recs[i].Seq = r.me, seq
	}
	r.state.addRecords(recs)
	r.team = newTeam(*r.state.Team, r.state.Records)
	return seq, saveState(ctx, r.st, r.state)
}

// adopt takes a batch file of this device that this round did not write
// (a parallel round of another process wrote it) as sent, when its changes
// are the next unsent ones of the outbox.
func (r *round) adopt(ctx context.Context, name string, seq int64) error {
	applied, err := r.st.Applied(ctx)
	if err != nil {
		return err
	}
	if applied[r.me][seq] {
		return nil // the other round has marked it sent already
	}
	notMine := fmt.Errorf("%s exists already and holds changes this laptop did not make", name)
	data, err := r.sh.readLimited(name, r.opt.MaxBatchBytes)
	if err != nil {
		return fmt.Errorf("%s exists already and %w", name, err)
	}
	h, err := seal.Verify(data, r.id.Public().Sign)
	if err != nil || h.Device != r.me || h.Seq != seq {
		return notMine
	}
	key, ok := r.state.key(h.Key)
	if !ok {
		return notMine
	}
	plain, err := seal.Open(data, key)
	if err != nil {
		return notMine
	}
	b, members, err := parseBatch(plain, r.opt.MaxBatchBytes, r.handbook, r.me, seq)
	if err != nil {
		return notMine
	}
	if len(members) > 0 {
		// Team records match no outbox: they are this laptop's only when
		// its saved state says it wrote them in this batch. Otherwise a
		// copy of its database removed or admitted someone, and taking
		// the batch as sent would pass over what it did to the team.
		saved, err := loadState(ctx, r.st)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(saved.Records, func(rec record) bool { return rec.Signer == r.me && rec.Seq == seq }) {
			return notMine
		}
	}
	unsent, err := r.st.Unsent(ctx)
	if err != nil {
		return err
	}
	if len(b.Changes) > len(unsent) {
		return notMine
	}
	for i, c := range b.Changes {
		u := unsent[i]
		if u.HLC != c.HLC || u.Entity != c.Entity || u.ID != c.ID || u.Field != c.Field ||
			u.BaseHLC != c.BaseHLC || u.BaseDevice != c.BaseDevice || !sameJSON(u.Value, c.Value) {
			return notMine
		}
	}
	var top int64
	if len(b.Changes) > 0 {
		top = unsent[len(b.Changes)-1].Seq
	}
	return r.st.MarkBatchSent(ctx, top, seq, seal.Hash(data))
}

// nextSeq is one above every batch this laptop wrote: the ones it knows
// and any file left by an interrupted earlier round.
func (r *round) nextSeq(ctx context.Context, dir string) (int64, error) {
	applied, err := r.st.Applied(ctx)
	if err != nil {
		return 0, err
	}
	var top int64
	for seq := range applied[r.me] {
		top = max(top, seq)
	}
	entries, err := r.sh.readDir(dir)
	if err != nil {
		return 0, fmt.Errorf("sync with %s: %w: %w", r.opt.Folder, ErrUnreachable, err)
	}
	// Only this laptop's own batches move the count on: a file anyone
	// can put into its folder (a forged "999999999999.batch", a folder
	// under a batch's name, a replayed batch) must not send its batches
	// where no one reads them. Such a name is passed over.
	taken := map[int64]bool{}
	for _, e := range entries {
		seq, ok := seqOf(e.Name())
		if !ok {
			continue
		}
		taken[seq] = true
		if seq > top && r.ownBatch(path.Join(dir, e.Name()), seq) {
			top = seq
		}
	}
	seq := top + 1
	for taken[seq] {
		seq++
	}
	if seq > maxSeq {
		return 0, fmt.Errorf("sync with %s: ernstfall/%s holds batch numbers up to the largest possible", r.opt.Folder, dir)
	}
	return seq, nil
}

// maxSeq is the largest batch number a batch file's name can hold.
const maxSeq = 999_999_999_999

// ownBatch reports whether rel is a regular file that this laptop signed
// as its batch seq.
func (r *round) ownBatch(rel string, seq int64) bool {
	data, err := r.sh.readLimited(rel, r.opt.MaxBatchBytes)
	if err != nil {
		return false
	}
	h, err := seal.Verify(data, r.id.Public().Sign)
	return err == nil && h.Kind == kindBatch && h.Device == r.me && h.Seq == seq
}

// deviceName is this laptop's name: given for this round, saved before,
// or the host name.
func (r *round) deviceName(ctx context.Context) (string, error) {
	name := cleanName(r.opt.DeviceName)
	if name != "" {
		return name, r.st.SetMeta(ctx, "device_name", name)
	}
	name, err := r.st.Meta(ctx, "device_name")
	if err != nil {
		return "", err
	}
	if name == "" {
		name, _ = os.Hostname()
	}
	return cleanName(name), nil
}

// cleanName keeps a laptop's name printable and short.
func cleanName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80])
	}
	return s
}

// announce writes devices/<device>.device: this laptop's name, the time
// of this sync and its last batch, signed and encrypted.
func (r *round) announce(ctx context.Context) error {
	name, err := r.deviceName(ctx)
	if err != nil {
		return err
	}
	key, ok := r.state.writeKey(r.team)
	if !ok {
		return nil
	}
	applied, err := r.st.Applied(ctx)
	if err != nil {
		return err
	}
	var last int64
	for seq := range applied[r.me] {
		last = max(last, seq)
	}
	refuted, err := r.refutedHere(ctx)
	if err != nil {
		return err
	}
	f := deviceFile{Device: r.me, Name: name, LastSync: r.opt.Now().UTC(), LastSeq: last,
		Applied: frontier(applied, r.team.lost, r.me), Refuted: refuted, Reads: batchVersion}
	plain, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if r.packBatches(ctx) {
		// What this laptop applied names every laptop of the team: in a
		// large team the device files add up, and they compress as
		// batches do, for the same readers.
		if plain, err = packBatch(plain); err != nil {
			return err
		}
	}
	data, err := seal.Seal(seal.Header{Kind: kindDevice, Handbook: r.handbook, Device: r.me}, plain, key, r.id.Sign)
	if err != nil {
		return err
	}
	if err := r.sh.replace(devicePath(r.me), data); err != nil {
		return fmt.Errorf("sync with %s: %w: %w", r.opt.Folder, ErrNotWritten, err)
	}
	// The others' files read this round still hold; this laptop's own is
	// the one just written (as reading it back would give).
	if r.deviceFiles != nil {
		f.Name = cleanName(f.Name)
		r.deviceFiles[r.me] = f
	}
	return nil
}

// readDevices reads the device files of the team's laptops.
func (r *round) readDevices() map[string]deviceFile {
	out := map[string]deviceFile{}
	entries, err := r.sh.readDir("devices")
	if err != nil {
		return out
	}
	for _, e := range entries {
		dev, ok := strings.CutSuffix(e.Name(), ".device")
		pub, known := r.team.pub[dev]
		if !ok || !known || !e.Type().IsRegular() {
			continue
		}
		data, err := r.sh.readLimited(path.Join("devices", e.Name()), maxSmallFile)
		if err != nil {
			continue
		}
		if f, ok := r.seenDevice(dev, pub, data); ok {
			out[dev] = f
			continue
		}
		h, err := seal.Verify(data, pub.Sign)
		if err != nil || h.Kind != kindDevice || h.Device != dev || h.Handbook != r.handbook {
			continue
		}
		key, ok := r.state.key(h.Key)
		if !ok {
			continue
		}
		plain, err := seal.Open(data, key)
		if err != nil {
			continue
		}
		if plain, _, err = unpackBatch(plain, maxDevicePlain); err != nil {
			continue
		}
		var f deviceFile
		if json.Unmarshal(plain, &f) == nil && f.Device == dev {
			f.Name = cleanName(f.Name)
			out[dev] = f
			r.keepDevice(dev, pub, data, f)
		}
	}
	return out
}

// maxDevicePlain is the most a compressed device file may unpack to:
// what a team of about 15,000 laptops needs.
const maxDevicePlain = 1 << 20

// deviceCache remembers the device files an engine verified and decoded,
// by their exact bytes, so that a round reads each file but checks the
// signature and decrypts only the ones that changed since the engine's
// last round: most device files of a large team do not change between
// two rounds. It relies on the file's contents alone (a hash of every
// byte, the signer's key and the handbook), never on sizes or times the
// file-sync engine reports, and it keeps only the files of the last round.
type deviceCache struct {
	handbook string
	last     map[[sha256.Size]byte]deviceFile
	next     map[[sha256.Size]byte]deviceFile
}

// deviceKey names a device file's exact bytes as signed by dev with pub.
func deviceKey(dev string, pub seal.Public, data []byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(dev))
	h.Write([]byte{0})
	h.Write(pub.Sign)
	h.Write(data)
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

// seenDevice returns the decoded device file when the engine verified
// these very bytes of dev in its last round.
func (r *round) seenDevice(dev string, pub seal.Public, data []byte) (deviceFile, bool) {
	c := r.cache
	if c == nil || c.handbook != r.handbook {
		return deviceFile{}, false
	}
	k := deviceKey(dev, pub, data)
	f, ok := c.last[k]
	if ok {
		c.keep(k, f)
	}
	return f, ok
}

// keepDevice remembers a device file verified and decoded this round.
func (r *round) keepDevice(dev string, pub seal.Public, data []byte, f deviceFile) {
	if r.cache == nil {
		return
	}
	if r.cache.handbook != r.handbook {
		*r.cache = deviceCache{handbook: r.handbook}
	}
	r.cache.keep(deviceKey(dev, pub, data), f)
}

func (c *deviceCache) keep(k [sha256.Size]byte, f deviceFile) {
	if c.next == nil {
		c.next = map[[sha256.Size]byte]deviceFile{}
	}
	c.next[k] = f
}

// turn ends a round: what it kept is what the next one looks up.
func (c *deviceCache) turn() {
	c.last, c.next = c.next, nil
}

// shareKeys makes sure every member holds every team key this laptop
// holds: a key file for each that no member wrote for it yet. A removed
// laptop gets none.
func (r *round) shareKeys(ctx context.Context) error {
	for _, m := range r.team.members() {
		if m == r.me {
			continue
		}
		pub := r.team.pub[m]
		entries, err := r.sh.readDir(path.Join("keys", m))
		if err != nil {
			return nil
		}
		have := map[string]bool{}
		for _, e := range entries {
			if mm := keyName.FindStringSubmatch(e.Name()); mm != nil {
				have[mm[1]] = true
			}
		}
		for _, k := range r.state.Keys {
			if have[k.ID] || !r.team.usable(k) {
				continue
			}
			if err := r.writeKeyFile(m, pub, k); err != nil {
				return fmt.Errorf("sync with %s: %w: %w", r.opt.Folder, ErrNotWritten, err)
			}
		}
	}
	return nil
}

// writeKeyFile encrypts a team key (and the request key) for one laptop.
func (r *round) writeKeyFile(to string, pub seal.Public, k seal.Key) error {
	plain, err := json.Marshal(wrappedKey{Key: k, Request: r.state.Request})
	if err != nil {
		return err
	}
	wrapped, err := seal.SealTo(pub.Box, keyInfo(r.handbook, to, k.ID), plain)
	if err != nil {
		return err
	}
	f := keyFile{Format: keyFormat, Version: formatVersion, Handbook: r.handbook, To: to, From: r.me, Key: k.ID, Wrapped: wrapped}
	f.Sig = seal.SignJSON(r.id.Sign, "key", f.signedBody())
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return r.sh.createOnce(keyPath(to, k.ID, r.me), data)
}

func ecdhPrivate(b []byte) (*ecdh.PrivateKey, error) { return ecdh.X25519().NewPrivateKey(b) }

// sameJSON reports whether two JSON values are equal once compacted.
func sameJSON(a, b []byte) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}
