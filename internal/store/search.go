package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"ernstfall/internal/handbook"
	"ernstfall/internal/markdown"
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
	"facilitator": true, "status": true,
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
		} else if t := nestedText(raw); t != "" {
			strs[k] = t
		}
	}
	return joinText(strs)
}

// searchTextOf is searchText for a record given as a JSON object: the
// strings of its fields and the text of its lists of parts. It reads the
// object's fields in place (a merge indexes thousands of records, and
// decoding each into a map took half the time of rewriting it); a string
// with escapes is decoded as encoding/json does.
func searchTextOf(doc []byte) (string, error) {
	bad := errors.New("search text: not a JSON object")
	i := skipSpace(doc, 0)
	if i >= len(doc) || doc[i] != '{' {
		return "", bad
	}
	strs := map[string]string{}
	for i = skipSpace(doc, i+1); i < len(doc) && doc[i] != '}'; {
		end := skipValue(doc, i)
		if end <= i || doc[i] != '"' {
			return "", bad
		}
		key, err := decodeString(doc[i:end])
		if err != nil {
			return "", err
		}
		i = skipSpace(doc, end)
		if i >= len(doc) || doc[i] != ':' {
			return "", bad
		}
		i = skipSpace(doc, i+1)
		if end = skipValue(doc, i); end <= i {
			return "", bad
		}
		switch v := doc[i:end]; v[0] {
		case '"':
			if strs[key], err = decodeString(v); err != nil {
				return "", err
			}
		case '[':
			delete(strs, key)
			if t := nestedText(v); t != "" {
				strs[key] = t
			}
		default:
			delete(strs, key) // a later field of the same name counts
		}
		if i = skipSpace(doc, end); i < len(doc) && doc[i] == ',' {
			i = skipSpace(doc, i+1)
		} else if i >= len(doc) || doc[i] != '}' {
			return "", bad
		}
	}
	if i >= len(doc) || !json.Valid(doc) {
		return "", bad
	}
	return joinText(strs), nil
}

// decodeString decodes a JSON string: in place when it holds no escapes and
// only valid UTF-8, else as encoding/json does.
func decodeString(v []byte) (string, error) {
	in := v[1 : len(v)-1]
	if bytes.IndexByte(in, '\\') < 0 && utf8.Valid(in) {
		return string(in), nil
	}
	var s string
	err := json.Unmarshal(v, &s)
	return s, err
}

