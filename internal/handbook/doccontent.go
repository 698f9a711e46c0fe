package handbook

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// DocRecord is one record of a document as it stands at a revision or in
// a release: its content fields (JSON values by field name), control
// fields (ControlField) left out.
type DocRecord struct {
	Entity Entity                     `json:"entity"`
	ID     string                     `json:"id"`
	Label  string                     `json:"label,omitempty"`
	Fields map[string]json.RawMessage `json:"fields"`
}

// UnmarshalJSON reads a record keeping its values compact, whatever
// indentation the JSON around them had: a release read back from a
// backup holds the same bytes it was written with.
func (r *DocRecord) UnmarshalJSON(data []byte) error {
	type plain DocRecord
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	for f, v := range p.Fields {
		c, err := canonicalJSON(v)
		if err != nil {
			return fmt.Errorf("field %s: %w", f, err)
		}
		p.Fields[f] = c
	}
	*r = DocRecord(p)
	return nil
}

// canonicalJSON writes a JSON value as Go's encoder writes it, keeping the
// order of object keys and the digits of numbers: no white space, and
// every string escaped the same way. A backup that passed through another
// tool ("\u00e4" for "ä", "\/" for "/") then reads back with the bytes its
// releases were hashed with; a value Go wrote comes back unchanged.
func canonicalJSON(v []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var out bytes.Buffer
	// level is an open object or array and how many tokens it holds so far,
	// which decides whether a comma or a colon is due.
	type level struct {
		object bool
		n      int
	}
	var stack []level
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			out.WriteByte(byte(d))
			if len(stack) > 0 {
				stack[len(stack)-1].n++
			}
			continue
		}
		if len(stack) > 0 {
			top := &stack[len(stack)-1]
			switch {
			case top.object && top.n%2 == 1:
				out.WriteByte(':')
			case top.n > 0:
				out.WriteByte(',')
			}
		}
		switch t := tok.(type) {
		case json.Delim:
			out.WriteByte(byte(t))
			stack = append(stack, level{object: t == '{'})
			continue
		case json.Number:
			out.WriteString(t.String())
		default:
			b, err := json.Marshal(t)
			if err != nil {
				return nil, err
			}
			out.Write(b)
		}
		if len(stack) > 0 {
			stack[len(stack)-1].n++
		}
	}
	return out.Bytes(), nil
}

// DocContent is what a document says at one moment: its live records, by
// kind then ID. A document that does not exist (not made yet, or deleted)
// has none.
type DocContent struct {
	Records []DocRecord `json:"records"`
}

// Exists reports whether the document has any live record.
func (c DocContent) Exists() bool { return len(c.Records) > 0 }

