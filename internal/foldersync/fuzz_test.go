package foldersync

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"ernstfall/internal/seal"
)

const fuzzHandbook = "0190aaaa-0000-7000-8000-00000000cafe"

// fuzzLimit is the most a batch's contents may unpack to while fuzzing.
const fuzzLimit = 64 << 10

// FuzzParseBatch feeds batch parsing arbitrary bytes: it must never panic,
// and whatever it accepts must survive a round trip unchanged.
func FuzzParseBatch(f *testing.F) {
	f.Add([]byte(`{"format":"ernstfall-sync-batch","version":1,"handbook":"` + fuzzHandbook + `","device":"` + fakeDevice +
		`","seq":1,"changes":[{"entity":"contact","id":"c1","field":"name","value":"Anna","hlc":1099511627776}]}`))
	f.Add([]byte(`{"format":"ernstfall-sync-batch","version":1,"handbook":"` + fuzzHandbook + `","device":"` + fakeDevice +
		`","seq":1,"changes":[{"entity":"contact","id":"c1","field":"deleted","value":true,"hlc":5,"base_hlc":4,"base_device":"x"}]}`))
	f.Add([]byte(`{"format":"ernstfall-sync-batch","version":2}`))
	f.Add([]byte(`{"format":"ernstfall-sync-batch","version":1,"changes":[{"value":`))
	f.Add([]byte(""))
	// Compressed (batch version 3), and compressed past the limit.
	for _, plain := range []string{`{"format":"ernstfall-sync-batch","version":3,"handbook":"` + fuzzHandbook + `","device":"` + fakeDevice +
		`","seq":1,"changes":[{"entity":"contact","id":"c1","field":"name","value":"Anna","hlc":1099511627776}]}`,
		`{"format":"ernstfall-sync-batch","version":3,"changes":[{"value":"` + strings.Repeat("x", fuzzLimit) + `"}]}`} {
		z, err := packBatch([]byte(plain))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(z)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, _, err := parseBatch(data, fuzzLimit, fuzzHandbook, fakeDevice, 1)
		if err != nil {
			return
		}
		if b.Device != fakeDevice || b.Seq != 1 {
			t.Fatalf("accepted batch of %s/%d", b.Device, b.Seq)
		}
		out := batchFile{Format: batchFormat, Version: formatVersion, Handbook: fuzzHandbook, Device: fakeDevice, Seq: 1}
		for _, c := range b.Changes {
			if c.Device != fakeDevice || c.HLC <= 0 || c.ID == "" || c.Field == "" || !json.Valid(c.Value) {
				t.Fatalf("accepted a bad change: %+v", c)
			}
			out.Changes = append(out.Changes, toWire(c, false))
		}
		again, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		b2, _, err := parseBatch(again, fuzzLimit, fuzzHandbook, fakeDevice, 1)
		if err != nil {
			t.Fatalf("re-encoded batch refused: %v", err)
		}
		if len(b.Changes) == 0 && len(b2.Changes) == 0 {
			return
		}
		for i := range b.Changes {
			var v1, v2 any
			json.Unmarshal(b.Changes[i].Value, &v1)
			json.Unmarshal(b2.Changes[i].Value, &v2)
			b.Changes[i].Value, b2.Changes[i].Value = nil, nil
			if !reflect.DeepEqual(v1, v2) {
				t.Fatalf("value changed in a round trip: %v → %v", v1, v2)
			}
		}
		if !reflect.DeepEqual(b, b2) {
			t.Fatalf("round trip differs:\n%+v\n%+v", b, b2)
		}
	})
}

// fuzzKeys are fixed keys, so that the seed corpus stays meaningful
// between runs.
func fuzzKeys() (ed25519.PrivateKey, seal.Key) {
	sk := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	return sk, seal.Key{ID: "00112233445566ff", Epoch: 0, Secret: bytes.Repeat([]byte{9}, 32)}
}

// sealedSeed is a valid sealed batch of fakeDevice.
func sealedSeed(tb testing.TB, members []record, changes []wireChange) []byte {
	sk, key := fuzzKeys()
	plain, err := json.Marshal(batchFile{Format: batchFormat, Version: formatVersion, Handbook: fuzzHandbook, Device: fakeDevice,
		Seq: 1, CreatedAt: time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC), Members: members, Changes: changes})
	if err != nil {
		tb.Fatal(err)
	}
	data, err := seal.Seal(seal.Header{Kind: kindBatch, Handbook: fuzzHandbook, Device: fakeDevice, Seq: 1}, plain, key, sk)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// FuzzOpenBatch feeds the whole path a batch file takes before it is
