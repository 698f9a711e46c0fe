package handbook

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"

	"ernstfall/internal/textdiff"
)

// RecordDiff is what changed in one record of a document from one
// version to another.
type RecordDiff struct {
	Entity Entity
	ID     string
	Label  string
	// Added: only the newer version has the record; Removed: only the
	// older one.
	Added, Removed bool
	Fields         []FieldDiff
}

// FieldDiff is one field that differs.
type FieldDiff struct {
	Field string
	// Old and New are the JSON values (null when empty).
	Old, New json.RawMessage
	// Words compares the two values word by word when both are text (or
	// empty); nil otherwise.
	Words []textdiff.Part
}

// CompareContent lists what differs between two versions of a document,
// record by record in the order of the records, each record's fields in
// the order its form shows them.
func CompareContent(older, newer DocContent) []RecordDiff {
	var out []RecordDiff
	seen := map[string]bool{}
	for _, r := range newer.Records {
		seen[string(r.Entity)+"/"+r.ID] = true
		o, ok := older.Record(r.Entity, r.ID)
		d := RecordDiff{Entity: r.Entity, ID: r.ID, Label: r.Label, Added: !ok}
		d.Fields = compareFields(r.Entity, o.Fields, r.Fields)
		if len(d.Fields) > 0 || d.Added {
			out = append(out, d)
		}
	}
	for _, r := range older.Records {
		if seen[string(r.Entity)+"/"+r.ID] {
			continue
		}
		out = append(out, RecordDiff{Entity: r.Entity, ID: r.ID, Label: r.Label, Removed: true,
			Fields: compareFields(r.Entity, r.Fields, nil)})
	}
	slices.SortStableFunc(out, func(a, b RecordDiff) int {
		if a.Entity != b.Entity {
			return entityRank(a.Entity) - entityRank(b.Entity)
		}
		return strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label))
	})
	return out
}

func compareFields(e Entity, old, new map[string]json.RawMessage) []FieldDiff {
	names := map[string]bool{}
	for f := range old {
		names[f] = true
	}
	for f := range new {
		names[f] = true
	}
	order := FieldOrder(e)
	fields := make([]string, 0, len(names))
	for f := range names {
		fields = append(fields, f)
	}
	slices.SortFunc(fields, func(a, b string) int {
		ia, ib := slices.Index(order, a), slices.Index(order, b)
		if ia < 0 {
			ia = len(order)
		}
		if ib < 0 {
			ib = len(order)
		}
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	var out []FieldDiff
	for _, f := range fields {
		a, b := jsonOrNull(old[f]), jsonOrNull(new[f])
		if string(a) == string(b) {
			continue
		}
		d := FieldDiff{Field: f, Old: a, New: b}
		if sa, ok := textOf(a); ok {
			if sb, ok := textOf(b); ok {
				d.Words = textdiff.Words(sa, sb)
			}
		}
		out = append(out, d)
	}
	return out
}

func jsonOrNull(v json.RawMessage) json.RawMessage {
	if len(v) == 0 {
		return json.RawMessage("null")
	}
	return v
}

// textOf is a value's text when it is a string or empty.
func textOf(v json.RawMessage) (string, bool) {
	if string(v) == "null" {
		return "", true
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", false
	}
	return s, true
}

// FieldOrder lists the JSON names of a kind's fields in the order its
// type declares them (the order of its form).
func FieldOrder(e Entity) []string {
	it, err := NewRecord(e)
	if err != nil {
		return nil
	}
	var out []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name != "" && name != "-" {
				out = append(out, name)
			}
		}
	}
	walk(reflect.TypeOf(it).Elem())
	// The title or name first, the review cycle after the content.
	slices.SortStableFunc(out, func(a, b string) int { return fieldRank(a) - fieldRank(b) })
	return out
}

func fieldRank(f string) int {
	switch {
	case f == "title" || f == "name":
		return 0
	case f == "owner" || ControlField(f):
		return 2
	}
	return 1
}
