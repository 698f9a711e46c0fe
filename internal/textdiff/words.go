package textdiff

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Op says whether a part of a comparison is in both texts, only in the
// old one or only in the new one.
type Op int

// The kinds of parts.
const (
	Equal Op = iota
	Delete
	Insert
)

// Part is a piece of text with what happened to it.
type Part struct {
	Op   Op
	Text string
}

// maxSteps bounds the work of one comparison: when two texts differ in
// more than this many lines (or words within changed lines), the rest is
// shown as deleted and inserted whole. A person reading a diff gains
// nothing from a finer one, and hostile input cannot make it slow.
const maxSteps = 1000

// Words compares two texts word by word: the parts both share, the parts
// only old has (Delete) and the parts only new has (Insert), in reading
// order; joining the Equal and Delete parts gives old, joining the Equal
// and Insert parts gives new. Lines are matched first, then the words of
// the lines that changed, so a long Markdown body compares quickly and
// the changes stay where a reader looks for them. A deletion comes before
// the insertion that replaces it.
func Words(old, new string) []Part {
	if old == new {
		if old == "" {
			return nil
		}
		return []Part{{Equal, old}}
	}
	a, b := lines(old), lines(new)
	ids := interner{}
	ops := compare(ids.all(a), ids.all(b))
	var out parts
	ia, ib := 0, 0
	for i := 0; i < len(ops); {
		if ops[i] == Equal {
			out.add(Equal, a[ia])
			ia, ib, i = ia+1, ib+1, i+1
			continue
		}
		// A block of changed lines: compare its words.
		var da, db []string
		for ; i < len(ops) && ops[i] != Equal; i++ {
			if ops[i] == Delete {
				da, ia = append(da, a[ia]), ia+1
			} else {
				db, ib = append(db, b[ib]), ib+1
			}
		}
		out.words(strings.Join(da, ""), strings.Join(db, ""))
	}
	return out.tidy()
}

