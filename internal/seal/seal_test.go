package seal

import (
	"bytes"
	"errors"
	"regexp"
	"testing"
)

func mustIdentity(t *testing.T) Identity {
	t.Helper()
	id, err := NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func mustKey(t *testing.T, epoch int) Key {
	t.Helper()
	k, err := NewKey(epoch)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealRoundTripAndTampering(t *testing.T) {
	id, other := mustIdentity(t), mustIdentity(t)
	key, wrong := mustKey(t, 0), mustKey(t, 0)
	plain := []byte(`{"name":"Jörg Müller","phone":"+49 170 1234567"}`)
	h := Header{Kind: "batch", Handbook: "hb", Device: "dev", Seq: 7, Prev: "abc"}
	data, err := Seal(h, plain, key, id.Sign)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("Müller")) || bytes.Contains(data, []byte("1234567")) {
		t.Fatal("the contents are readable in the sealed file")
	}
	got, err := Verify(data, id.Public().Sign)
	if err != nil || got.Seq != 7 || got.Device != "dev" || got.Key != key.ID || got.Prev != "abc" {
		t.Fatalf("verify: %+v %v", got, err)
	}
	out, err := Open(data, key)
	if err != nil || !bytes.Equal(out, plain) {
		t.Fatalf("open: %q %v", out, err)
	}
	if _, err := Verify(data, other.Public().Sign); !errors.Is(err, ErrSignature) {
		t.Errorf("verified with another laptop's key: %v", err)
	}
	if _, err := Open(data, wrong); !errors.Is(err, ErrDecrypt) {
		t.Errorf("opened with another key: %v", err)
	}
	for i := 0; i < len(data); i += 7 {
		bad := bytes.Clone(data)
		bad[i] ^= 0x40
		if _, err := Verify(bad, id.Public().Sign); err == nil {
			t.Fatalf("a flipped byte at %d still verifies", i)
		}
	}
	for _, n := range []int{0, 5, len(data) / 2, len(data) - 1} {
		if _, err := Verify(data[:n], id.Public().Sign); err == nil {
			t.Errorf("a file cut to %d bytes verifies", n)
		}
	}
}

func TestSealToAndFingerprint(t *testing.T) {
	id, other := mustIdentity(t), mustIdentity(t)
	sealed, err := SealTo(id.Public().Box, "purpose A", []byte("team key"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := OpenWith(id.Box, "purpose A", sealed); err != nil || string(got) != "team key" {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := OpenWith(other.Box, "purpose A", sealed); err == nil {
		t.Error("another laptop opened it")
	}
	if _, err := OpenWith(id.Box, "purpose B", sealed); err == nil {
		t.Error("opened for another purpose")
	}
	fp := Fingerprint("dev", id.Public())
	if !regexp.MustCompile(`^[0-9A-F]{4}(-[0-9A-F]{4}){5}$`).MatchString(fp) {
		t.Errorf("fingerprint %q", fp)
	}
	if fp == Fingerprint("dev2", id.Public()) || fp == Fingerprint("dev", other.Public()) {
		t.Error("fingerprint does not depend on device and keys")
	}
	if NormalFingerprint(" a4f2 19c0-7b3e ") != "A4F219C07B3E" {
		t.Errorf("normal form %q", NormalFingerprint(" a4f2 19c0-7b3e "))
	}
	again, err := ParseIdentity(id.Marshal())
	if err != nil || Fingerprint("dev", again.Public()) != fp {
		t.Fatalf("identity does not survive its database: %v", err)
	}
	if SignJSON(id.Sign, "x", []byte("a")) == "" || !VerifyJSON(id.Public().Sign, "x", []byte("a"), SignJSON(id.Sign, "x", []byte("a"))) ||
		VerifyJSON(id.Public().Sign, "y", []byte("a"), SignJSON(id.Sign, "x", []byte("a"))) {
		t.Error("SignJSON/VerifyJSON do not bind the kind")
	}
}

func TestKeyCheckAndOrder(t *testing.T) {
	a, b := mustKey(t, 1), mustKey(t, 2)
	if a.Check() == b.Check() || len(a.Check()) != 32 {
		t.Errorf("checks %q %q", a.Check(), b.Check())
	}
	if !b.Newer(a) || a.Newer(b) {
		t.Error("a later epoch is not newer")
	}
}