// trusted (signature, header, decryption, decoding) arbitrary bytes: it
// must never panic, and it must accept nothing but what the key signed.
func FuzzOpenBatch(f *testing.F) {
	sk, key := fuzzKeys()
	pub := seal.Public{Sign: sk.Public().(ed25519.PublicKey)}
	good := sealedSeed(f, nil, []wireChange{{Entity: "contact", ID: "c1", Field: "name", Value: json.RawMessage(`"Anna"`), HLC: 1 << 40}})
	f.Add(good)
	f.Add(sealedSeed(f, []record{{Kind: recRemove, Device: fakeDevice, Last: 3, Hash: "ab"}}, nil))
	f.Add(good[:len(good)/2])
	f.Add([]byte("EFSEAL2\n\x00\x00\x00\x02{}"))
	f.Add([]byte(""))
	keys := func(id string) (seal.Key, bool) { return key, id == key.ID }
	f.Fuzz(func(t *testing.T, data []byte) {
		b, members, h, err := openBatch(data, DefaultMaxBatchBytes, fuzzHandbook, fakeDevice, 1, pub, keys)
		if err != nil {
			return
		}
		if _, verr := seal.Verify(data, pub.Sign); verr != nil {
			t.Fatalf("accepted a file that does not verify: %v", verr)
		}
		if h.Device != fakeDevice || h.Seq != 1 || b.Device != fakeDevice || b.Seq != 1 || b.Hash != seal.Hash(data) {
			t.Fatalf("accepted %+v as batch 1 of %s", h, fakeDevice)
		}
		for _, c := range b.Changes {
			if c.Device != fakeDevice || c.HLC <= 0 || c.ID == "" || c.Field == "" || !json.Valid(c.Value) {
				t.Fatalf("accepted a bad change: %+v", c)
			}
		}
		for _, m := range members {
			if m.Signer != fakeDevice || m.Seq != 1 || m.check() != nil {
				t.Fatalf("accepted a bad team record: %+v", m)
			}
		}
	})
}

// TestOpenBatchMutations is a short fuzzing run with a fixed seed that
// `make test` runs every time (FuzzOpenBatch searches further under
// `make fuzz`): thousands of damaged copies of a sealed batch (bytes
// flipped, cut, inserted, header swapped) are refused, and a member's
// well-signed batch with damaged contents never yields a bad change.
func TestOpenBatchMutations(t *testing.T) {
	sk, key := fuzzKeys()
	pub := seal.Public{Sign: sk.Public().(ed25519.PublicKey)}
	keys := func(id string) (seal.Key, bool) { return key, id == key.ID }
	good := sealedSeed(t, []record{{Kind: recLost, Device: fakeDevice, Last: 2}},
		[]wireChange{{Entity: "contact", ID: "c1", Field: "name", Value: json.RawMessage(`"Anna"`), HLC: 1 << 40},
			{Entity: "contact", ID: "c1", Field: "deleted", Value: json.RawMessage(`true`), HLC: 1<<40 + 1}})
	if _, _, _, err := openBatch(good, DefaultMaxBatchBytes, fuzzHandbook, fakeDevice, 1, pub, keys); err != nil {
		t.Fatalf("the intact batch is refused: %v", err)
	}
	rng := rand.New(rand.NewPCG(11, 20261130))
	mutate := func(in []byte) []byte {
		out := bytes.Clone(in)
		for range 1 + rng.IntN(3) {
			if len(out) == 0 {
				return out
			}
			i := rng.IntN(len(out))
			switch rng.IntN(5) {
			case 0:
				out[i] ^= byte(1 + rng.IntN(255))
			case 1:
				out = out[:i]
			case 2:
				out = append(out[:i:i], append([]byte{byte(rng.IntN(256))}, out[i:]...)...)
			case 3:
				out = append(out[:i:i], out[min(len(out), i+1+rng.IntN(64)):]...)
			case 4:
				j := rng.IntN(len(out))
				out[i], out[j] = out[j], out[i]
			}
		}
		return out
	}
	for n := range 3000 {
		bad := mutate(good)
		if bytes.Equal(bad, good) {
			continue
		}
		if _, _, _, err := openBatch(bad, DefaultMaxBatchBytes, fuzzHandbook, fakeDevice, 1, pub, keys); err == nil {
			t.Fatalf("mutation %d accepted: %q", n, bad)
		}
	}
	// Contents a member signed, damaged before sealing: refused as a
	// whole or read into valid changes only.
	plain, err := json.Marshal(batchFile{Format: batchFormat, Version: formatVersion, Handbook: fuzzHandbook, Device: fakeDevice, Seq: 1,
		Changes: []wireChange{{Entity: "contact", ID: "c1", Field: "name", Value: json.RawMessage(`"Anna"`), HLC: 1 << 40}}})
	if err != nil {
		t.Fatal(err)
	}
	accepted := 0
	for range 2000 {
		data, err := seal.Seal(seal.Header{Kind: kindBatch, Handbook: fuzzHandbook, Device: fakeDevice, Seq: 1}, mutate(plain), key, sk)
		if err != nil {
			t.Fatal(err)
		}
		b, members, _, err := openBatch(data, DefaultMaxBatchBytes, fuzzHandbook, fakeDevice, 1, pub, keys)
		if err != nil {
			continue
		}
		accepted++
		for _, c := range b.Changes {
			if c.Device != fakeDevice || c.HLC <= 0 || c.ID == "" || c.Field == "" || !json.Valid(c.Value) {
				t.Fatalf("accepted a bad change: %+v", c)
			}
		}
		for _, m := range members {
			if m.check() != nil {
				t.Fatalf("accepted a bad team record: %+v", m)
			}
		}
	}
	if accepted == 0 {
		t.Error("no damaged content was readable at all: the mutations test nothing but the decoder's first check")
	}
}
