package ops

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/scrypt"

	"ernstfall/internal/handbook"
	"ernstfall/internal/store"
)

// Approvers' keys (see handbook.ApproverKey): each approver releases with
// a key of their own, made on their laptop and kept there, sealed with a
// passphrase only they know. The private key never leaves the laptop and
// never syncs; the records saying which key is whose do.
//
// The passphrase seals the key the way age's scrypt recipient does:
// scrypt (N=2^15, r=8, p=1) derives a 256-bit key from it and a random
// salt, and XChaCha20-Poly1305 (golang.org/x/crypto) encrypts the Ed25519
// seed with the public key as additional data.

// Refusals around approvers' keys.
const (
	CodeNoApproverKey      Code = "{{.Name}} has no approver key on this laptop. A release is signed with the approver's own key, made on their laptop: set it up there (Document control → Approver keys → Set up my key, or 'ernstfall approver-key create')."
	CodeKeyNotAdmitted     Code = "The approver key of {{.Name}} (fingerprint {{.Fingerprint}}) is not admitted yet. Ask an approver who has an admitted key ({{.Approvers}}) to compare the fingerprint with you and admit it."
	CodeKeyRevoked         Code = "The approver key of {{.Name}} was revoked on {{.Date}} by {{.By}}. Set up a new key and have it admitted."
	CodeWrongPassphrase    Code = "The passphrase does not unlock the approver key of {{.Name}}."
	CodeNoPassphrase       Code = "Enter the passphrase of the approver key."
	CodeShortPassphrase    Code = "Choose a passphrase of at least {{.N}} characters: it is all that protects the key on this laptop."
	CodeKeyExists          Code = "{{.Name}} has an approver key on this laptop already (fingerprint {{.Fingerprint}})."
	CodeUnknownKey         Code = "No approver key has the fingerprint {{.Fingerprint}}."
	CodeKeyAdmittedAlready Code = "The approver key of {{.Name}} ({{.Fingerprint}}) is admitted already."
	CodeKeyOfNonApprover   Code = "{{.Name}} holds no approver role now: their key cannot be admitted. Make them a holder of an approver role first."
	CodeTwoFirstKeys       Code = "Two keys claim to be this handbook's first approver key. Compare their fingerprints with their holders and choose the one to trust first."
	CodeNotFirstKey        Code = "The key {{.Fingerprint}} does not claim to be this handbook's first approver key."
)

// MinPassphrase is the shortest passphrase of an approver key.
const MinPassphrase = 10

// Meta keys of this laptop's approver keys and of the first key it trusts.
const (
	metaApproverKeys = "approver_keys"
	metaFirstKey     = "approver_first_key"
)

// localKey is an approver key kept on this laptop.
type localKey struct {
	Public  string `json:"public"`
	Contact string `json:"contact"`
	Name    string `json:"name"`
	Salt    string `json:"salt"`
	Nonce   string `json:"nonce"`
	Sealed  string `json:"sealed"`
}

func passKey(pass string, salt []byte) ([]byte, error) {
	return scrypt.Key([]byte(pass), salt, 1<<15, 8, 1, chacha20poly1305.KeySize)
}

// sealKey seals a new key's seed with the passphrase.
func sealKey(priv ed25519.PrivateKey, pass string) (localKey, error) {
	pub := handbook.PublicText(priv.Public().(ed25519.PublicKey))
	salt := make([]byte, 16)
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := rand.Read(salt); err != nil {
		return localKey{}, err
	}
	if _, err := rand.Read(nonce); err != nil {
		return localKey{}, err
	}
	k, err := passKey(pass, salt)
	if err != nil {
		return localKey{}, err
	}
	aead, err := chacha20poly1305.NewX(k)
	if err != nil {
		return localKey{}, err
	}
	b64 := base64.StdEncoding.EncodeToString
	return localKey{Public: pub, Salt: b64(salt), Nonce: b64(nonce),
		Sealed: b64(aead.Seal(nil, nonce, priv.Seed(), []byte(pub)))}, nil
}

// errWrongPassphrase: the passphrase does not open the key.
var errWrongPassphrase = errors.New("wrong passphrase")

