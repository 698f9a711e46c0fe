package store

import (
	"context"
	"slices"
	"strings"
	"unicode"
)

// Compound words. German writes "Datenschutzbehörde" where the handbook
// may say "Datenschutz" in one place and "Aufsichtsbehörde" in another; the
// word index finds words by their start only. When a search finds nothing,
// each query word that starts no word of the handbook is split into parts
// that occur in the handbook's own words (its vocabulary, read from the
// index), and a record must hold a word containing each part. Nothing is
// added to the index: the cost falls on the searches that found nothing.

// minPart is the shortest word part a compound is split into.
const minPart = 4

// maxPartWords caps the words one part may stand for in a query.
const maxPartWords = 200

// vocabulary is the index's vocabulary: every word of letters only, as
// the index holds it (lower case, umlauts written out and plain).
type vocabulary struct {
	// gen is the commit generation the words were read at.
	gen uint64
	// words are sorted; reversed holds each word backwards, sorted, to find
	// the words that end with a part.
	words, reversed []string
	// joined is every word between newlines, to find a part inside words.
	joined string
}

// vocabulary returns the index's vocabulary, read anew when records were
// committed since it was read.
func (s *Store) vocabulary(ctx context.Context, st *searchStatements) (*vocabulary, error) {
	gen := s.notices.gen.Load()
	st.mu.Lock()
	v := st.vocab
	st.mu.Unlock()
	if v != nil && v.gen == gen {
		return v, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT term FROM search_vocab WHERE term >= 'a'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	v = &vocabulary{gen: gen}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		if len(t) >= 3 && !strings.ContainsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) }) {
			v.words = append(v.words, t)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.Sort(v.words)
	v.reversed = make([]string, len(v.words))
	for i, w := range v.words {
		v.reversed[i] = reverse(w)
	}
	slices.Sort(v.reversed)
	v.joined = "\n" + strings.Join(v.words, "\n") + "\n"
	st.mu.Lock()
	st.vocab = v
	st.mu.Unlock()
	return v, nil
}

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// hasPrefix reports whether a word of the vocabulary starts with p.
func (v *vocabulary) hasPrefix(p string) bool { return hasPrefix(v.words, p) }

// hasSuffix reports whether a word of the vocabulary ends with p.
func (v *vocabulary) hasSuffix(p string) bool { return hasPrefix(v.reversed, reverse(p)) }

func hasPrefix(sorted []string, p string) bool {
	i, _ := slices.BinarySearch(sorted, p)
	return i < len(sorted) && strings.HasPrefix(sorted[i], p)
}

// isWord reports whether p is a word of the vocabulary.
func (v *vocabulary) isWord(p string) bool {
	_, ok := slices.BinarySearch(v.words, p)
	return ok
}

// inside reports whether p stands inside a word of the vocabulary.
func (v *vocabulary) inside(p string) bool { return strings.Contains(v.joined, p) }

// partScore weighs a part by how much it looks like a word of its own:
// a whole word, then the start of words, then their end.
func (v *vocabulary) partScore(p string) int {
	switch {
	case v.isWord(p):
		return 4
	case v.hasPrefix(p):
		return 2
	case v.hasSuffix(p):
		return 1
	}
	return 0
}

