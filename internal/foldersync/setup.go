package foldersync

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"

	"ernstfall/internal/seal"
	"ernstfall/internal/store"
)

// setup loads this laptop's keys and team state and reads the folder's
// FORMAT file: it founds the team in a new folder (when this laptop holds
// a handbook to share), pins the team at first sight, and refuses a FORMAT
// that names another team than the one pinned.
func (r *round) setup(ctx context.Context) error {
	var err error
	if r.id, err = identity(ctx, r.st); err != nil {
		return err
	}
	if r.state, err = loadState(ctx, r.st); err != nil {
		return err
	}
	r.fingerprint = seal.Fingerprint(r.me, r.id.Public())
	f, err := r.readFormat()
	if r.state.Team != nil && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, errFormatDamaged) || (err == nil && f.Team == nil)) {
		// This laptop knows the folder's team: a FORMAT deleted, damaged
		// or put back from an old backup never makes it set up a team
		// of its own (that would split the handbook); it puts the team's
		// FORMAT back.
		f, err = r.restoreFormat(ctx, err)
	}
	if errors.Is(err, fs.ErrNotExist) && r.holdsTeamFiles() {
		return fmt.Errorf("sync with %s: %w: ernstfall/FORMAT is missing, but the folder holds the files of a team. Synchronise again in a moment: the file-sync tool may still be bringing it. If it stays missing, let a laptop of the team synchronise: it puts the file back",
			r.opt.Folder, ErrFormatMissing)
	}
	if errors.Is(err, fs.ErrNotExist) || (err == nil && f.Team == nil) {
		// A new folder, or one of an Ernstfall without signatures: this
		// laptop sets the team up.
		if err := r.found(ctx, err == nil); err != nil {
			return err
		}
		f, err = r.readFormat()
	}
	if err != nil {
		return err
	}
	if err := r.checkHandbook(ctx, f); errors.Is(err, ErrOtherHandbook) && r.state.Team == nil && r.onlyFounding(f) {
		// An empty laptop set the folder up, and nothing but its team was
		// ever written: the laptop that holds a handbook takes the folder
		// over rather than be locked out; the empty one then asks to join.
		if err := r.found(ctx, true); err != nil {
			return err
		}
		if f, err = r.readFormat(); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if r.state.Team != nil && !sameTeam(*r.state.Team, *f.Team) {
		if !r.soleFounder() {
			return fmt.Errorf("sync with %s: %w: FORMAT names the team of laptop %s (fingerprint %s), this laptop belongs to the team of %s (fingerprint %s); nothing was read or written. If the team really set the folder up anew, join it with a new, empty database",
				r.opt.Folder, ErrOtherTeam, f.Team.Founder, seal.Fingerprint(f.Team.Founder, f.Team.Keys),
				r.state.Team.Founder, seal.Fingerprint(r.state.Team.Founder, r.state.Team.Keys))
		}
		// Two laptops set the folder up at the same time, before their
		// file-sync tool met: the one that lost asks to join the other's
		// team, and sends its changes again once admitted.
		if err := r.yield(ctx); err != nil {
			return err
		}
		if err := r.checkHandbook(ctx, f); err != nil {
			return err
		}
	}
	if r.state.Team == nil {
		r.state.Team = f.Team
		r.state.Handbook = f.Handbook
	}
	r.handbook = f.Handbook
	if err := r.keepFormat(ctx); err != nil {
		return err
	}
	return r.st.SetMeta(ctx, metaFolder, r.opt.Folder)
}

// metaFormat holds the bytes of the folder's FORMAT file as this laptop
// last verified them, to put back when it goes missing or is damaged.
const metaFormat = "sync_format"

// keepFormat remembers the FORMAT file just verified, when it is new here.
func (r *round) keepFormat(ctx context.Context) error {
	if len(r.formatRaw) == 0 {
		return nil
	}
	old, err := r.st.Meta(ctx, metaFormat)
	if err != nil || old == string(r.formatRaw) {
		return err
	}
	return r.st.SetMeta(ctx, metaFormat, string(r.formatRaw))
}

