package handbook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// processFields is BusinessProcess without its JSON methods.
type processFields BusinessProcess

// MarshalJSON writes the process with one field per rated cell of its
// impact grid ("impact.financial.1d": 3), after the other fields, cells
// in order of category and time. Sync, edits and exports work field by
// field, so a cell is the unit that two laptops can change apart.
func (bp BusinessProcess) MarshalJSON() ([]byte, error) {
	base, err := json.Marshal(processFields(bp))
	if err != nil {
		return nil, err
	}
	cells := bp.Impact.Cells()
	if len(cells) == 0 {
		return base, nil
	}
	var b bytes.Buffer
	b.Write(base[:len(base)-1])
	for i, c := range cells {
		if i > 0 || len(base) > 2 {
			b.WriteByte(',')
		}
		key, err := json.Marshal(ImpactField(c))
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%s:%d", key, bp.Impact[c])
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads what MarshalJSON writes. A field that starts like a
// cell ("impact.") but names none is an error, and so is a rating that is
// not a whole number; null or 0 leaves the cell unrated.
func (bp *BusinessProcess) UnmarshalJSON(data []byte) error {
	var f processFields
	if err := json.Unmarshal(data, &f); err != nil {
		return err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	f.Impact = nil
	for k, v := range raw {
		if !IsImpactField(k) {
			continue
		}
		cell, ok := ParseImpactField(k)
		if !ok {
			return fmt.Errorf("%q names no cell of the impact grid (impact.<category>.<time>, e.g. impact.financial.1d)", k)
		}
		if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			continue
		}
		var r Rating
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("%s: the rating must be a whole number from 1 to 4", k)
		}
		if r == 0 {
			continue
		}
		if f.Impact == nil {
			f.Impact = Impact{}
		}
		f.Impact[cell] = r
	}
	*bp = BusinessProcess(f)
	return nil
}

// Cells lists the rated cells by category key, then time.
func (im Impact) Cells() []ImpactCell {
	out := make([]ImpactCell, 0, len(im))
	for c, r := range im {
		if r != 0 {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b ImpactCell) int {
		if a.Category != b.Category {
			return strings.Compare(a.Category, b.Category)
		}
		return int(a.At - b.At)
	})
	return out
}

// Clone copies the grid.
func (im Impact) Clone() Impact {
	if im == nil {
		return nil
	}
	out := make(Impact, len(im))
	for c, r := range im {
		out[c] = r
	}
	return out
}