// split cuts a word into the fewest parts, each at least minPart letters
// and standing inside some word of the vocabulary, with a joining "s"
// between two parts allowed ("Aufsicht-s-behörde"). Among splits with as
// few parts it takes the one whose parts look most like words. It returns
// nil when no split covers the word.
func (v *vocabulary) split(t string, whole bool) []string {
	type step struct {
		parts, score int
		from         int // where the last part starts; -1 unreachable
		part         bool
	}
	n := len(t)
	best := make([]step, n+1)
	for i := range best {
		best[i].from = -1
	}
	best[0] = step{from: 0}
	better := func(a, b step) bool {
		return b.from < 0 || a.parts < b.parts || a.parts == b.parts && a.score > b.score
	}
	known := map[string]bool{}
	for i := 0; i < n; i++ {
		if best[i].from < 0 {
			continue
		}
		if i > 0 && t[i] == 's' && best[i].part {
			// On a tie the joining "s" is left out of the part: the
			// stem ("rechenzentrum") finds as a prefix every word the
			// part with the "s" finds, and more.
			if c := (step{best[i].parts, best[i].score, i, false}); better(c, best[i+1]) || !better(best[i+1], c) {
				best[i+1] = c
			}
		}
		for j := i + minPart; j <= n; j++ {
			if !whole && i == 0 && j == n {
				break // the word itself is not one of its parts
			}
			p := t[i:j]
			ok, seen := known[p]
			if !seen {
				ok = v.inside(p)
				known[p] = ok
			}
			if !ok {
				break // a longer part holds this one: not inside either
			}
			c := step{best[i].parts + 1, best[i].score + v.partScore(p), i, true}
			if better(c, best[j]) {
				best[j] = c
			}
		}
	}
	if best[n].from < 0 {
		return nil
	}
	var parts []string
	for j := n; j > 0; j = best[j].from {
		if best[j].part {
			parts = append(parts, t[best[j].from:j])
		}
	}
	slices.Reverse(parts)
	return parts
}

// words lists the words of the vocabulary that hold p but do not start
// with it (those a prefix query finds), at most maxPartWords.
func (v *vocabulary) wordsWith(p string) []string {
	var out []string
	for rest := v.joined; len(out) < maxPartWords; {
		i := strings.Index(rest, p)
		if i < 0 {
			break
		}
		start := strings.LastIndexByte(rest[:i], '\n') + 1
		end := i + strings.IndexByte(rest[i:], '\n')
		if w := rest[start:end]; !strings.HasPrefix(w, p) {
			out = append(out, w)
		}
		rest = rest[end:]
	}
	return out
}

// compoundMatch is the FTS5 query for the word parts of the terms, with
// the parts to mark in the results, or "" when splitting changes nothing:
// every term starts a word of the handbook already, or one cannot be
// covered by parts of its words. any is the looser query for records that
// hold at least one of the parts, for when no record holds them all
// ("Rechenzentrumsausfall" where the handbook has a data centre's contact
// and outage playbooks, but no record about both).
func (s *Store) compoundMatch(ctx context.Context, st *searchStatements, terms []string) (all, any string, parts []string, err error) {
	v, err := s.vocabulary(ctx, st)
	if err != nil {
		return "", "", nil, err
	}
	var clauses []string
	split := false
	for _, t := range terms {
		if v.hasPrefix(t) || strings.ContainsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) }) {
			clauses = append(clauses, `"`+t+`"*`)
			parts = append(parts, t)
			continue
		}
		// The word may stand inside a longer compound of the handbook
		// ("Landesdatenschutzbehörde"), and its parts may stand apart
		// ("Datenschutz" here, "Aufsichtsbehörde" there): either finds.
		var either []string
		if v.inside(t) {
			either = append(either, anyWord(v, t))
		}
		ps := v.split(t, false)
		if len(either) > 0 && slices.ContainsFunc(ps, func(p string) bool { return v.partScore(p) == 0 }) {
			// The word stands whole in the handbook; a cut into pieces
			// that are not words there ("beho" + "erde") finds noise.
			ps = nil
		}
		if ps != nil {
			var all []string
			for _, p := range ps {
				all = append(all, anyWord(v, p))
				parts = append(parts, p)
			}
			either = append(either, "("+strings.Join(all, " AND ")+")")
		} else if len(either) > 0 {
			parts = append(parts, t)
		}
		if len(either) == 0 {
			return "", "", nil, nil
		}
		split = true
		clauses = append(clauses, "("+strings.Join(either, " OR ")+")")
	}
	if !split {
		return "", "", nil, nil
	}
	alts := make([]string, len(parts))
	for i, p := range parts {
		alts[i] = anyWord(v, p)
	}
	return strings.Join(clauses, " AND "), strings.Join(alts, " OR "), parts, nil
}

// anyWord is the FTS5 query for the words that start with p or hold it.
func anyWord(v *vocabulary, p string) string {
	alt := []string{`"` + p + `"*`}
	for _, w := range v.wordsWith(p) {
		alt = append(alt, `"`+w+`"`)
	}
	return "(" + strings.Join(alt, " OR ") + ")"
}