// errFormatDamaged: FORMAT is there but cannot be read or verified.
var errFormatDamaged = errors.New("damaged")

// restoreFormat puts the team's FORMAT back for a laptop that knows the
// team: from the copy it verified before, or, on the founding laptop,
// signed anew. problem is why the folder's FORMAT could not be used.
func (r *round) restoreFormat(ctx context.Context, problem error) (formatFile, error) {
	what := "missing (deleted, or not brought yet by the file-sync tool)"
	switch {
	case errors.Is(problem, errFormatDamaged):
		what = "damaged"
	case problem == nil:
		what = "one of an older Ernstfall (put back from an old backup)"
	}
	raw, err := r.st.Meta(ctx, metaFormat)
	if err != nil {
		return formatFile{}, err
	}
	body := []byte(raw)
	if raw == "" && r.state.Team.Founder == r.me && r.state.Handbook != "" {
		f := formatFile{Format: formatName, Version: formatVersion, Handbook: r.state.Handbook, Team: r.state.Team}
		f.Sig = seal.SignJSON(r.id.Sign, "format", f.signedBody())
		if body, err = json.Marshal(f); err != nil {
			return formatFile{}, err
		}
		body = append(body, '\n')
	}
	if len(body) == 0 {
		return formatFile{}, fmt.Errorf("sync with %s: %w: ernstfall/FORMAT is %s. Synchronise again in a moment: the file-sync tool may still be bringing it. If it stays so, put ernstfall/FORMAT back from a copy of the folder, or let the laptop that set the folder up synchronise: it writes the file again",
			r.opt.Folder, ErrFormatMissing, what)
	}
	if errors.Is(problem, fs.ErrNotExist) {
		err = r.sh.writeNew(fileFormat, body)
		if errors.Is(err, errExists) {
			err = nil // put back by another laptop, or brought meanwhile
		}
	} else {
		err = r.sh.replace(fileFormat, body)
	}
	if err != nil {
		return formatFile{}, fmt.Errorf("sync with %s: %w: ernstfall/FORMAT is %s, and this laptop could not put it back: %w",
			r.opt.Folder, ErrFormatMissing, what, err)
	}
	f, err := r.readFormat()
	if err == nil && f.Team != nil {
		r.skip(fileFormat, "was "+what+"; put back as the team's founder signed it")
	}
	return f, err
}

// holdsTeamFiles reports whether the folder holds batches of some laptop:
// it belongs to a team, whatever its FORMAT file says.
func (r *round) holdsTeamFiles() bool {
	entries, err := r.sh.readDir(dirLog)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.IsDir() && deviceName.MatchString(e.Name()) && e.Name() != r.me {
			return true
		}
	}
	return false
}

// readFormat reads and checks the FORMAT file; a missing one gives
// fs.ErrNotExist.
func (r *round) readFormat() (formatFile, error) {
	var f formatFile
	data, err := r.sh.readLimited("FORMAT", 64<<10)
	if errors.Is(err, fs.ErrNotExist) {
		return f, err
	}
	if err != nil {
		return f, fmt.Errorf("sync with %s: %w: ernstfall/FORMAT is %w: %v", r.opt.Folder, ErrFormat, errFormatDamaged, err)
	}
	if err := json.Unmarshal(data, &f); err != nil || f.Format != formatName || f.Handbook == "" {
		return f, fmt.Errorf("sync with %s: %w: ernstfall/FORMAT is %w (empty, cut short, or not Ernstfall's)", r.opt.Folder, ErrFormat, errFormatDamaged)
	}
	if f.Version > formatVersion {
		return f, fmt.Errorf("sync with %s: %w: written by a newer Ernstfall (version %d, this one knows %d); update Ernstfall", r.opt.Folder, ErrFormat, f.Version, formatVersion)
	}
	if f.Version < formatVersion {
		f.Team = nil // an Ernstfall without signatures wrote it
		return f, nil
	}
	if f.Team == nil || !deviceName.MatchString(f.Team.Founder) || !f.Team.Keys.Valid() ||
		!seal.VerifyJSON(f.Team.Keys.Sign, "format", f.signedBody(), f.Sig) {
		return f, fmt.Errorf("sync with %s: %w: ernstfall/FORMAT is not signed by the laptop it names as founder (%w or forged)", r.opt.Folder, ErrFormat, errFormatDamaged)
	}
	if _, err := ecdh.X25519().NewPublicKey(f.Team.Request); err != nil {
		return f, fmt.Errorf("sync with %s: %w: ernstfall/FORMAT has no valid request key (%w)", r.opt.Folder, ErrFormat, errFormatDamaged)
	}
	r.formatRaw = data
	return f, nil
}

