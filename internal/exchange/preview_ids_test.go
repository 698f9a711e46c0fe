package exchange

import (
	"strings"
	"testing"
)

// The id column of our CSV (and X-ERNSTFALL-ID of a vCard) is hostile
// input like every other cell: an id that is not one of ours, or one used
// by an earlier row, makes the row invalid, named by its line, instead of
// being stored as it is ("../../etc/passwd") or silently replacing the
// earlier row's contact.
func TestPreviewRefusesForeignAndRepeatedIDs(t *testing.T) {
	const id = "01a0f6b1-0000-7000-8000-000000000001"
	// row is a line of the own layout, however many columns it has.
	row := func(id, name, mobile string) string {
		cells := make([]string, len(Columns))
		cells[0], cells[1], cells[5] = id, name, mobile
		return strings.Join(cells, ",") + "\n"
	}
	file := "\ufeff" + strings.Join(Columns, ",") + "\n" +
		row(id, "Eins", "+49 171 1111111") +
		row(id, "Zwei", "+49 171 2222222") +
		row("../../etc/passwd", "Drei", "+49 171 3333333") +
		row("{"+id+"}", "Vier", "+49 171 4444444") +
		row("", "Fünf", "+49 171 5555555")
	parsed, err := ReadCSV("kontakte.csv", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	p := NewPreview(sampleContacts(), parsed, "DE")
	want := []struct {
		name    string
		action  Action
		invalid string
	}{
		{"Eins", ActionCreate, ""},
		{"Zwei", ActionInvalid, "same id as line 2"},
		{"Drei", ActionInvalid, `id "../../etc/passwd" is not an Ernstfall id`},
		{"Vier", ActionInvalid, "is not an Ernstfall id"},
		{"Fünf", ActionCreate, ""},
	}
	if len(p.Rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(p.Rows), len(want))
	}
	for i, w := range want {
		r := p.Rows[i]
		if r.Incoming.Name != w.name || r.Action != w.action || !strings.Contains(r.Invalid, w.invalid) || (w.invalid == "") != (r.Invalid == "") {
			t.Errorf("line %d: %s %s %q, want %s %s %q", r.Line, r.Incoming.Name, r.Action, r.Invalid, w.name, w.action, w.invalid)
		}
	}
	cs, err := p.Resolve(Choice{}, sampleContacts()[0].CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if !isUUID(c.ID) {
			t.Errorf("contact %s would be written with the id %q", c.Name, c.ID)
		}
	}
	if len(cs) != 2 {
		t.Errorf("%d contacts would be written, want Eins and Fünf", len(cs))
	}
}
