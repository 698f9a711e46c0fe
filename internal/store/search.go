package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"ernstfall/internal/handbook"
)

// folder spells German letters the way people type them without a German
// keyboard, so "mueller" finds "Müller" and "strasse" finds "Straße".
var folder = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "Ä", "ae", "Ö", "oe", "Ü", "ue", "ẞ", "ss")

func fold(s string) string { return folder.Replace(strings.ToLower(s)) }

// Skipped when indexing: machine values nobody searches for.
var unindexedFields = map[string]bool{
	"id": true, "created_at": true, "updated_at": true, "deleted": true,
	"holders": true, "notify": true, "decided_by": true, "depends_on": true, "resources": true,
	"affected_services": true, "playbook_id": true, "source_id": true, "incident_id": true, "corrects": true,
}

// searchText is the text a record is found by: every string field, plus
// phone numbers written as digits only and in national form, so "030 23125"
// finds "+49 30 23125 412".
func searchText(fields map[string]json.RawMessage) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		if unindexedFields[k] || strings.HasSuffix(k, "_at") {
			continue
		}
		var v string
		if json.Unmarshal(fields[k], &v) != nil || v == "" {
			continue
		}
		b.WriteString(v)
		b.WriteByte('\n')
		if strings.HasPrefix(k, "phone") {
			b.WriteString(phoneForms(v))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func phoneForms(p string) string {
	var digits strings.Builder
	for _, r := range p {
		if unicode.IsDigit(r) {
			digits.WriteRune(r)
		}
	}
	d := digits.String()
	if strings.HasPrefix(strings.TrimSpace(p), "+49") && len(d) > 2 {
		return d + " 0" + d[2:]
	}
	return d
}

// Hit is one search result.
type Hit struct {
	Entity  handbook.Entity
	ID      string
	Title   string
	Snippet string
}

// Search finds live records matching every word of the query (as word
// prefixes), best matches first; a match in the title weighs more.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]Hit, error) {
	terms := queryTerms(query)
	if len(terms) == 0 {
		return nil, nil
	}
	if limit <= 0 {
		limit = 50
	}
	var match strings.Builder
	for i, t := range terms {
		if i > 0 {
			match.WriteByte(' ')
		}
		match.WriteString(`"` + t + `"*`)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT r.entity, r.id, r.label, r.data
		FROM search JOIN records r ON r.rowid = search.rowid
		WHERE search MATCH ? AND r.deleted = 0
		ORDER BY bm25(search, 10.0, 1.0), r.label
		LIMIT ?`, match.String(), limit)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	defer rows.Close()
	var out []Hit
	for rows.Next() {
		var h Hit
		var data string
		if err := rows.Scan(&h.Entity, &h.ID, &h.Title, &data); err != nil {
			return nil, fmt.Errorf("search %q: %w", query, err)
		}
		h.Snippet = snippet(data, terms)
		out = append(out, h)
	}
	return out, rows.Err()
}

// queryTerms folds the query and splits it into words.
func queryTerms(q string) []string {
	return strings.FieldsFunc(fold(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// snippet picks the first line of the record's text that holds a query
// word, shortened around it.
func snippet(data string, terms []string) string {
	fields := map[string]json.RawMessage{}
	if json.Unmarshal([]byte(data), &fields) != nil {
		return ""
	}
	text := searchText(fields)
	for _, line := range strings.Split(text, "\n") {
		f := fold(line)
		for _, t := range terms {
			i := strings.Index(f, t)
			if i < 0 {
				continue
			}
			return shorten(strings.TrimSpace(line), t)
		}
	}
	return ""
}

// shorten cuts a line to about 100 characters around the first term.
func shorten(line, term string) string {
	const width = 100
	r := []rune(line)
	if len(r) <= width {
		return line
	}
	pos := 0
	for i := range r {
		if strings.HasPrefix(fold(string(r[i:min(len(r), i+len(term)+2)])), term) {
			pos = i
			break
		}
	}
	start := max(0, pos-width/3)
	end := min(len(r), start+width)
	out := string(r[start:end])
	if start > 0 {
		out = "…" + out
	}
	if end < len(r) {
		out += "…"
	}
	return out
}
