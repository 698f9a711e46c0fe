package handbook

import (
	"cmp"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Approvers' keys. A release names its approver, and the approver signs
// it with a key of their own (Ed25519, kept on their laptop behind their
// passphrase). Which key is whose is said by signed records that sync
// like any other: the first key of a handbook admits itself, every later
// one is admitted by a person whose key is admitted already, after
// comparing its fingerprint with its holder, the way laptops join a
// shared folder. Any admitted approver may revoke a key, a holder their
// own.
//
// What a record claims is never trusted by itself: a record that does not
// verify gives no one the right to release; it can at most be shown as
// damaged.

// EntityApproverKey names the records of approvers' keys.
const EntityApproverKey Entity = "approver_key"

// KeyAction is what an approver key record does.
type KeyAction string

// The actions of approver key records.
const (
	// KeyRequest: a person made a key on their laptop and asks for it to
	// be admitted; signed by the key itself.
	KeyRequest KeyAction = "request"
	// KeyAdmit: an admitted approver admits the key for its holder (or,
	// for the handbook's first key, the key admits itself).
	KeyAdmit KeyAction = "admit"
	// KeyRevoke: the key releases nothing from At on.
	KeyRevoke KeyAction = "revoke"
)

// ApproverKey is one signed step in the life of an approver's key:
// requested, admitted, revoked. Written once, never edited.
type ApproverKey struct {
	Record
	Action KeyAction `json:"action"`
	// Key is the Ed25519 public key, base64.
	Key string `json:"key"`
	// Contact is the person holding it; Name their name then.
	Contact string `json:"contact"`
	Name    string `json:"name"`
	// RoleName is the approver role they held then.
	RoleName string    `json:"role_name,omitempty"`
	At       time.Time `json:"at"`
	// Signer is the public key that signed the record (Key for a request
	// and for the first key); SignerName its holder's name.
	Signer     string `json:"signer"`
	SignerName string `json:"signer_name,omitempty"`
	Signature  string `json:"signature"`
	Device     string `json:"device,omitempty"`
	// Vouches, on the handbook's first key, lists the releases made
	// before approvers had keys that it confirms ("id/hash"): they count
	// unsigned. On a revocation it lists what the revoked key signed that
	// stays in force: its releases ("id/hash") and admissions (record ID)
	// known to the revoker. Anything else the key signed never counts,
	// whatever date it claims (see ApproverKeys).
	Vouches []string `json:"vouches,omitempty"`
}

// Entity and Label of a key record.
func (ApproverKey) Entity() Entity  { return EntityApproverKey }
func (k ApproverKey) Label() string { return k.Name + " " + string(k.Action) }

var _ Item = (*ApproverKey)(nil)

// Validate checks what every key record needs; whether it verifies is
// decided by ApproverKeys.
func (k ApproverKey) Validate() error {
	switch {
	case k.Action != KeyRequest && k.Action != KeyAdmit && k.Action != KeyRevoke:
		return fmt.Errorf("action: %q is not an action of an approver key", k.Action)
	case k.Key == "" || k.Signer == "" || k.Signature == "":
		return errors.New("key: name the key, its signer and the signature")
	case k.At.IsZero():
		return errors.New("at: say when")
	}
	return nil
}

// statement encodes the parts of what is signed unambiguously: as a JSON
// array of strings, after a text naming what it is.
func statement(what string, parts ...string) []byte {
	data, _ := json.Marshal(parts) // strings always encode
	return append([]byte(what+"\n"), data...)
}

func timeText(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Statement is what the signer of a key record signs, in the handbook
// with that ID.
func (k ApproverKey) Statement(handbookID string) []byte {
	return statement("ernstfall approver key v1", handbookID, k.ID, string(k.Action), k.Key, k.Contact, k.RoleName,
		timeText(k.At), k.Signer, strings.Join(k.Vouches, ","))
}

// Statement is what the approver signs when releasing, in the handbook
// with that ID: the document, the version, what it supersedes, who, when,
// the note and the hash of what it says.
func (r Release) Statement(handbookID string) []byte {
	sup := slices.Clone(r.Supersedes)
	slices.Sort(sup)
	note := sha256.Sum256([]byte(r.Note))
	return statement("ernstfall release v1", handbookID, r.ID, string(r.DocKind), r.DocID,
		strconv.Itoa(r.Major), strconv.Itoa(r.Minor), strings.Join(sup, ","), r.ApproverContact, r.ApproverRole,
		timeText(r.ReleasedAt), base64.StdEncoding.EncodeToString(note[:]), r.Hash, strconv.FormatBool(r.Withdrawal), r.Signer)
}

// Signed reports whether the release carries an approver's signature.
func (r Release) Signed() bool { return r.Signer != "" || r.Signature != "" }

// Verify checks a signature of msg by the base64 public key pub.
func Verify(pub, sig string, msg []byte) bool {
	k, err := base64.StdEncoding.DecodeString(pub)
	if err != nil || len(k) != ed25519.PublicKeySize {
		return false
	}
	s, err := base64.StdEncoding.DecodeString(sig)
	if err != nil || len(s) != ed25519.SignatureSize {
		return false
	}
	return ed25519.Verify(ed25519.PublicKey(k), msg, s)
}

// Sign signs msg with priv and returns the signature in base64.
func Sign(priv ed25519.PrivateKey, msg []byte) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(priv, msg))
}