// Marked writes the parts on one text the way a terminal shows a word
// diff: deletions as [-…-] and insertions as {+…+}.
func Marked(ps []Part) string {
	var b strings.Builder
	for _, p := range ps {
		switch p.Op {
		case Delete:
			b.WriteString("[-" + p.Text + "-]")
		case Insert:
			b.WriteString("{+" + p.Text + "+}")
		default:
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

type parts []Part

func (ps *parts) add(op Op, s string) {
	if s == "" {
		return
	}
	if n := len(*ps); n > 0 && (*ps)[n-1].Op == op {
		(*ps)[n-1].Text += s
		return
	}
	*ps = append(*ps, Part{op, s})
}

// words compares two blocks of text token by token.
func (ps *parts) words(old, new string) {
	a, b := tokens(old), tokens(new)
	ids := interner{}
	ops := compare(ids.all(a), ids.all(b))
	ia, ib := 0, 0
	var del, ins strings.Builder
	flush := func() {
		ps.add(Delete, del.String())
		ps.add(Insert, ins.String())
		del.Reset()
		ins.Reset()
	}
	for _, op := range ops {
		switch op {
		case Equal:
			flush()
			ps.add(Equal, a[ia])
			ia, ib = ia+1, ib+1
		case Delete:
			del.WriteString(a[ia])
			ia++
		case Insert:
			ins.WriteString(b[ib])
			ib++
		}
	}
	flush()
}

// tidy joins changes separated only by a space or a single short token,
// so "a b c" replaced by "x y z" reads as one replacement, not three.
func (ps parts) tidy() []Part {
	changed := func(i int) bool { return i >= 0 && i < len(ps) && ps[i].Op != Equal }
	var out parts
	for i := 0; i < len(ps); i++ {
		p := ps[i]
		if p.Op == Equal && changed(i-1) && changed(i+1) && small(p.Text) {
			out.add(Delete, p.Text)
			out.add(Insert, p.Text)
			continue
		}
		out.add(p.Op, p.Text)
	}
	// Adding may leave Delete, Insert, Delete, Insert: order each run of
	// changes as all its deletions, then all its insertions.
	var final parts
	for i := 0; i < len(out); {
		if out[i].Op == Equal {
			final.add(Equal, out[i].Text)
			i++
			continue
		}
		var del, ins strings.Builder
		for ; i < len(out) && out[i].Op != Equal; i++ {
			if out[i].Op == Delete {
				del.WriteString(out[i].Text)
			} else {
				ins.WriteString(out[i].Text)
			}
		}
		final.add(Delete, del.String())
		final.add(Insert, ins.String())
	}
	return final
}

// small: whitespace without a line break, or one short word or sign.
func small(s string) bool {
	if strings.TrimSpace(s) == "" {
		return !strings.Contains(s, "\n")
	}
	return utf8.RuneCountInString(s) <= 2 && !strings.ContainsAny(s, "\n")
}

// lines splits a text after each line break.
func lines(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

// tokens splits a text into words (letters and digits), runs of
// whitespace and single other characters.
func tokens(s string) []string {
	var out []string
	for s != "" {
		r, n := utf8.DecodeRuneInString(s)
		class := classOf(r)
		if class == other {
			out = append(out, s[:n])
			s = s[n:]
			continue
		}
		i := n
		for i < len(s) {
			r, m := utf8.DecodeRuneInString(s[i:])
			if classOf(r) != class {
				break
			}
			i += m
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	return out
}

const (
	word = iota
	blank
	other
)

func classOf(r rune) int {
	switch {
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
		return word
	case unicode.IsSpace(r):
		return blank
	}
	return other
}

// interner gives equal strings equal numbers.
type interner map[string]int

func (in interner) all(ss []string) []int {
	out := make([]int, len(ss))
	for i, s := range ss {
		id, ok := in[s]
		if !ok {
			id = len(in)
			in[s] = id
		}
		out[i] = id
	}
	return out
}

// compare returns the shortest edit script from a to b (Myers' algorithm):
// one Op per step, Equal taking one element of each, Delete one of a,
// Insert one of b. The common start and end are matched first; beyond
// maxSteps differences the middle is deleted and inserted whole.
func compare(a, b []int) []Op {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ops := make([]Op, 0, len(a)+len(b))
	for range pre {
		ops = append(ops, Equal)
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if mid, ok := myers(ma, mb); ok {
		ops = append(ops, mid...)
	} else {
		for range ma {
			ops = append(ops, Delete)
		}
		for range mb {
			ops = append(ops, Insert)
		}
	}
	for range suf {
		ops = append(ops, Equal)
	}
	return ops
}

// myers finds the shortest edit script with at most maxSteps deletions
// and insertions; ok is false when there is none that short.
func myers(a, b []int) ([]Op, bool) {
	n, m := len(a), len(b)
	limit := min(n+m, maxSteps)
	off := limit + 1
	v := make([]int, 2*limit+3)
	// trace[d] is v around the diagonals -d-1 … d+1 before step d.
	var trace [][]int
	for d := 0; d <= limit; d++ {
		snap := make([]int, 2*d+3)
		copy(snap, v[off-d-1:off+d+2])
		trace = append(trace, snap)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(trace, n, m), true
			}
		}
	}
	return nil, false
}

// backtrack walks the trace from the end to the start and returns the
// script in reading order.
func backtrack(trace [][]int, n, m int) []Op {
	var rev []Op
	x, y := n, m
	for d := len(trace) - 1; d > 0; d-- {
		v := trace[d]
		at := func(k int) int { return v[k+d+1] }
		k := x - y
		var prevK int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			rev = append(rev, Equal)
			x, y = x-1, y-1
		}
		if x == prevX {
			rev = append(rev, Insert)
			y--
		} else {
			rev = append(rev, Delete)
			x--
		}
	}
	for x > 0 && y > 0 {
		rev = append(rev, Equal)
		x, y = x-1, y-1
	}
	out := make([]Op, len(rev))
	for i, op := range rev {
		out[len(rev)-1-i] = op
	}
	return out
}

// Line is one line of a text's word diff: its parts, or a gap standing
// for unchanged lines left out.
type Line struct {
	Parts []Part
	Gap   bool
}

// Lines splits a word diff into lines. A line break that was deleted or
// inserted shows as "⏎" in its part. With context >= 0 only the lines with
// a change are kept, with context unchanged lines around them; a Gap line
// stands for the lines left out.
func Lines(ps []Part, context int) []Line {
	var lines []Line
	var touched []bool
	var cur Line
	changed := false
	for _, p := range ps {
		text := p.Text
		for {
			i := strings.IndexByte(text, '\n')
			seg := text
			if i >= 0 {
				seg = text[:i]
			}
			if seg != "" {
				cur.Parts = append(cur.Parts, Part{p.Op, seg})
				changed = changed || p.Op != Equal
			}
			if i < 0 {
				break
			}
			if p.Op != Equal {
				changed = true
				if seg == "" {
					cur.Parts = append(cur.Parts, Part{p.Op, "⏎"})
				}
			}
			lines = append(lines, cur)
			touched = append(touched, changed)
			cur, changed = Line{}, false
			text = text[i+1:]
		}
	}
	if len(cur.Parts) > 0 || changed {
		lines = append(lines, cur)
		touched = append(touched, changed)
	}
	if context < 0 {
		return lines
	}
	var out []Line
	last := -1
	for i := range lines {
		keep := false
		for j := max(0, i-context); j <= min(len(lines)-1, i+context); j++ {
			keep = keep || touched[j]
		}
		if !keep {
			continue
		}
		if i > last+1 {
			out = append(out, Line{Gap: true})
		}
		out = append(out, lines[i])
		last = i
	}
	if last >= 0 && last < len(lines)-1 {
		out = append(out, Line{Gap: true})
	}
	return out
}
