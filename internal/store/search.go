package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"ernstfall/internal/handbook"
)

// fold is the spelling the index and the queries share (handbook.Fold).
func fold(s string) string { return handbook.Fold(s) }

// indexForm is what goes into the index: the folded text, plus each word with
// an umlaut as written, which the index strips to its base letter, so that
// "kruger" finds "Krüger" too.
func indexForm(s string) string {
	var extra []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if strings.ContainsAny(w, "äöüÄÖÜßẞ") {
			extra = append(extra, strings.ToLower(w))
		}
	}
	if len(extra) == 0 {
		return fold(s)
	}
	return fold(s) + "\n" + strings.Join(extra, " ")
}

// Skipped when indexing: machine values nobody searches for.
var unindexedFields = map[string]bool{
	"id": true, "created_at": true, "updated_at": true, "deleted": true,
	"holders": true, "notify": true, "decided_by": true, "depends_on": true, "resources": true,
	"affected_services": true, "playbook_id": true, "source_id": true, "incident_id": true, "corrects": true,
}

// searchText is the text a record is found by besides its title (which is
// indexed on its own and weighs more): every string field, plus
// phone numbers written as digits only and in national form, so "030 23125"
// finds "+49 30 23125 412".
func searchText(fields map[string]json.RawMessage) string { return recordText(fields, true) }

// recordText joins a record's string fields, one per line; withPhoneForms
// adds the digit forms of phone numbers that only the index needs.
func recordText(fields map[string]json.RawMessage, withPhoneForms bool) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		if unindexedFields[k] || strings.HasSuffix(k, "_at") || k == "title" || k == "name" || k == "due" || k == "date" {
			continue
		}
		var v string
		if json.Unmarshal(fields[k], &v) != nil || v == "" {
			continue
		}
		b.WriteString(v)
		b.WriteByte('\n')
		if withPhoneForms && strings.HasPrefix(k, "phone") {
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
		ORDER BY bm25(search, 20.0, 1.0), r.label
		LIMIT ?`, match.String(), 4*limit)
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
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	// FTS5's bm25 measures a title match against the whole record's length,
	// so a long playbook would lose to a short note that names it. Records
	// whose title holds every word come first; among those, what a crisis
	// team reaches for first (playbooks, people); then bm25 order.
	slices.SortStableFunc(out, func(a, b Hit) int {
		ra, rb := titleRank(a.Title, terms), titleRank(b.Title, terms)
		if ra != rb {
			return cmp.Compare(rb, ra)
		}
		if ra == 0 {
			return 0
		}
		return cmp.Compare(entityPriority(a.Entity), entityPriority(b.Entity))
	})
	return out[:min(len(out), limit)], nil
}

// entityPriority orders kinds of records by how urgently they are looked for.
func entityPriority(e handbook.Entity) int {
	order := []handbook.Entity{handbook.EntityPlaybook, handbook.EntityContact, handbook.EntityRole,
		handbook.EntityService, handbook.EntityEscalation, handbook.EntityCommTemplate, handbook.EntityIncident}
	if i := slices.Index(order, e); i >= 0 {
		return i
	}
	return len(order)
}

// titleRank is 2 when every query word starts a word of the title, 1 when
// the title holds each somewhere, else 0.
func titleRank(title string, terms []string) int {
	words := queryTerms(title)
	rank := 2
	for _, t := range terms {
		prefix := slices.ContainsFunc(words, func(w string) bool { return strings.HasPrefix(w, t) })
		switch {
		case prefix:
		case strings.Contains(fold(title), t):
			rank = min(rank, 1)
		default:
			return 0
		}
	}
	return rank
}

// queryTerms folds the query and splits it into words.
func queryTerms(q string) []string {
	return strings.FieldsFunc(fold(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// snippet picks the first line of the record's text that holds a query
// word, shortened around it; for a title-only match, the first line.
func snippet(data string, terms []string) string {
	fields := map[string]json.RawMessage{}
	if json.Unmarshal([]byte(data), &fields) != nil {
		return ""
	}
	text := recordText(fields, false)
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
	// A match in the title only: show the record's first line of text.
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return shorten(line, "")
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