// open unseals the key with the passphrase.
func (lk localKey) open(pass string) (ed25519.PrivateKey, error) {
	dec := base64.StdEncoding.DecodeString
	salt, err1 := dec(lk.Salt)
	nonce, err2 := dec(lk.Nonce)
	sealed, err3 := dec(lk.Sealed)
	if err := errors.Join(err1, err2, err3); err != nil || len(nonce) != chacha20poly1305.NonceSizeX {
		return nil, fmt.Errorf("approver key of %s is damaged on this laptop", lk.Name)
	}
	k, err := passKey(pass, salt)
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.NewX(k)
	if err != nil {
		return nil, err
	}
	seed, err := aead.Open(nil, nonce, sealed, []byte(lk.Public))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errWrongPassphrase
	}
	priv := ed25519.NewKeyFromSeed(seed)
	if handbook.PublicText(priv.Public().(ed25519.PublicKey)) != lk.Public {
		return nil, errWrongPassphrase
	}
	return priv, nil
}

func (o *Ops) localKeys(ctx context.Context) ([]localKey, error) {
	v, err := o.st.Meta(ctx, metaApproverKeys)
	if err != nil || v == "" {
		return nil, err
	}
	var out []localKey
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		return nil, fmt.Errorf("read the approver keys of this laptop: %w", err)
	}
	return out, nil
}

func (o *Ops) saveLocalKeys(ctx context.Context, keys []localKey) error {
	data, err := json.Marshal(keys)
	if err != nil {
		return err
	}
	return o.st.SetMeta(ctx, metaApproverKeys, string(data))
}

// keysNow decides the approver keys from every key record (tombstones
// included), trusting the first key this laptop pinned.
func (o *Ops) keysNow(ctx context.Context) (handbook.Keys, string, error) {
	hbID, err := o.st.HandbookID(ctx)
	if err != nil {
		return handbook.Keys{}, "", err
	}
	recs, err := o.keyRecords(ctx, hbID)
	if err != nil {
		return handbook.Keys{}, "", err
	}
	first, err := o.st.Meta(ctx, metaFirstKey)
	if err != nil {
		return handbook.Keys{}, "", err
	}
	ks := handbook.ApproverKeys(recs, hbID, first)
	if first == "" && ks.First != "" && !o.st.ReadOnly() {
		// The first key seen is pinned: a second one claiming to be first
		// later (forged with an earlier date) changes nothing here.
		if err := o.st.SetMeta(ctx, metaFirstKey, ks.First); err != nil {
			return ks, hbID, err
		}
	}
	return ks, hbID, nil
}

// keyRecords are every approver key record, deleted ones included, and
// besides each record as it is now, every form a save wrote it in that
// verifies. Key records are written once and never edited: a laptop that
// overwrites a field (garbling a revocation so that it no longer
// verifies) cannot take back what the signed form said, which every
// laptop keeps in its changes.
func (o *Ops) keyRecords(ctx context.Context, hbID string) ([]handbook.ApproverKey, error) {
	hb, err := o.st.LoadEntity(ctx, handbook.EntityApproverKey)
	if err != nil {
		return nil, err
	}
	saved, err := o.st.SavedForms(ctx, handbook.EntityApproverKey)
	if err != nil {
		return nil, err
	}
	out := hb.ApproverKeys
	seen := map[string]bool{}
	for _, r := range out {
		seen[r.ID+" "+r.Signature] = true
	}
	for _, r := range saved.ApproverKeys {
		if !seen[r.ID+" "+r.Signature] && handbook.Verify(r.Signer, r.Signature, r.Statement(hbID)) {
			seen[r.ID+" "+r.Signature] = true
			out = append(out, r)
		}
	}
	return out, nil
}

// TrustFirstKey chooses, on this laptop, which of several keys claiming
// to be the handbook's first approver key to trust, after a person
// compared its fingerprint with its holder. It pins it: a later claim
// changes nothing.
func (o *Ops) TrustFirstKey(ctx context.Context, fingerprint string) (handbook.KeyState, error) {
	ks, _, err := o.keysNow(ctx)
	if err != nil {
		return handbook.KeyState{}, err
	}
	for _, f := range ks.Firsts {
		if handbook.NormalKeyFingerprint(handbook.KeyFingerprint(f)) == handbook.NormalKeyFingerprint(fingerprint) {
			if err := o.st.SetMeta(ctx, metaFirstKey, f); err != nil {
				return handbook.KeyState{}, err
			}
			if _, err := o.CheckReleases(ctx, false); err != nil {
				return handbook.KeyState{}, err
			}
			ks, _, err = o.keysNow(ctx)
			if err != nil {
				return handbook.KeyState{}, err
			}
			return *ks.ByKey[f], nil
		}
	}
	return handbook.KeyState{}, fail(CodeNotFirstKey, "Fingerprint", quoteName(fingerprint))
}

// ApproverKeyView is what the window and the command line show of the
// approvers' keys.
type ApproverKeyView struct {
	Keys []handbook.KeyState
	// Local are the public keys kept on this laptop.
	Local    map[string]bool
	Problems []handbook.KeyProblem
	// Firsts lists the keys claiming to be the first: more than one is
	// a warning; First is the one this laptop trusts.
	Firsts []string
	First  string
}

