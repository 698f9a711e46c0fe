package foldersync

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"ernstfall/internal/seal"
)

// Errors of the team operations, checked with errors.Is.
var (
	// ErrNoSuchDevice: no laptop of the team or join request matches.
	ErrNoSuchDevice = errors.New("no such laptop")
	// ErrAmbiguous: more than one laptop matches a name.
	ErrAmbiguous = errors.New("more than one laptop has that name; use its fingerprint")
)

// Device states in a team listing.
const (
	StatusMember  = "member"
	StatusPending = "pending"
	StatusRemoved = "removed"
)

// Device is a laptop of the team, or one asking to join.
type Device struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Fingerprint string    `json:"fingerprint"`
	Status      string    `json:"status"`
	Me          bool      `json:"this_laptop,omitempty"`
	LastSync    time.Time `json:"last_sync,omitzero"`
	// Inactive: a member whose device file this laptop has seen
	// unchanged (or missing) for Options.InactiveAfter, by this laptop's
	// clock: it has not synced for that long, whatever its own clock says.
	// It no longer holds compaction back; members may remove it.
	Inactive   bool      `json:"inactive,omitempty"`
	AdmittedBy string    `json:"admitted_by,omitempty"`
	Since      time.Time `json:"since,omitzero"`
}

// Team is the listing of `ernstfall devices`.
type Team struct {
	// Member: this laptop belongs to the team; Fingerprint is its own.
	Member      bool     `json:"member"`
	Fingerprint string   `json:"fingerprint"`
	Devices     []Device `json:"devices"`
	// MoreRequests counts join requests beyond those listed.
	MoreRequests int `json:"more_requests,omitempty"`
}

// Devices lists the team's laptops (members and removed ones) and the join
// requests waiting.
func (e *Engine) Devices(ctx context.Context, st Store, opt Options) (Team, error) {
	opt = opt.withDefaults()
	e.mu.Lock()
	defer e.mu.Unlock()
	r, err := open(ctx, st, opt)
	if err != nil {
		return Team{}, err
	}
	defer r.sh.Close()
	return r.listing(ctx)
}

