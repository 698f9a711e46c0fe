package foldersync

import (
	"encoding/json"
	"reflect"
	"testing"
)

const fuzzHandbook = "0190aaaa-0000-7000-8000-00000000cafe"

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
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := parseBatch(data, fuzzHandbook, fakeDevice, 1)
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
		b2, err := parseBatch(again, fuzzHandbook, fakeDevice, 1)
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