// ApproverKeys lists the approvers' keys, those of this laptop marked.
func (o *Ops) ApproverKeys(ctx context.Context) (ApproverKeyView, error) {
	ks, _, err := o.keysNow(ctx)
	if err != nil {
		return ApproverKeyView{}, err
	}
	local, err := o.localKeys(ctx)
	if err != nil {
		return ApproverKeyView{}, err
	}
	v := ApproverKeyView{Local: map[string]bool{}, Problems: ks.Problems, Firsts: ks.Firsts, First: ks.First}
	for _, lk := range local {
		v.Local[lk.Public] = true
	}
	for _, k := range ks.ByKey {
		v.Keys = append(v.Keys, *k)
	}
	slices.SortFunc(v.Keys, func(a, b handbook.KeyState) int {
		return strings.Compare(a.Name+a.Key, b.Name+b.Key)
	})
	return v, nil
}

// CreateApproverKey asks to make an approver key for the person named.
type CreateApproverKey struct {
	// As names the person: a holder of an approver role.
	As         string
	Passphrase string
}

// ApproverKeyMade is a key made on this laptop: admitted at once when it
// is the handbook's first, else waiting for an approver to admit it.
type ApproverKeyMade struct {
	Key         handbook.KeyState
	Fingerprint string
	First       bool
}

// CreateApproverKey makes an approver key on this laptop for a holder of
// an approver role, sealed with their passphrase, and asks for it to be
// admitted. When no approver key is admitted in the handbook yet, it is
// the first key and admits itself; every later key waits for an approver
// whose key is admitted.
func (o *Ops) CreateApproverKey(ctx context.Context, req CreateApproverKey) (ApproverKeyMade, error) {
	var out ApproverKeyMade
	as := strings.Join(strings.Fields(req.As), " ")
	if as == "" {
		return out, fail(CodeNoApproverName)
	}
	if utf8.RuneCountInString(req.Passphrase) < MinPassphrase {
		return out, fail(CodeShortPassphrase, "N", MinPassphrase)
	}
	local, err := o.localKeys(ctx)
	if err != nil {
		return out, err
	}
	ks, hbID, err := o.keysNow(ctx)
	if err != nil {
		return out, err
	}
	err = o.st.Update(ctx, func(tx *store.Tx) error {
		hb, err := controlView(ctx, tx)
		if err != nil {
			return err
		}
		approver, ok := handbook.FindApprover(&hb, as)
		if !ok {
			return notApprover(&hb, as)
		}
		for _, lk := range local {
			if k := ks.ByKey[lk.Public]; lk.Contact == approver.Contact.ID && (k == nil || k.Revoked.IsZero()) {
				return fail(CodeKeyExists, "Name", approver.Contact.FullName(), "Fingerprint", handbook.KeyFingerprint(lk.Public))
			}
		}
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return err
		}
		lk, err := sealKey(priv, req.Passphrase)
		if err != nil {
			return err
		}
		lk.Contact, lk.Name = approver.Contact.ID, approver.Contact.FullName()
		if ks.Ambiguous() {
			return fail(CodeTwoFirstKeys)
		}
		out.First = ks.First == ""
		rec := handbook.ApproverKey{Record: handbook.Record{ID: handbook.NewID()}, Action: handbook.KeyRequest,
			Key: handbook.PublicText(pub), Contact: approver.Contact.ID, Name: approver.Contact.FullName(),
			RoleName: approver.Role.Name, At: o.now().UTC(), Signer: handbook.PublicText(pub),
			SignerName: approver.Contact.FullName(), Device: o.st.Device()}
		if out.First {
			// The first key confirms the releases made by name before.
			rec.Action = handbook.KeyAdmit
			for _, r := range hb.Releases {
				rec.Vouches = append(rec.Vouches, handbook.VouchFor(r))
			}
			slices.Sort(rec.Vouches)
		}
		if err := signKeyRecord(ctx, o, tx, &rec, priv, hbID); err != nil {
			return err
		}
		out.Fingerprint = handbook.KeyFingerprint(rec.Key)
		out.Key = handbook.KeyState{Key: rec.Key, Contact: rec.Contact, Name: rec.Name, RoleName: rec.RoleName, Requested: rec.At}
		if out.First {
			out.Key.Admitted, out.Key.First = rec.At, true
		}
		local = append(local, lk)
		return nil
	})
	if err != nil {
		return ApproverKeyMade{}, fmt.Errorf("make an approver key: %w", err)
	}
	// The key is kept once its record is written: a key without its record
	// would be one nobody can admit.
	if err := o.saveLocalKeys(ctx, local); err != nil {
		return ApproverKeyMade{}, err
	}
	if out.First {
		if err := o.st.SetMeta(ctx, metaFirstKey, out.Key.Key); err != nil {
			return out, err
		}
	}
	return out, nil
}

