package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"ernstfall/internal/fixture"
)

// decodedSearchText is searchTextOf as it was written first: the record
// decoded into a map, lists written out again for nestedText.
func decodedSearchText(doc []byte) (string, error) {
	var fields map[string]any
	if err := json.Unmarshal(doc, &fields); err != nil {
		return "", err
	}
	strs := make(map[string]string, len(fields))
	for k, v := range fields {
		switch v := v.(type) {
		case string:
			strs[k] = v
		case []any:
			if raw, err := json.Marshal(v); err == nil {
				if t := nestedText(raw); t != "" {
					strs[k] = t
				}
			}
		}
	}
	return joinText(strs), nil
}

// TestSearchTextReadInPlace: reading a record's fields in place gives the
// search text that decoding it gives, for every record of a generated
// handbook (every kind) and for objects written by hand: escapes, other
// scripts, white space, nested lists and objects, repeated names, and
// documents that are not objects at all.
func TestSearchTextReadInPlace(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "hb.db"))
	if _, err := s.Import(ctx, fixture.Generate(3, fixture.Size{Contacts: 60, Playbooks: 20, Services: 10})); err != nil {
		t.Fatal(err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT data FROM records`)
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	var kinds int
	if err := s.r.QueryRowContext(ctx, `SELECT count(DISTINCT entity) FROM records`).Scan(&kinds); err != nil {
		t.Fatal(err)
	}
	if kinds < 10 {
		t.Fatalf("the handbook holds records of %d kinds only", kinds)
	}
	docs = append(docs,
		`{}`, ` { "notes" : "Anna" , "function":"a\nb" } `, `{"notes":"M\u00fcller \"Mo\" \\ \/ \t","x":1,"y":null,"z":true}`,
		`{"notes":"Jörg Groß","phone_mobile":"+49 30 1234"}`, `{"notes":"a","notes":"b"}`, `{"notes":"a","notes":1}`,
		`{"notes":["x"],"notes":"y"}`, `{"notes":"y","notes":[{"text":"z"}]}`,
		`{"objectives":[{"text":"eins"},{"text":"zwei","done":true},{"x":1}],"o":{"text":"no"}}`,
		`{"steps":[{"text":"a]}\""},{"text":"b"}],"deep":[[{"text":"c"}]]}`, `{"n\u006ftes":"escaped name"}`,
		"{\"notes\":\"bad \xff utf8\"}", `{"notes":"x"`, `{"notes":}`, `[1,2]`, `"text"`, ``, `{"a":1}x`, `{"a" 1}`, `{"a":1,}`,
	)
	for _, d := range docs {
		got, gotErr := searchTextOf([]byte(d))
		want, wantErr := decodedSearchText([]byte(d))
		if got != want || (gotErr == nil) != (wantErr == nil) {
			t.Errorf("%.200s:\nin place %q, %v\ndecoded  %q, %v", d, got, gotErr, want, wantErr)
		}
	}
	if len(docs) < 500 {
		t.Fatalf("only %d records compared", len(docs))
	}
}