func (r *round) listing(ctx context.Context) (Team, error) {
	names, err := DeviceNames(ctx, r.st)
	if err != nil {
		return Team{}, err
	}
	for dev, n := range r.team.names {
		names[dev] = n
	}
	files := r.readDevices()
	t := Team{Member: r.team.member(r.me), Fingerprint: r.fingerprint}
	for dev := range r.team.admitted {
		d := Device{ID: dev, Name: names[dev], Fingerprint: seal.Fingerprint(dev, r.team.pub[dev]), Status: StatusMember, Me: dev == r.me}
		if _, removed := r.team.cutoff[dev]; removed {
			d.Status = StatusRemoved
		}
		f, ok := files[dev]
		if ok {
			d.LastSync = f.LastSync
			if f.Name != "" {
				d.Name = f.Name
			}
		}
		d.Inactive = d.Status == StatusMember && !d.Me && r.inactive(ctx, dev)
		if a, ok := r.team.admittedBy[dev]; ok {
			d.AdmittedBy, d.Since = cmpOr(names[a.Signer], a.Signer), a.At
		} else if dev == r.team.founder.Founder {
			d.AdmittedBy, d.Since = "", r.team.founder.Created
		}
		t.Devices = append(t.Devices, d)
	}
	reqs, more := r.readRequests()
	for _, q := range reqs {
		t.Devices = append(t.Devices, Device{ID: q.Device, Name: q.Name, Fingerprint: q.Fingerprint, Status: StatusPending, Since: q.Since})
	}
	if !t.Member && !r.team.admitted[r.me] {
		t.Devices = append(t.Devices, Device{ID: r.me, Name: names[r.me], Fingerprint: r.fingerprint, Status: StatusPending, Me: true})
	}
	t.MoreRequests = more
	order := map[string]int{StatusMember: 0, StatusPending: 1, StatusRemoved: 2}
	sort.Slice(t.Devices, func(i, j int) bool {
		a, b := t.Devices[i], t.Devices[j]
		if order[a.Status] != order[b.Status] {
			return order[a.Status] < order[b.Status]
		}
		if a.Name != b.Name {
			return strings.ToLower(a.Name) < strings.ToLower(b.Name)
		}
		return a.ID < b.ID
	})
	return t, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Admit admits laptops asking to join: the one whose name or fingerprint
// is who, or with all every laptop waiting (for setting up many at once).
// Each admission is a signed team record that syncs; the admitted laptop
// gets the team's keys encrypted for its own key.
func (e *Engine) Admit(ctx context.Context, st Store, opt Options, who string, all bool) ([]Device, error) {
	opt = opt.withDefaults()
	e.mu.Lock()
	defer e.mu.Unlock()
	r, err := open(ctx, st, opt)
	if err != nil {
		return nil, err
	}
	defer r.sh.Close()
	if !r.team.member(r.me) {
		return nil, ErrNotMember
	}
	var reqs []Request
	if all {
		reqs, _ = r.readRequests()
	} else {
		q, err := r.findRequest(who)
		if err != nil {
			return nil, err
		}
		reqs = []Request{q}
	}
	if len(reqs) == 0 {
		return nil, nil
	}
	now := r.opt.Now().UTC()
	var recs []record
	for _, q := range reqs {
		keys := q.keys
		recs = append(recs, record{Kind: recAdmit, Device: q.Device, Keys: &keys, Name: q.Name, At: now})
	}
	if _, err := r.writeRecords(ctx, recs); err != nil {
		return nil, err
	}
	if err := r.shareKeys(ctx); err != nil {
		return nil, err
	}
	out := make([]Device, len(reqs))
	for i, q := range reqs {
		out[i] = Device{ID: q.Device, Name: q.Name, Fingerprint: q.Fingerprint, Status: StatusMember}
	}
	return out, nil
}

// findRequest finds the join request whose fingerprint or name is who.
// Every request in the folder is looked at, not only the newest.
func (r *round) findRequest(who string) (Request, error) {
	entries, err := r.sh.readDir("requests")
	if err != nil {
		return Request{}, err
	}
	fp := seal.NormalFingerprint(who)
	var byName []Request
	for _, e := range entries {
		dev, ok := strings.CutSuffix(e.Name(), ".request")
		if !ok || !deviceName.MatchString(dev) || r.team.admitted[dev] {
			continue
		}
		q, err := r.readRequest(dev)
		if err != nil {
			continue
		}
		nf := seal.NormalFingerprint(q.Fingerprint)
		if len(fp) >= 8 && strings.HasPrefix(nf, fp) || dev == who {
			return q, nil
		}
		if q.Name != "" && strings.EqualFold(q.Name, strings.TrimSpace(who)) {
			byName = append(byName, q)
		}
	}
	switch len(byName) {
	case 0:
		return Request{}, fmt.Errorf("%w: no laptop asks to join as %q", ErrNoSuchDevice, who)
	case 1:
		return byName[0], nil
	}
	return Request{}, fmt.Errorf("%w (%q: %d laptops)", ErrAmbiguous, who, len(byName))
}

// Refuse turns a join request down: it is not listed again. The laptop
// can still be admitted later by its fingerprint.
func (e *Engine) Refuse(ctx context.Context, st Store, opt Options, who string) (Device, error) {
	opt = opt.withDefaults()
	e.mu.Lock()
	defer e.mu.Unlock()
	r, err := open(ctx, st, opt)
	if err != nil {
		return Device{}, err
	}
	defer r.sh.Close()
	if !r.team.member(r.me) {
		return Device{}, ErrNotMember
	}
	q, err := r.findRequest(who)
	if err != nil {
		return Device{}, err
	}
	if _, err := r.writeRecords(ctx, []record{{Kind: recRefuse, Device: q.Device, At: r.opt.Now().UTC()}}); err != nil {
		return Device{}, err
	}
	return Device{ID: q.Device, Name: q.Name, Fingerprint: q.Fingerprint, Status: StatusPending}, nil
}

// Remove removes a member: its batches up to the newest this laptop has
// applied stay, anything it signs later is never applied, and the team
// key is replaced by a new one that the removed laptop never gets.
func (e *Engine) Remove(ctx context.Context, st Store, opt Options, who string) (Device, error) {
	opt = opt.withDefaults()
	e.mu.Lock()
	defer e.mu.Unlock()
	r, err := open(ctx, st, opt)
	if err != nil {
		return Device{}, err
	}
	defer r.sh.Close()
	if !r.team.member(r.me) {
		return Device{}, ErrNotMember
	}
	t, err := r.listing(ctx)
	if err != nil {
		return Device{}, err
	}
	var match []Device
	fp := seal.NormalFingerprint(who)
	for _, d := range t.Devices {
		if d.Status != StatusMember {
			continue
		}
		if d.ID == who || strings.EqualFold(d.Name, strings.TrimSpace(who)) || (len(fp) >= 8 && strings.HasPrefix(seal.NormalFingerprint(d.Fingerprint), fp)) {
			match = append(match, d)
		}
	}
	switch {
	case len(match) == 0:
		return Device{}, fmt.Errorf("%w: no member %q", ErrNoSuchDevice, who)
	case len(match) > 1:
		return Device{}, fmt.Errorf("%w (%q: %d laptops)", ErrAmbiguous, who, len(match))
	case match[0].Me:
		return Device{}, errors.New("a laptop cannot remove itself; ask another member")
	}
	d := match[0]
	applied, err := r.st.Applied(ctx)
	if err != nil {
		return Device{}, err
	}
	var last int64
	for seq := range applied[d.ID] {
		last = max(last, seq)
	}
	hash, err := r.st.BatchHash(ctx, d.ID, last)
	if err != nil {
		return Device{}, err
	}
	epoch := 0
	for _, k := range r.state.Keys {
		epoch = max(epoch, k.Epoch+1)
	}
	k, err := seal.NewKey(epoch)
	if err != nil {
		return Device{}, err
	}
	r.state.addKey(k)
	now := r.opt.Now().UTC()
	recs := []record{
		{Kind: recRemove, Device: d.ID, Last: last, Hash: hash, At: now},
		{Kind: recKey, Key: k.ID, Epoch: k.Epoch, Check: k.Check(), At: now},
	}
	if _, err := r.writeRecords(ctx, recs); err != nil {
		return Device{}, err
	}
	if err := r.shareKeys(ctx); err != nil {
		return Device{}, err
	}
	d.Status = StatusRemoved
	return d, nil
}