// signKeyRecord cleans, signs and writes a key record.
func signKeyRecord(ctx context.Context, o *Ops, tx *store.Tx, rec *handbook.ApproverKey, priv ed25519.PrivateKey, hbID string) error {
	handbook.Clean(rec)
	rec.Signature = handbook.Sign(priv, rec.Statement(hbID))
	return put(ctx, o, tx, rec)
}

// ChangeApproverKey asks to admit or revoke the key with a fingerprint,
// as an approver (As) whose key is on this laptop (Passphrase).
type ChangeApproverKey struct {
	Fingerprint string
	As          string
	Passphrase  string
}

// AdmitApproverKey admits a requested key, signed with the admitting
// approver's own key. Its holder must hold an approver role now.
func (o *Ops) AdmitApproverKey(ctx context.Context, req ChangeApproverKey) (handbook.KeyState, error) {
	return o.changeKey(ctx, req, handbook.KeyAdmit)
}

// RevokeApproverKey revokes a key from now on, signed with the revoking
// approver's own key (any admitted approver, or the key's holder). The
// revocation lists what the key signed that this laptop knows: those
// releases and admissions stay in force; nothing else the key signs
// counts, whatever date it claims. A revoked key is not admitted again.
func (o *Ops) RevokeApproverKey(ctx context.Context, req ChangeApproverKey) (handbook.KeyState, error) {
	return o.changeKey(ctx, req, handbook.KeyRevoke)
}

func (o *Ops) changeKey(ctx context.Context, req ChangeApproverKey, action handbook.KeyAction) (handbook.KeyState, error) {
	ks, hbID, err := o.keysNow(ctx)
	if err != nil {
		return handbook.KeyState{}, err
	}
	want := handbook.NormalKeyFingerprint(req.Fingerprint)
	var subject *handbook.KeyState
	for _, k := range ks.ByKey {
		if want != "" && handbook.NormalKeyFingerprint(k.Fingerprint()) == want {
			subject = k
		}
	}
	if subject == nil {
		return handbook.KeyState{}, fail(CodeUnknownKey, "Fingerprint", quoteName(req.Fingerprint))
	}
	now := o.now().UTC()
	var out handbook.KeyState
	err = o.st.Update(ctx, func(tx *store.Tx) error {
		hb, err := controlView(ctx, tx)
		if err != nil {
			return err
		}
		signer, priv, err := o.unlock(ctx, &hb, ks, req.As, req.Passphrase, now)
		// The holder of a key may revoke it even when it no longer counts.
		if action == handbook.KeyRevoke && err != nil && subject.Contact == signer.Contact.ID {
			var lk localKey
			if lk, err = o.localKeyOf(ctx, subject.Key); err == nil {
				priv, err = lk.open(req.Passphrase)
				if errors.Is(err, errWrongPassphrase) {
					err = fail(CodeWrongPassphrase, "Name", subject.Name)
				}
			}
		}
		if err != nil {
			return err
		}
		rec := handbook.ApproverKey{Record: handbook.Record{ID: handbook.NewID()}, Action: action, Key: subject.Key,
			Contact: subject.Contact, Name: subject.Name, RoleName: subject.RoleName, At: now,
			Signer: handbook.PublicText(priv.Public().(ed25519.PublicKey)), SignerName: signer.Contact.FullName(), Device: o.st.Device()}
		if action == handbook.KeyRevoke {
			// What the key signed and this laptop knows stays in force;
			// anything else it signs, whatever date it claims, never counts.
			if rec.Vouches, err = o.keptOf(ctx, ks, subject.Key, hbID); err != nil {
				return err
			}
		}
		if action == handbook.KeyAdmit {
			if !subject.Revoked.IsZero() {
				return fail(CodeKeyRevoked, "Name", subject.Name, "Date", subject.Revoked, "By", subject.RevokedBy)
			}
			if subject.ValidAt(now) {
				return fail(CodeKeyAdmittedAlready, "Name", subject.Name, "Fingerprint", subject.Fingerprint())
			}
			holder, ok := approverByContact(&hb, subject.Contact)
			if !ok {
				return fail(CodeKeyOfNonApprover, "Name", subject.Name)
			}
			rec.Name, rec.RoleName = holder.Contact.FullName(), holder.Role.Name
		}
		out = *subject
		return signKeyRecord(ctx, o, tx, &rec, priv, hbID)
	})
	if err != nil {
		return handbook.KeyState{}, fmt.Errorf("%s approver key %s: %w", action, req.Fingerprint, err)
	}
	ks, _, err = o.keysNow(ctx)
	if err != nil {
		return out, err
	}
	if k := ks.ByKey[out.Key]; k != nil {
		out = *k
	}
	return out, nil
}