// skipSpace returns the index of the first byte from i on that is not
// JSON white space.
func skipSpace(doc []byte, i int) int {
	for i < len(doc) && (doc[i] == ' ' || doc[i] == '\t' || doc[i] == '\n' || doc[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just after the JSON value that starts at
// i, or -1 where none ends. Strings, arrays and objects are matched by
// their brackets and quotes; the value's own validity is checked by
// json.Valid over the whole document.
func skipValue(doc []byte, i int) int {
	if i >= len(doc) {
		return -1
	}
	depth := 0
	for j := i; j < len(doc); j++ {
		switch doc[j] {
		case '"':
			for j++; j < len(doc) && doc[j] != '"'; j++ {
				if doc[j] == '\\' {
					j++
				}
			}
			if j >= len(doc) {
				return -1
			}
			if depth == 0 {
				return j + 1
			}
		case '[', '{':
			depth++
		case ']', '}':
			if depth--; depth < 0 {
				return j // the end of the object the value stands in
			}
			if depth == 0 {
				return j + 1
			}
		case ',', ' ', '\t', '\n', '\r', ':':
			if depth == 0 {
				return j
			}
		}
	}
	if depth == 0 {
		return len(doc)
	}
	return -1
}

// codeFields hold a code from a fixed list ("ransomware", "high"): found
// by, but never shown as a snippet, which would show the code, not the
// word the reader's language has for it.
var codeFields = map[string]bool{
	"incident_type": true, "severity": true, "criticality": true, "audience": true,
	"status": true, "kind": true, "source_kind": true,
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

// nestedText is the text of a list of parts that each have one (an
// exercise's objectives, injects and findings), one part a line.
func nestedText(raw json.RawMessage) string {
	var parts []struct {
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) != nil {
		return ""
	}
	var b strings.Builder
	for _, p := range parts {
		if p.Text != "" {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(p.Text)
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
	// TitleMarks and SnippetMarks are where the query's words (or the
	// word parts it was found by) stand in Title and Snippet.
	TitleMarks, SnippetMarks []Span
	// Numbers are a contact's phone numbers, to call from the result.
	Numbers []handbook.Number
	// Parts are the word parts the hit was found by when the words as
	// typed found nothing ("datenschutz", "behoerde" for
	// "Datenschutzbehörde"); nil for a match of the words themselves.
	Parts []string
	// AnyPart tells that no record holds every part, and the hit holds
	// only some of them.
	AnyPart bool
}

// Span is a range of bytes in a text.
type Span struct{ Start, End int }

// Search finds live records matching every word of the query (as word
// prefixes), best matches first; a match in the title weighs more. When
// that finds nothing, it looks for the word parts of compounds the
// handbook itself uses (see splitTerms): "Datenschutzbehörde" finds what
// "Datenschutz" and "Aufsichtsbehörde" find.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]Hit, error) {
	terms := queryTerms(query)
	if len(terms) == 0 {
		return nil, nil
	}
	if limit <= 0 {
		limit = 50
	}
	st, err := s.searchStatements(ctx)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	var match strings.Builder
	for i, t := range terms {
		if i > 0 {
			match.WriteByte(' ')
		}
		match.WriteString(`"` + t + `"*`)
	}
	out, err := bestMatches(ctx, st.best, match.String(), terms, limit)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	var parts []string
	anyPart := false
	if len(out) == 0 {
		m, loose, p, err := s.compoundMatch(ctx, st, terms)
		if err != nil {
			return nil, fmt.Errorf("search %q: %w", query, err)
		}
		if m != "" {
			parts = p
			if out, err = bestMatches(ctx, st.best, m, parts, limit); err != nil {
				return nil, fmt.Errorf("search %q: %w", query, err)
			}
		}
		if len(out) == 0 && loose != "" {
			anyPart = true
			if out, err = bestMatches(ctx, st.best, loose, parts, limit); err != nil {
				return nil, fmt.Errorf("search %q: %w", query, err)
			}
		}
	}
	// Snippets only for the hits shown: building one reads the record.
	ids := make([]int64, len(out))
	for i, h := range out {
		ids[i] = h.rowid
	}
	texts, err := shownTexts(ctx, st.texts, ids)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	marked, anywhere := terms, false
	if parts != nil {
		marked, anywhere = parts, true
	}
	hits := make([]Hit, len(out))
	for i, h := range out {
		hits[i] = h.Hit
		t := texts[h.rowid]
		hits[i].Snippet = snippet(t.text, marked, anywhere)
		hits[i].SnippetMarks = marks(hits[i].Snippet, marked, anywhere)
		hits[i].TitleMarks = marks(h.Title, marked, anywhere)
		hits[i].Parts = parts
		hits[i].AnyPart = anyPart
		if h.Entity == handbook.EntityContact {
			hits[i].Numbers = t.numbers
		}
	}
	return hits, nil
}

// found is a hit while the search ranks it.
type found struct {
	Hit
	rowid int64
	rank  int
}

// bestMatches runs an FTS5 query and ranks what it finds: FTS5's bm25
// measures a title match against the whole record's length, so a long
// playbook would lose to a short note that names it. Records whose title
// holds every word come first; among those, what a crisis team reaches
// for first (playbooks, people); then bm25 order.
func bestMatches(ctx context.Context, stmt *sql.Stmt, match string, terms []string, limit int) ([]found, error) {
	rows, err := stmt.QueryContext(ctx, match, 4*limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []found
	for rows.Next() {
		var h found
		if err := rows.Scan(&h.rowid, &h.Entity, &h.ID, &h.Title); err != nil {
			return nil, err
		}
		h.rank = titleRank(h.Title, terms)
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b found) int {
		if a.rank != b.rank {
			return cmp.Compare(b.rank, a.rank)
		}
		if a.rank == 0 {
			return 0
		}
		return cmp.Compare(entityPriority(a.Entity), entityPriority(b.Entity))
	})
	return out[:min(len(out), limit)], nil
}

// searchStatements are the search's queries, prepared once per store,
// and the vocabulary compounds are split against.
type searchStatements struct {
	mu sync.Mutex
	// best finds the best matches: live records only (a tombstone leaves
	// the index), ranked by bm25 with the title weighing more.
	best *sql.Stmt
	// texts reads the text fields of records given as a JSON array of row IDs.
	texts *sql.Stmt
	// vocab is the index's vocabulary as of the commit generation it was
	// read at.
	vocab *vocabulary
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

// recordText is what a hit shows of its record: the text of the fields it
// is shown with, and a contact's phone numbers.
type recordText struct {
	text    string
	numbers []handbook.Number
}

// shownTexts reads, for the records with these row IDs, the text of the
// fields a record is shown with (as joinText orders them: in the order
// of their names, one per line) and the phone numbers.
func shownTexts(ctx context.Context, stmt *sql.Stmt, rowids []int64) (map[int64]recordText, error) {
	out := make(map[int64]recordText, len(rowids))
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
	var numbers []handbook.Number
	last := int64(-1)
	flush := func() {
		slices.SortFunc(numbers, func(a, b handbook.Number) int {
			return cmp.Compare(phoneOrder(a.Kind), phoneOrder(b.Kind))
		})
		out[last] = recordText{b.String(), numbers}
		b.Reset()
		numbers = nil
	}
	for rows.Next() {
		var id int64
		var key, value string
		if err := rows.Scan(&id, &key, &value); err != nil {
			return nil, err
		}
		if id != last && last >= 0 {
			flush()
		}
		last = id
		if shownField(key) && !codeFields[key] {
			b.WriteString(value)
			b.WriteByte('\n')
		}
		if k := handbook.PhoneKind(key); phoneOrder(k) >= 0 {
			numbers = append(numbers, handbook.Number{Kind: k, Number: value})
		}
	}
	if last >= 0 {
		flush()
	}
	return out, rows.Err()
}

// phoneOrder is the place of a kind of number in calling order; -1 for a
// field that holds none.
func phoneOrder(k handbook.PhoneKind) int {
	return slices.Index([]handbook.PhoneKind{handbook.MobilePhone, handbook.OfficePhone, handbook.PrivatePhone}, k)
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
// word, as plain text (markdown.PlainLine), shortened around the word. A
// record found by its title only has no snippet: a line without the word
// would not say why it was found. With anywhere, a word may stand inside
// a longer word (a compound's part). Lines are compared as Fold spells
// them first; only when none holds a word, with umlauts written plain
// ("muller" for "Müller"), which few queries need.
func snippet(text string, terms []string, anywhere bool) string {
	for _, spell := range []func(string) string{fold, plainFold} {
		for rest := text; rest != ""; {
			line, next, _ := strings.Cut(rest, "\n")
			rest = next
			f := spell(line)
			if f == "" || !slices.ContainsFunc(terms, func(t string) bool { return strings.Contains(f, t) }) {
				continue
			}
			plain := markdown.PlainLine(line)
			if m := marks(plain, terms, anywhere); len(m) > 0 {
				return shorten(plain, m[0])
			}
		}
	}
	return ""
}

// plainFold is handbook.FoldPlain for the lines that have letters it
// spells otherwise than Fold; "" for the others, which the first pass saw.
func plainFold(line string) string {
	if !hasNonASCII(line) {
		return ""
	}
	return handbook.FoldPlain(line)
}

func hasNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// marks finds where the words stand in s, ignoring case and how umlauts
// are spelt ("mueller" and "muller" both mark "Müller"): at the start of
// a word, or with anywhere inside one. The spans are sorted and do not
// overlap.
func marks(s string, terms []string, anywhere bool) []Span {
	if s == "" || len(terms) == 0 {
		return nil
	}
	var out []Span
	missing := terms
	for _, folded := range []func(rune) string{foldRune, handbook.FoldPlainRune} {
		f, at := foldWithOffsets(s, folded)
		var still []string
		for _, t := range missing {
			found := false
			for i := 0; i+len(t) <= len(f); {
				j := strings.Index(f[i:], t)
				if j < 0 {
					break
				}
				start := i + j
				i = start + 1
				if !anywhere && start > 0 && isWordByte(f, start-1) {
					continue
				}
				out = append(out, Span{at[start], at[start+len(t)]})
				found = true
			}
			if !found {
				still = append(still, t)
			}
		}
		// The plain spelling differs only for words with umlauts or
		// accents that the first spelling did not find.
		if missing = still; len(missing) == 0 || !hasNonASCII(s) {
			break
		}
	}
	slices.SortFunc(out, func(a, b Span) int { return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(b.End, a.End)) })
	merged := out[:0]
	for _, m := range out {
		if n := len(merged); n > 0 && m.Start <= merged[n-1].End {
			merged[n-1].End = max(merged[n-1].End, m.End)
			continue
		}
		merged = append(merged, m)
	}
	return merged
}

// foldRune is handbook.Fold for one letter.
func foldRune(r rune) string {
	if r < utf8.RuneSelf {
		return handbook.FoldPlainRune(r) // ASCII folds alike either way
	}
	return handbook.Fold(string(r))
}

// foldWithOffsets folds s rune by rune and tells, for each byte of the
// folded text (and its end), the byte of s it came from. Every byte of
// a rune's folding points at the rune's start, the end at len(s).
func foldWithOffsets(s string, f func(rune) string) (string, []int) {
	if !hasNonASCII(s) {
		at := make([]int, len(s)+1)
		for i := range at {
			at[i] = i
		}
		return strings.ToLower(s), at
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	at := make([]int, 0, len(s)+1)
	for i, r := range s {
		fr := f(r)
		b.WriteString(fr)
		for range len(fr) {
			at = append(at, i)
		}
	}
	at = append(at, len(s))
	// A rune folded to several bytes ends where the next rune starts.
	return b.String(), at
}

// isWordByte reports whether the folded text has a letter or digit at
// byte i (for ASCII; any other byte counts as part of a word).
func isWordByte(f string, i int) bool {
	c := f[i]
	return c >= utf8.RuneSelf || unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c))
}

// shorten cuts a line to about 100 characters around the span m, keeping
// the span whole.
func shorten(line string, m Span) string {
	const width = 100
	r := []rune(line)
	if len(r) <= width {
		return line
	}
	pos := utf8.RuneCountInString(line[:m.Start])
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