// PublicText writes a public key as records carry it.
func PublicText(pub ed25519.PublicKey) string { return base64.StdEncoding.EncodeToString(pub) }

// KeyFingerprint is what two people compare before one admits the
// other's key: 16 characters of its SHA-256 in four groups.
func KeyFingerprint(pub string) string {
	sum := sha256.Sum256([]byte("ernstfall approver key\n" + pub))
	s := base32.StdEncoding.EncodeToString(sum[:10])
	return s[0:4] + " " + s[4:8] + " " + s[8:12] + " " + s[12:16]
}

// NormalKeyFingerprint folds what a person typed: no spaces, upper case.
func NormalKeyFingerprint(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// KeyState is what the records say of one approver's key.
type KeyState struct {
	Key, Contact, Name, RoleName string
	Requested                    time.Time
	// Admitted is when it was admitted (zero: not, or not validly);
	// AdmittedBy names who admitted it; First marks the handbook's first
	// key, which admitted itself.
	Admitted   time.Time
	AdmittedBy string
	First      bool
	// Revoked is when it was revoked (zero: not); RevokedBy who did.
	Revoked   time.Time
	RevokedBy string
	Device    string
	// keeps are the lists of what stays in force of the revocations that
	// count, one per revocation.
	keeps []map[string]bool
}

// Kept reports whether something the key signed (a release as VouchFor
// names it, or an admission's record ID) stays in force: the key was
// never revoked, or every revocation of it lists it. A revocation is
// final, and a revoked key's holder cannot add to it by dating a
// signature before it.
func (k KeyState) Kept(what string) bool {
	for _, m := range k.keeps {
		if !m[what] {
			return false
		}
	}
	return true
}

// ValidAt reports whether the key could release at t.
func (k KeyState) ValidAt(t time.Time) bool {
	return !k.Admitted.IsZero() && !t.Before(k.Admitted) && (k.Revoked.IsZero() || t.Before(k.Revoked))
}

// Fingerprint is the key's fingerprint.
func (k KeyState) Fingerprint() string { return KeyFingerprint(k.Key) }

// KeyProblem is a key record that gives nothing: its signature does not
// verify, its signer was not an admitted approver then, or it is a second
// first key.
type KeyProblem struct {
	Record ApproverKey
	Reason string
}

// Keys is what every key record of a handbook says, decided alike on
// every laptop that knows the same records and trusts the same first key.
type Keys struct {
	// ByKey are the keys by their public key.
	ByKey map[string]*KeyState
	// First is the first key the decision rests on ("" when there is
	// none).
	First string
	// Firsts lists every key that claims to be the first: more than one
	// is a warning (two laptops set up the first key at the same time,
	// or someone tries to take over).
	Firsts   []string
	Problems []KeyProblem
	// Vouched are the releases the first key confirmed when it was set
	// up: "id/hash".
	Vouched map[string]bool
	// Admissions lists, by the key that signed them, the IDs of the
	// admissions that count.
	Admissions map[string][]string
}

// Ambiguous reports that several keys claim to be the first and this
// laptop has not chosen which to trust.
func (ks Keys) Ambiguous() bool { return ks.First == "" && len(ks.Firsts) > 1 }

// VouchFor names a release as a first key's Vouches list it.
func VouchFor(r Release) string { return r.ID + "/" + r.Hash }

// Reasons a key record gives nothing.
const (
	KeyBadSignature = "the signature does not verify"
	KeyNotApprover  = "its signer held no admitted approver key then"
	KeySecondFirst  = "another key is this handbook's first approver key"
	KeyNoRequest    = "no request of that key is known"
	KeyNotKept      = "signed with a key revoked since, and not among what its revocation kept in force"
	KeyRevokedFinal = "the key was revoked: a revoked key is not admitted again"
)

// ApproverKeys decides the approver keys from their records (deleted ones
// included: a record's deletion takes nothing back). first is the first
// key this laptop trusts (pinned when it first saw one); "" trusts the
// earliest first key that verifies.
//
// A revoked key's admissions count only when every revocation of it lists
// them; an admission dropped for that can end the standing of a key it
// admitted, and so of that key's revocations: the decision is repeated,
// dropping more, until nothing changes. The set dropped only grows, so it
// ends, and it depends only on the records.
func ApproverKeys(records []ApproverKey, handbookID, first string) Keys {
	dropped := map[string]bool{}
	for {
		out := approverKeys(records, handbookID, first, dropped)
		more := false
		for _, r := range records {
			k := out.ByKey[r.Signer]
			if r.Action == KeyAdmit && !dropped[r.ID] && k != nil && !k.Kept(r.ID) &&
				Verify(r.Signer, r.Signature, r.Statement(handbookID)) {
				dropped[r.ID], more = true, true
			}
		}
		if !more {
			return out
		}
	}
}

func approverKeys(records []ApproverKey, handbookID, first string, dropped map[string]bool) Keys {
	out := Keys{ByKey: map[string]*KeyState{}, Admissions: map[string][]string{}}
	recs := slices.Clone(records)
	slices.SortFunc(recs, func(a, b ApproverKey) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.ID, b.ID))
	})
	state := func(r ApproverKey) *KeyState {
		k := out.ByKey[r.Key]
		if k == nil {
			k = &KeyState{Key: r.Key, Contact: r.Contact, Name: r.Name, RoleName: r.RoleName, Device: r.Device}
			out.ByKey[r.Key] = k
		}
		return k
	}
	valid := make([]bool, len(recs))
	for i, r := range recs {
		valid[i] = Verify(r.Signer, r.Signature, r.Statement(handbookID))
		if !valid[i] {
			out.Problems = append(out.Problems, KeyProblem{r, KeyBadSignature})
			continue
		}
		if r.Action == KeyAdmit && r.Signer == r.Key && !slices.Contains(out.Firsts, r.Key) {
			out.Firsts = append(out.Firsts, r.Key)
		}
	}
	// Without a key pinned, a single first key is trusted; of several,
	// none until a person chooses by comparing fingerprints: the earliest
	// claim would be the one easiest to forge (a date in the past).
	out.First = first
	if out.First == "" && len(out.Firsts) == 1 {
		out.First = out.Firsts[0]
	}
	out.Vouched = map[string]bool{}
	for i, r := range recs {
		if !valid[i] {
			continue
		}
		signer := out.ByKey[r.Signer]
		byApprover := signer != nil && signer.ValidAt(r.At)
		switch r.Action {
		case KeyRequest:
			if r.Signer != r.Key {
				out.Problems = append(out.Problems, KeyProblem{r, KeyBadSignature})
				continue
			}
			if k := state(r); k.Requested.IsZero() {
				k.Requested = r.At
			}
		case KeyAdmit:
			switch {
			case dropped[r.ID]:
				out.Problems = append(out.Problems, KeyProblem{r, KeyNotKept})
				continue
			case out.ByKey[r.Key] != nil && !out.ByKey[r.Key].Revoked.IsZero():
				out.Problems = append(out.Problems, KeyProblem{r, KeyRevokedFinal})
				continue
			case r.Signer == r.Key && r.Key != out.First:
				out.Problems = append(out.Problems, KeyProblem{r, KeySecondFirst})
				continue
			case r.Signer != r.Key && !byApprover:
				out.Problems = append(out.Problems, KeyProblem{r, KeyNotApprover})
				continue
			}
			k := state(r)
			if !k.Admitted.IsZero() {
				continue
			}
			if r.Signer == r.Key {
				for _, v := range r.Vouches {
					out.Vouched[v] = true
				}
			}
			// A key admitted (again) is bound to the person and role the
			// admission names.
			k.Contact, k.Name, k.RoleName = r.Contact, r.Name, r.RoleName
			k.Admitted = r.At
			k.First = r.Signer == r.Key
			k.AdmittedBy = r.SignerName
			out.Admissions[r.Signer] = append(out.Admissions[r.Signer], r.ID)
		case KeyRevoke:
			k := out.ByKey[r.Key]
			if k == nil || !(byApprover || r.Signer == r.Key) {
				out.Problems = append(out.Problems, KeyProblem{r, KeyNotApprover})
				continue
			}
			if k.Revoked.IsZero() || r.At.Before(k.Revoked) {
				k.Revoked, k.RevokedBy = r.At, r.SignerName
			}
			keep := map[string]bool{}
			for _, v := range r.Vouches {
				keep[v] = true
			}
			k.keeps = append(k.keeps, keep)
		}
	}
	return out
}

