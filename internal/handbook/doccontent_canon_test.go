package handbook

import (
	"encoding/json"
	"testing"
)

// TestDocRecordReadsOtherToolsEscapesAlike: a release read back from a
// backup that another tool wrote out again (Python escapes every
// non-ASCII letter, others escape "/") holds the bytes Go wrote, so its
// hash and the comparison on import stay the same. Values Go wrote come
// back byte for byte, with their key order and number digits.
func TestDocRecordReadsOtherToolsEscapesAlike(t *testing.T) {
	type step struct {
		Zeta  string  `json:"zeta"`
		Alpha float64 `json:"alpha"`
	}
	goValues := []any{
		"Prüfung <Ransomware> & Wiederanlauf \u2028 / Ende",
		[]step{{"ä", 1.5}, {"b", 1e21}},
		map[string]any{"b": []any{}, "a": map[string]any{}},
		12345678901234567890.0,
		true, nil, "",
	}
	for _, v := range goValues {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := canonicalJSON(want)
		if err != nil {
			t.Fatalf("%s: %v", want, err)
		}
		if string(got) != string(want) {
			t.Errorf("a value Go wrote changed:\n got %s\nwant %s", got, want)
		}
	}

	goWrote := `{"entity":"playbook","id":"x","fields":{"title":"Ausfall Zahlungsdienstleister \u003e 1 h","steps":[{"zeta":"ä","alpha":1.50}]}}`
	others := []string{
		`{"entity": "playbook", "id": "x", "fields": {"title": "Ausfall Zahlungsdienstleister > 1 h", "steps": [{"zeta": "\u00e4", "alpha": 1.50}]}}`,
		"{\"entity\":\"playbook\",\"id\":\"x\",\"fields\":{\"title\":\"Ausfall Zahlungsdienstleister \\u003E 1 h\",\n  \"steps\":[ {\"zeta\":\"\\u00E4\" , \"alpha\":1.50} ]}}",
	}
	var want DocRecord
	if err := json.Unmarshal([]byte(goWrote), &want); err != nil {
		t.Fatal(err)
	}
	wantHash := DocContent{Records: []DocRecord{want}}.Hash()
	for _, o := range others {
		var got DocRecord
		if err := json.Unmarshal([]byte(o), &got); err != nil {
			t.Fatal(err)
		}
		for f, v := range want.Fields {
			if string(got.Fields[f]) != string(v) {
				t.Errorf("field %s read as %s, want %s", f, got.Fields[f], v)
			}
		}
		if h := (DocContent{Records: []DocRecord{got}}).Hash(); h != wantHash {
			t.Errorf("hash %s, want %s", h, wantHash)
		}
	}

}
