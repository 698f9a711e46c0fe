// Package seal signs and encrypts the files Ernstfall leaves in a shared
// folder, and wraps the team's keys for each laptop. It composes standard
// parts only: Ed25519 signatures (crypto/ed25519), XChaCha20-Poly1305
// (golang.org/x/crypto/chacha20poly1305) for file contents, and HPKE with
// X25519 (crypto/hpke, RFC 9180) for keys and short secrets sent to one
// laptop or to the team.
//
// A sealed file is
//
//	magic "EFSEAL2\n"
//	header length (4 bytes, big endian) and header (JSON, plaintext)
//	nonce (24 bytes)
//	ciphertext of the contents, with magic, length and header as
//	additional data
//	Ed25519ph signature (64 bytes, RFC 8032, with a context string) over
//	everything before it
//
// The header names what the file is (kind, handbook, device, number, the
// key it is encrypted with, the hash of the device's previous file) and
// nothing of the handbook itself.
package seal

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/hpke"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// Errors of reading a sealed file, checked with errors.Is.
var (
	// ErrMalformed: not a sealed file, or cut short.
	ErrMalformed = errors.New("not a sealed Ernstfall file (damaged or cut short)")
	// ErrSignature: the signature does not match the claimed author.
	ErrSignature = errors.New("signature does not match")
	// ErrDecrypt: the contents do not decrypt with the key (wrong key or
	// altered).
	ErrDecrypt = errors.New("contents do not decrypt")
)

const (
	magic     = "EFSEAL2\n"
	maxHeader = 4 << 10
	sigCtx    = "ernstfall sealed file v2"
)

// Identity is one laptop's private keys: Ed25519 to sign what it writes,
// X25519 to receive the team's keys.
type Identity struct {
	Sign ed25519.PrivateKey
	Box  *ecdh.PrivateKey
}

// Public is what others know of a laptop.
type Public struct {
	Sign ed25519.PublicKey `json:"sign"`
	Box  []byte            `json:"box"`
}

// NewIdentity makes fresh keys.
func NewIdentity() (Identity, error) {
	_, sk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return Identity{}, err
	}
	box, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return Identity{}, err
	}
	return Identity{Sign: sk, Box: box}, nil
}

// Public returns the public halves.
func (id Identity) Public() Public {
	return Public{Sign: id.Sign.Public().(ed25519.PublicKey), Box: id.Box.PublicKey().Bytes()}
}

// storedIdentity is the form an identity is kept in its database.
type storedIdentity struct {
	Sign []byte `json:"sign_seed"`
	Box  []byte `json:"box"`
}

// Marshal encodes the identity for its database.
func (id Identity) Marshal() string {
	data, _ := json.Marshal(storedIdentity{Sign: id.Sign.Seed(), Box: id.Box.Bytes()})
	return string(data)
}

// ParseIdentity decodes what Marshal wrote.
func ParseIdentity(s string) (Identity, error) {
	var st storedIdentity
	if err := json.Unmarshal([]byte(s), &st); err != nil || len(st.Sign) != ed25519.SeedSize {
		return Identity{}, errors.New("stored laptop keys are unreadable")
	}
	box, err := ecdh.X25519().NewPrivateKey(st.Box)
	if err != nil {
		return Identity{}, fmt.Errorf("stored laptop keys are unreadable: %w", err)
	}
	return Identity{Sign: ed25519.NewKeyFromSeed(st.Sign), Box: box}, nil
}

// Valid reports whether the public keys have the right form.
func (p Public) Valid() bool {
	if len(p.Sign) != ed25519.PublicKeySize {
		return false
	}
	_, err := ecdh.X25519().NewPublicKey(p.Box)
	return err == nil
}