// checkHandbook makes a fresh laptop take the folder's handbook ID, and
// refuses a laptop that holds records of another handbook.
func (r *round) checkHandbook(ctx context.Context, f formatFile) error {
	local, err := r.st.HandbookID(ctx)
	if err != nil {
		return err
	}
	if f.Handbook == local {
		return nil
	}
	err = r.st.AdoptHandbookID(ctx, f.Handbook)
	if errors.Is(err, store.ErrNotEmpty) {
		return fmt.Errorf("sync with %s: %w (%s, this laptop holds %s); nothing was merged — choose the folder of this handbook, or join it with a new, empty database",
			r.opt.Folder, ErrOtherHandbook, f.Handbook, local)
	}
	return err
}

func sameTeam(a, b teamInfo) bool { return a.Founder == b.Founder && samePublic(a.Keys, b.Keys) }

// onlyFounding reports whether the folder holds nothing but the founder's
// first batch (its team records): no handbook was ever shared in it.
func (r *round) onlyFounding(f formatFile) bool {
	devices, err := r.sh.readDir("log")
	if err != nil {
		return false
	}
	for _, d := range devices {
		entries, err := r.sh.readDir(path.Join("log", d.Name()))
		if err != nil {
			return false
		}
		for _, e := range entries {
			seq, ok := seqOf(e.Name())
			if ok && (d.Name() != f.Team.Founder || seq > 1) {
				return false
			}
		}
	}
	snaps, err := r.sh.readDir("snapshots")
	return err == nil && len(snaps) == 0
}

// soleFounder reports whether this laptop founded its team and nobody
// else ever joined it: giving it up loses nothing anybody relies on.
func (r *round) soleFounder() bool {
	if r.state.Team == nil || r.state.Team.Founder != r.me {
		return false
	}
	for _, rec := range r.state.Records {
		if rec.Signer != r.me || rec.Kind == recAdmit {
			return false
		}
	}
	return true
}

// found sets the team up: FORMAT names this laptop as founder, and its
// first batch introduces the first team key. An existing FORMAT of an
// Ernstfall without signatures is replaced; a FORMAT another laptop wrote
// first wins.
func (r *round) found(ctx context.Context, legacy bool) error {
	local, err := r.st.HandbookID(ctx)
	if err != nil {
		return err
	}
	req, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	f := formatFile{Format: formatName, Version: formatVersion, Handbook: local,
		Team: &teamInfo{Founder: r.me, Keys: r.id.Public(), Request: req.PublicKey().Bytes(), Created: r.opt.Now().UTC()}}
	f.Sig = seal.SignJSON(r.id.Sign, "format", f.signedBody())
	body, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if legacy {
		err = r.sh.replace("FORMAT", append(body, '\n'))
	} else {
		err = r.sh.writeNew("FORMAT", append(body, '\n'))
	}
	if errors.Is(err, errExists) {
		return nil // another laptop was faster: join its team
	}
	if err != nil {
		return fmt.Errorf("sync with %s: set up the shared folder: %w: %w", r.opt.Folder, ErrNotWritten, err)
	}
	k, err := seal.NewKey(0)
	if err != nil {
		return err
	}
	r.handbook = local
	r.state = localState{Team: f.Team, Handbook: local, Keys: []seal.Key{k}, Request: req.Bytes(), Member: true}
	r.team = newTeam(*f.Team, nil)
	// Batches this laptop wrote before (for a folder without signatures,
	// or a team it left) are replaced by its changes sent again.
	if err := r.clearOwnBatches(ctx); err != nil {
		return err
	}
	r.founding = &k
	_, err = r.writeRecords(ctx, []record{{Kind: recKey, Key: k.ID, Epoch: k.Epoch, Check: k.Check(), At: r.opt.Now().UTC()}})
	r.founding = nil
	if err != nil {
		return err
	}
	return saveState(ctx, r.st, r.state)
}

