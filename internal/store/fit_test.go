package store

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
	"ernstfall/internal/hlc"
)

// jsonNames lists the JSON names of every field of the struct type t and
// the structs it embeds, plain strings or not.
func jsonNames(t reflect.Type) []string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			out = append(out, jsonNames(ft)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}

// TestPlainStringsDecideAsDecoding: for every field of every kind of
// record (and a few names no record has, or has in other case), the
// merge's check takes and refuses the same values, in the same compact
// form, as decoding them into the record does.
func TestPlainStringsDecideAsDecoding(t *testing.T) {
	s := open(t, t.TempDir()+"/hb.db")
	m := s.newMerge()
	entities := append(slices.Clone(handbook.Entities), handbook.EntitySettings, handbook.EntityCopy, handbook.EntityRelease,
		handbook.EntityReview, handbook.EntityPrintout, handbook.EntityExchange)
	values := []string{`"x"`, `""`, ` "a b" `, `null`, `1`, `true`, `{"a":1}`, `["a"]`, `[{"text":"a"}]`,
		`"2026-01-01T00:00:00Z"`, `"high"`, `"\u00e4\n"`, `{}`, `[]`, `"x"x`, `nul`}
	fast := 0
	for _, e := range entities {
		it, err := itemFor(e)
		if err != nil {
			t.Fatalf("%s: %v", e, err)
		}
		id := "r1"
		if e == handbook.EntitySettings {
			id = handbook.SettingsID
		}
		fields := append(jsonNames(reflect.TypeOf(it)), "nosuch", "Name", "NOTES")
		plain := plainStrings(reflect.TypeOf(it))
		for _, f := range fields {
			if unsyncedFields[f] {
				continue
			}
			if plain[f] {
				fast++
			}
			for _, v := range values {
				got, gotErr := m.checkChange(Change{Entity: e, ID: id, Field: f, Value: json.RawMessage(v), HLC: hlc.Timestamp(1 << 20), Device: "d"})
				want, wantErr := fitValue(e, f, json.RawMessage(v))
				if (gotErr == nil) != (wantErr == nil) || got != string(want) {
					t.Errorf("%s.%s = %s: check gives %s, %v; decoding gives %s, %v", e, f, v, got, gotErr, want, wantErr)
				}
			}
		}
	}
	if fast < 20 {
		t.Fatalf("only %d plain string fields found: the check decodes nearly every value", fast)
	}
}