// Fingerprint is what two people compare by phone before one admits the
// other's laptop: 96 bits of a hash of its device ID and public keys, as
// six groups of four hex digits ("A4F2-19C0-7B3E-5D21-88AF-0C42").
func Fingerprint(device string, p Public) string {
	h := sha256.New()
	h.Write([]byte("ernstfall fingerprint v2\x00" + device + "\x00"))
	h.Write(p.Sign)
	h.Write(p.Box)
	sum := strings.ToUpper(hex.EncodeToString(h.Sum(nil)[:12]))
	var groups []string
	for i := 0; i < len(sum); i += 4 {
		groups = append(groups, sum[i:i+4])
	}
	return strings.Join(groups, "-")
}

// NormalFingerprint folds what a person typed (spaces, lower case, no
// dashes) into the form Fingerprint writes, for comparing.
func NormalFingerprint(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= '0' && r <= '9') || (r >= 'A' && r <= 'F') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Key is one of the team's keys for file contents.
type Key struct {
	ID     string `json:"id"`
	Epoch  int    `json:"epoch"`
	Secret []byte `json:"secret"`
}

// NewKey makes a fresh team key for the epoch.
func NewKey(epoch int) (Key, error) {
	k := Key{Epoch: epoch, Secret: make([]byte, chacha20poly1305.KeySize)}
	if _, err := rand.Read(k.Secret); err != nil {
		return Key{}, err
	}
	var id [8]byte
	if _, err := rand.Read(id[:]); err != nil {
		return Key{}, err
	}
	k.ID = hex.EncodeToString(id[:])
	return k, nil
}

// Check is a public digest of the key that names it without revealing it:
// the signed record that introduces a key carries it, so that a key
// handed over by anyone is used only when a member vouched for it.
func (k Key) Check() string {
	h := sha256.Sum256(append([]byte("ernstfall key check v2\x00"+k.ID+"\x00"), k.Secret...))
	return hex.EncodeToString(h[:16])
}

// Newer orders keys: the newest epoch, then the greater ID, is the one
// every laptop writes with.
func (k Key) Newer(o Key) bool {
	if k.Epoch != o.Epoch {
		return k.Epoch > o.Epoch
	}
	return k.ID > o.ID
}

// Header is the plaintext part of a sealed file.
type Header struct {
	Kind     string `json:"kind"`
	Handbook string `json:"handbook"`
	Device   string `json:"device"`
	Seq      int64  `json:"seq,omitempty"`
	// Key is the ID of the team key the contents are encrypted with.
	Key string `json:"key"`
	// Prev is the hash of the device's previous batch ("" at the start of
	// its stream), so that no batch can be swapped or left out unnoticed.
	Prev string `json:"prev,omitempty"`
}

// Seal encrypts plain with key and signs the whole file as signer.
func Seal(h Header, plain []byte, key Key, signer ed25519.PrivateKey) ([]byte, error) {
	h.Key = key.ID
	hdr, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	if len(hdr) > maxHeader {
		return nil, errors.New("seal: header too long")
	}
	aead, err := chacha20poly1305.NewX(key.Secret)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(magic)+4+len(hdr)+aead.NonceSize()+len(plain)+aead.Overhead()+ed25519.SignatureSize)
	out = append(out, magic...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(hdr)))
	out = append(out, hdr...)
	ad := out[:len(out):len(out)]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out = append(out, nonce...)
	out = aead.Seal(out, nonce, plain, ad)
	digest := sha512.Sum512(out)
	sig, err := signer.Sign(nil, digest[:], &ed25519.Options{Hash: crypto.SHA512, Context: sigCtx})
	if err != nil {
		return nil, err
	}
	return append(out, sig...), nil
}

