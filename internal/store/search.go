package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
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
func searchText(fields map[string]json.RawMessage) string {
	strs := make(map[string]string, len(fields))
	for k, raw := range fields {
		var v string
		if json.Unmarshal(raw, &v) == nil {
			strs[k] = v
		}
	}
	return joinText(strs)
}

// searchTextOf is searchText for a record given as a JSON object.
func searchTextOf(doc []byte) (string, error) {
	var fields map[string]any
	if err := json.Unmarshal(doc, &fields); err != nil {
		return "", err
	}
	strs := make(map[string]string, len(fields))
	for k, v := range fields {
		if s, ok := v.(string); ok {
			strs[k] = s
		}
	}
	return joinText(strs), nil
}

// shownField tells the fields whose text a record is found by and shown
// with: not machine values, times and dates, nor the title, which is
// indexed on its own.
func shownField(k string) bool {
	return !unindexedFields[k] && !strings.HasSuffix(k, "_at") && k != "title" && k != "name" && k != "due" && k != "date"
}

// joinText joins a record's string fields that are shown, in the order
// of their names, one per line, each phone number followed by its digit
// forms.
func joinText(strs map[string]string) string {
	keys := make([]string, 0, len(strs))
	for k := range strs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		v := strs[k]
		if !shownField(k) || v == "" {
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
	st, err := s.searchStatements(ctx)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	rows, err := st.best.QueryContext(ctx, match.String(), 4*limit)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	defer rows.Close()
	type found struct {
		Hit
		rowid int64
		rank  int
	}
	var out []found
	for rows.Next() {
		var h found
		if err := rows.Scan(&h.rowid, &h.Entity, &h.ID, &h.Title); err != nil {
			return nil, fmt.Errorf("search %q: %w", query, err)
		}
		h.rank = titleRank(h.Title, terms)
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	// FTS5's bm25 measures a title match against the whole record's length,
	// so a long playbook would lose to a short note that names it. Records
	// whose title holds every word come first; among those, what a crisis
	// team reaches for first (playbooks, people); then bm25 order.
	slices.SortStableFunc(out, func(a, b found) int {
		if a.rank != b.rank {
			return cmp.Compare(b.rank, a.rank)
		}
		if a.rank == 0 {
			return 0
		}
		return cmp.Compare(entityPriority(a.Entity), entityPriority(b.Entity))
	})
	out = out[:min(len(out), limit)]
	// Snippets only for the hits shown: building one reads the record.
	ids := make([]int64, len(out))
	for i, h := range out {
		ids[i] = h.rowid
	}
	texts, err := shownTexts(ctx, st.texts, ids)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	hits := make([]Hit, len(out))
	for i, h := range out {
		hits[i] = h.Hit
		hits[i].Snippet = snippet(texts[h.rowid], terms)
	}
	return hits, nil
}

// searchStatements are the search's queries, prepared once per store.
type searchStatements struct {
	mu sync.Mutex
	// best finds the best matches: live records only (a tombstone leaves
	// the index), ranked by bm25 with the title weighing more.
	best *sql.Stmt
	// texts reads the text fields of records given as a JSON array of row IDs.
	texts *sql.Stmt
}

func (s *Store) searchStatements(ctx context.Context) (*searchStatements, error) {
	st := &s.search
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.best != nil {
		return st, nil
	}
	best, err := s.r.PrepareContext(ctx, `SELECT r.rowid, r.entity, r.id, r.label
		FROM search JOIN records r ON r.rowid = search.rowid
		WHERE search MATCH ? AND r.deleted = 0
		ORDER BY bm25(search, 20.0, 1.0), r.label
		LIMIT ?`)
	if err != nil {
		return nil, err
	}
	texts, err := s.r.PrepareContext(ctx, `SELECT r.rowid, j.key, j.value
		FROM records r, json_each(r.data) j
		WHERE r.rowid IN (SELECT value FROM json_each(?)) AND j.type = 'text' AND j.value != ''
		ORDER BY r.rowid, j.key`)
	if err != nil {
		best.Close()
		return nil, err
	}
	st.best, st.texts = best, texts
	return st, nil
}

// shownTexts reads, for the records with these row IDs, the text of the
// fields a record is shown with (as joinText orders them: in the order
// of their names, one per line).
func shownTexts(ctx context.Context, stmt *sql.Stmt, rowids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(rowids))
	if len(rowids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(rowids)
	if err != nil {
		return nil, err
	}
	rows, err := stmt.QueryContext(ctx, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var b strings.Builder
	last := int64(-1)
	for rows.Next() {
		var id int64
		var key, value string
		if err := rows.Scan(&id, &key, &value); err != nil {
			return nil, err
		}
		if id != last && last >= 0 {
			out[last] = b.String()
			b.Reset()
		}
		last = id
		if shownField(key) {
			b.WriteString(value)
			b.WriteByte('\n')
		}
	}
	if last >= 0 {
		out[last] = b.String()
	}
	return out, rows.Err()
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
func snippet(text string, terms []string) string {
	for rest := text; rest != ""; {
		line, next, _ := strings.Cut(rest, "\n")
		rest = next
		f := fold(line)
		for _, t := range terms {
			if strings.Contains(f, t) {
				return shorten(strings.TrimSpace(line), t)
			}
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