// Sort orders the records by kind (in the order of Entities), then ID.
func (c *DocContent) Sort() {
	slices.SortFunc(c.Records, func(a, b DocRecord) int {
		if a.Entity != b.Entity {
			return entityRank(a.Entity) - entityRank(b.Entity)
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// Hash names the content: two documents that say the same have the same
// hash, whatever their history and labels.
func (c DocContent) Hash() string {
	type rec struct {
		E Entity                     `json:"e"`
		I string                     `json:"i"`
		F map[string]json.RawMessage `json:"f"`
	}
	recs := make([]rec, len(c.Records))
	for i, r := range c.Records {
		recs[i] = rec{r.Entity, r.ID, r.Fields}
	}
	data, err := json.Marshal(recs)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16])
}

// Record finds a record of the content.
func (c DocContent) Record(e Entity, id string) (DocRecord, bool) {
	for _, r := range c.Records {
		if r.Entity == e && r.ID == id {
			return r, true
		}
	}
	return DocRecord{}, false
}

// ContentOf returns a record's content fields: its JSON form without
// control fields and without the deletion mark.
func ContentOf(it Item) (DocRecord, error) {
	data, err := json.Marshal(it)
	if err != nil {
		return DocRecord{}, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return DocRecord{}, err
	}
	for f := range fields {
		if ControlField(f) || f == "deleted" {
			delete(fields, f)
		}
	}
	return DocRecord{Entity: it.Entity(), ID: it.Meta().ID, Label: it.Label(), Fields: fields}, nil
}

// ContentIn returns what the document says in the handbook as it is.
func ContentIn(hb *Handbook, d DocRef) (DocContent, error) {
	var c DocContent
	var err error
	hb.EachItem(func(it Item) {
		if err != nil || it.Meta().Deleted || !d.Holds(it.Entity(), it.Meta().ID) {
			return
		}
		var r DocRecord
		if r, err = ContentOf(it); err == nil {
			c.Records = append(c.Records, r)
		}
	})
	c.Sort()
	return c, err
}

// WithContent returns a copy of hb in which the document says what c
// says: its records carry c's content fields (their control fields stay
// as they are in hb), records of the document missing from c are left
// out, and records only c has are added. The binder prints released
// versions through it.
func WithContent(hb Handbook, d DocRef, c DocContent) (Handbook, error) {
	out := hb
	out.Roles, out.Escalation = slices.Clone(hb.Roles), slices.Clone(hb.Escalation)
	out.Playbooks, out.Services, out.CommTemplates = slices.Clone(hb.Playbooks), slices.Clone(hb.Services), slices.Clone(hb.CommTemplates)
	out.Processes = slices.Clone(hb.Processes)
	present := map[string]bool{}
	var err error
	replace := func(it Item) {
		if err != nil || !d.Holds(it.Entity(), it.Meta().ID) {
			return
		}
		r, ok := c.Record(it.Entity(), it.Meta().ID)
		if !ok {
			it.Meta().Deleted = true
			return
		}
		present[string(r.Entity)+"/"+r.ID] = true
		err = setContent(it, r)
	}
	for _, e := range d.Entities() {
		switch e {
		case EntityRole:
			for i := range out.Roles {
				replace(&out.Roles[i])
			}
		case EntityEscalation:
			for i := range out.Escalation {
				replace(&out.Escalation[i])
			}
		case EntityPlaybook:
			for i := range out.Playbooks {
				replace(&out.Playbooks[i])
			}
		case EntityService:
			for i := range out.Services {
				replace(&out.Services[i])
			}
		case EntityCommTemplate:
			for i := range out.CommTemplates {
				replace(&out.CommTemplates[i])
			}
		case EntityProcess:
			for i := range out.Processes {
				replace(&out.Processes[i])
			}
		}
	}
	if err != nil {
		return hb, err
	}
	for _, r := range c.Records {
		if present[string(r.Entity)+"/"+r.ID] || !d.Holds(r.Entity, r.ID) {
			continue
		}
		it, err := NewRecord(r.Entity)
		if err != nil {
			return hb, err
		}
		it.Meta().ID = r.ID
		if err := setContent(it, r); err != nil {
			return hb, err
		}
		out.Add(it)
	}
	return out, nil
}

// setContent lays a record's content fields over it: fields c lacks are
// emptied, control fields keep their values.
func setContent(it Item, r DocRecord) error {
	data, err := json.Marshal(it)
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return err
	}
	for f := range fields {
		if !ControlField(f) {
			delete(fields, f)
		}
	}
	for f, v := range r.Fields {
		if !ControlField(f) && f != "deleted" {
			fields[f] = v
		}
	}
	data, err = json.Marshal(fields)
	if err != nil {
		return err
	}
	fresh, err := NewRecord(it.Entity())
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, fresh); err != nil {
		return fmt.Errorf("%s %s: content does not fit the record: %w", r.Entity, r.ID, err)
	}
	return copyRecord(it, fresh)
}

// copyRecord copies src over dst, two records of the same kind.
func copyRecord(dst, src Item) error {
	switch d := dst.(type) {
	case *Role:
		*d = *src.(*Role)
	case *EscalationLevel:
		*d = *src.(*EscalationLevel)
	case *Playbook:
		*d = *src.(*Playbook)
	case *Service:
		*d = *src.(*Service)
	case *CommTemplate:
		*d = *src.(*CommTemplate)
	case *BusinessProcess:
		*d = *src.(*BusinessProcess)
	default:
		return fmt.Errorf("%s is not part of a controlled document", dst.Entity())
	}
	return nil
}

// NewRecord returns an empty record of a kind of document record.
func NewRecord(e Entity) (Item, error) {
	switch e {
	case EntityRole:
		return &Role{}, nil
	case EntityEscalation:
		return &EscalationLevel{}, nil
	case EntityPlaybook:
		return &Playbook{}, nil
	case EntityService:
		return &Service{}, nil
	case EntityCommTemplate:
		return &CommTemplate{}, nil
	case EntityProcess:
		return &BusinessProcess{}, nil
	}
	return nil, fmt.Errorf("%s is not part of a controlled document", e)
}