// parts splits a sealed file without checking anything but its form.
func parts(data []byte) (h Header, rawHdr, nonce, ct, sig []byte, err error) {
	if len(data) < len(magic)+4 || string(data[:len(magic)]) != magic {
		return h, nil, nil, nil, nil, ErrMalformed
	}
	n := binary.BigEndian.Uint32(data[len(magic):])
	rest := data[len(magic)+4:]
	if n > maxHeader || int(n) > len(rest) {
		return h, nil, nil, nil, nil, ErrMalformed
	}
	rawHdr = rest[:n]
	rest = rest[n:]
	if len(rest) < chacha20poly1305.NonceSizeX+chacha20poly1305.Overhead+ed25519.SignatureSize {
		return h, nil, nil, nil, nil, ErrMalformed
	}
	dec := json.NewDecoder(bytes.NewReader(rawHdr))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return h, nil, nil, nil, nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	nonce = rest[:chacha20poly1305.NonceSizeX]
	ct = rest[chacha20poly1305.NonceSizeX : len(rest)-ed25519.SignatureSize]
	sig = rest[len(rest)-ed25519.SignatureSize:]
	return h, rawHdr, nonce, ct, sig, nil
}

// Verify checks that the file was signed by the holder of pub and returns
// its header.
func Verify(data []byte, pub ed25519.PublicKey) (Header, error) {
	h, _, _, _, sig, err := parts(data)
	if err != nil {
		return h, err
	}
	if len(pub) != ed25519.PublicKeySize {
		return h, ErrSignature
	}
	digest := sha512.Sum512(data[:len(data)-ed25519.SignatureSize])
	if ed25519.VerifyWithOptions(pub, digest[:], sig, &ed25519.Options{Hash: crypto.SHA512, Context: sigCtx}) != nil {
		return h, ErrSignature
	}
	return h, nil
}

// Open decrypts a file checked with Verify. The key must be the one its
// header names.
func Open(data []byte, key Key) ([]byte, error) {
	h, rawHdr, nonce, ct, _, err := parts(data)
	if err != nil {
		return nil, err
	}
	if h.Key != key.ID {
		return nil, fmt.Errorf("%w: encrypted with key %s, not %s", ErrDecrypt, h.Key, key.ID)
	}
	aead, err := chacha20poly1305.NewX(key.Secret)
	if err != nil {
		return nil, err
	}
	ad := data[:len(magic)+4+len(rawHdr)]
	plain, err := aead.Open(nil, nonce, ct, ad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return plain, nil
}

// Hash names a file's exact bytes, for the chain of a device's batches.
func Hash(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

func suite() (hpke.KDF, hpke.AEAD) { return hpke.HKDFSHA256(), hpke.ChaCha20Poly1305() }

// SealTo encrypts a short secret for the holder of the X25519 key box
// (HPKE base mode); info binds it to its purpose.
func SealTo(box []byte, info string, secret []byte) (string, error) {
	pub, err := ecdh.X25519().NewPublicKey(box)
	if err != nil {
		return "", err
	}
	pk, err := hpke.NewDHKEMPublicKey(pub)
	if err != nil {
		return "", err
	}
	kdf, aead := suite()
	ct, err := hpke.Seal(pk, kdf, aead, []byte(info), secret)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(ct), nil
}

// OpenWith decrypts what SealTo encrypted for the private key priv.
func OpenWith(priv *ecdh.PrivateKey, info, sealed string) ([]byte, error) {
	ct, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return nil, ErrDecrypt
	}
	sk, err := hpke.NewDHKEMPrivateKey(priv)
	if err != nil {
		return nil, err
	}
	kdf, aead := suite()
	plain, err := hpke.Open(sk, kdf, aead, []byte(info), ct)
	if err != nil {
		return nil, ErrDecrypt
	}
	return plain, nil
}

// SignJSON signs a small plaintext record (a join request, the FORMAT
// file) and returns the signature in base64.
func SignJSON(signer ed25519.PrivateKey, kind string, body []byte) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(signer, append([]byte("ernstfall "+kind+" v2\x00"), body...)))
}

// VerifyJSON checks a signature made by SignJSON.
func VerifyJSON(pub ed25519.PublicKey, kind string, body []byte, sig string) bool {
	raw, err := base64.StdEncoding.DecodeString(sig)
	return err == nil && len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, append([]byte("ernstfall "+kind+" v2\x00"), body...), raw)
}