// CheckReleaseSignature checks that a release is signed by the key of its
// approver, valid when it was released. nil when it is.
func (ks Keys) CheckReleaseSignature(r Release, handbookID string) error {
	if !r.Signed() {
		return errors.New(ReleaseUnsigned)
	}
	k := ks.ByKey[r.Signer]
	switch {
	case !Verify(r.Signer, r.Signature, r.Statement(handbookID)):
		return errors.New(ReleaseBadSignature)
	case k == nil || k.Admitted.IsZero() || !k.ValidAt(r.ReleasedAt):
		return errors.New(ReleaseKeyNotValid)
	case k.Contact != r.ApproverContact:
		return errors.New(ReleaseKeyOfOther)
	case !k.Kept(VouchFor(r)):
		return errors.New(ReleaseNotKept)
	}
	return nil
}

// Reasons a release is not in force, as the check on arrival names them
// (English texts, catalog keys).
const (
	ReleaseUnsigned     = "not signed with an approver's key"
	ReleaseBadSignature = "the approver's signature does not verify: the release was changed after it was signed, or forged"
	ReleaseKeyNotValid  = "the key that signed it was not an admitted approver key at the time of the release"
	ReleaseKeyOfOther   = "signed with the key of another person than the approver it names"
	ReleaseNotKept      = "signed with a key that was revoked, and not among the releases its revocation kept in force"
	ReleaseNoRole       = "the approver it names held no approver role at the time of the release"
	ReleaseBadContent   = "the text it releases does not match its hash"
	ReleaseNoRevision   = "the text it releases was never a version of the document on this laptop (if another laptop's changes are still on the way, it counts once they arrive)"
	ReleaseLaterThan    = "it claims to be older than a release it replaces"
	ReleaseTwoFirstKeys = "two keys claim to be this handbook's first approver key: choose the one to trust (Approver keys) before releases count"
)