// keptOf lists what a key signed that this laptop knows and takes as
// signed by it while it was valid: its releases (held back for other
// reasons included: they are checked as ever) and the admissions it signed
// that count.
func (o *Ops) keptOf(ctx context.Context, ks handbook.Keys, key, hbID string) ([]string, error) {
	all, err := o.st.AllReleases(ctx)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(ks.Admissions[key])
	for _, cr := range all {
		if cr.Release.Signer == key && ks.CheckReleaseSignature(cr.Release, hbID) == nil {
			out = append(out, handbook.VouchFor(cr.Release))
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func (o *Ops) localKeyOf(ctx context.Context, pub string) (localKey, error) {
	local, err := o.localKeys(ctx)
	if err != nil {
		return localKey{}, err
	}
	for _, lk := range local {
		if lk.Public == pub {
			return lk, nil
		}
	}
	return localKey{}, errors.New("not on this laptop")
}

func approverByContact(hb *handbook.Handbook, contact string) (handbook.Approver, bool) {
	for _, a := range handbook.Approvers(hb) {
		if a.Contact.ID == contact {
			return a, true
		}
	}
	return handbook.Approver{}, false
}

// unlock finds the approver a name names, their key on this laptop that
// is admitted and valid at now, and opens it with the passphrase. Each
// refusal says what to do.
func (o *Ops) unlock(ctx context.Context, hb *handbook.Handbook, ks handbook.Keys, as, pass string, now time.Time) (handbook.Approver, ed25519.PrivateKey, error) {
	as = strings.Join(strings.Fields(as), " ")
	if as == "" {
		return handbook.Approver{}, nil, fail(CodeNoApproverName)
	}
	approver, ok := handbook.FindApprover(hb, as)
	if !ok {
		return handbook.Approver{}, nil, notApprover(hb, as)
	}
	local, err := o.localKeys(ctx)
	if err != nil {
		return approver, nil, err
	}
	name := approver.Contact.FullName()
	var mine []localKey
	for _, lk := range local {
		if lk.Contact == approver.Contact.ID {
			mine = append(mine, lk)
		}
	}
	if len(mine) == 0 {
		return approver, nil, fail(CodeNoApproverKey, "Name", name)
	}
	var use *localKey
	var refusal error
	for i, lk := range mine {
		k := ks.ByKey[lk.Public]
		switch {
		case k != nil && k.ValidAt(now) && k.Contact == approver.Contact.ID:
			use = &mine[i]
		case k != nil && !k.Revoked.IsZero():
			refusal = fail(CodeKeyRevoked, "Name", name, "Date", k.Revoked, "By", k.RevokedBy)
		case refusal == nil:
			refusal = fail(CodeKeyNotAdmitted, "Name", name, "Fingerprint", handbook.KeyFingerprint(lk.Public),
				"Approvers", admittedNames(ks, now))
		}
	}
	if use == nil {
		return approver, nil, refusal
	}
	if pass == "" {
		return approver, nil, fail(CodeNoPassphrase)
	}
	priv, err := use.open(pass)
	if errors.Is(err, errWrongPassphrase) {
		return approver, nil, fail(CodeWrongPassphrase, "Name", name)
	}
	return approver, priv, err
}

// admittedNames lists the holders of keys valid at now.
func admittedNames(ks handbook.Keys, now time.Time) string {
	var names []string
	for _, k := range ks.ByKey {
		if k.ValidAt(now) && !slices.Contains(names, k.Name) {
			names = append(names, k.Name)
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return "—"
	}
	return strings.Join(names, ", ")
}

// HasApproverKey reports whether the person named has an approver key on
// this laptop that can release now, and if not, the refusal a release
// would meet (nil when they can).
func (o *Ops) HasApproverKey(ctx context.Context, name string) error {
	hb, err := o.st.Load(ctx)
	if err != nil {
		return err
	}
	live := hb.Live()
	ks, _, err := o.keysNow(ctx)
	if err != nil {
		return err
	}
	_, _, err = o.unlock(ctx, &live, ks, name, "", o.now().UTC())
	if oe, ok := AsError(err); ok && oe.Code == CodeNoPassphrase {
		return nil
	}
	return err
}