// yield gives up the team this laptop founded alone, for the team of the
// folder's FORMAT.
func (r *round) yield(ctx context.Context) error {
	r.state = localState{}
	return saveState(ctx, r.st, r.state)
}

// clearOwnBatches removes this laptop's batch files that no member of its
// team can read (written without signatures, or for a team it gave up),
// and queues every change it made to be sent again. Its batch numbers go
// on from the last, so laptops that applied the old files skip nothing.
func (r *round) clearOwnBatches(ctx context.Context) error {
	dir := path.Join("log", r.me)
	entries, err := r.sh.readDir(dir)
	if err != nil {
		return fmt.Errorf("sync with %s: %w: %w", r.opt.Folder, ErrUnreachable, err)
	}
	for _, e := range entries {
		_, v1 := seqIn(oldBatchName, e.Name())
		_, v2 := seqOf(e.Name())
		if (v1 || v2) && e.Type().IsRegular() {
			if err := r.sh.root.Remove(path.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("sync with %s: %w: %w", r.opt.Folder, ErrNotWritten, err)
			}
		}
	}
	return r.st.ResendAll(ctx)
}

// joined is called in the first round that finds this laptop admitted.
func (r *round) joined(ctx context.Context) error {
	r.state.Member = true
	if err := r.clearOwnBatches(ctx); err != nil {
		return err
	}
	r.rep.Joined = true
	if err := saveState(ctx, r.st, r.state); err != nil {
		return err
	}
	// The request has been answered: no laptop reads it any more (the
	// admission record holds the keys), so it leaves the folder.
	if err := r.sh.remove(requestPath(r.me)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		r.skip(requestPath(r.me), fmt.Sprintf("this laptop's answered join request could not be removed: %v", err))
	}
	return nil
}

// removeAnsweredRequests removes the join requests of laptops the team
// has admitted (members and removed ones alike), which no laptop reads any
// more: a laptop removes its own when it joins, and a compaction those
// left by laptops that joined with an older Ernstfall. Requests still
// waiting stay.
func (r *round) removeAnsweredRequests() {
	entries, err := r.sh.readDir(dirRequests)
	if err != nil {
		return
	}
	for _, e := range entries {
		dev, ok := strings.CutSuffix(e.Name(), ".request")
		if ok && r.team.admitted[dev] && e.Type().IsRegular() {
			r.sh.remove(requestPath(dev))
		}
	}
}

// request files (or refreshes) this laptop's join request.
func (r *round) request(ctx context.Context) error {
	name, err := r.deviceName(ctx)
	if err != nil {
		return err
	}
	sealedName, err := seal.SealTo(r.state.Team.Request, "ernstfall request name v2 "+r.handbook+" "+r.me, []byte(name))
	if err != nil {
		return err
	}
	f := requestFile{Format: requestFormat, Version: formatVersion, Handbook: r.handbook, Device: r.me, Keys: r.id.Public(),
		Name: sealedName, Created: r.opt.Now().UTC()}
	rel := requestPath(r.me)
	if old, err := r.sh.readLimited(rel, maxSmallFile); err == nil {
		var prev requestFile
		if json.Unmarshal(old, &prev) == nil && prev.Handbook == f.Handbook && samePublic(prev.Keys, f.Keys) &&
			r.opt.Now().Sub(prev.Created) < 24*time.Hour && prev.Created.Before(r.opt.Now().Add(time.Minute)) {
			return nil // filed already
		}
	}
	f.Sig = seal.SignJSON(r.id.Sign, "request", f.signedBody())
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if err := r.sh.replace(rel, data); err != nil {
		return fmt.Errorf("sync with %s: file the join request: %w: %w", r.opt.Folder, ErrNotWritten, err)
	}
	return nil
}

// maxSmallFile is the size limit of FORMAT, device, request and key files.
const maxSmallFile = 64 << 10
