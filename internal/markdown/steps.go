package markdown

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// Step is one task item of a playbook or recovery plan.
type Step struct {
	// Phase is the text of the enclosing "##" heading, "" before the first.
	Phase string
	// Text is the task without the role mention and the time target.
	Text string
	// Role is the mentioned role ("@IT-Lead" gives "IT-Lead"), "" if none.
	Role string
	// Target is the time target in minutes, 0 if none.
	Target int
	// Checked is true for "- [x]".
	Checked bool
	// Line is the 1-based source line of the item.
	Line int
	// Key identifies the step in an incident's checklist state. It depends
	// only on the phase and the text, so adding, removing or moving other
	// steps keeps it; a repeated step in the same phase gets a "-2", "-3" … suffix.
	Key string
}

// Steps are read by hand-written scanners rather than regular
// expressions: every check of the handbook reads every step of every
// playbook. The tests hold them to the expressions they stand for:
//
//	role mention  (?:^|\s)@([\p{L}\p{N}_-]+)
//	time target   (?i)\(\s*(\d+)\s*(minuten|minutes|minute|min\.?|m|stunden|stunde|std\.?|hours|hour|h|tagen|tage|tag|days|day|d)\s*\)

// isSpace is a white space character as \s matches it in a regular
// expression: space, tab, newline, carriage return, form feed.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// findRole returns the byte range of the first role mention's name in s
// ("IT-Lead" in "… @IT-Lead"), the "@" not included.
func findRole(s string) (start, end int, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] != '@' || i > 0 && !isSpace(s[i-1]) {
			continue
		}
		j := i + 1
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if !unicode.IsLetter(r) && !unicode.IsNumber(r) && r != '_' && r != '-' {
				break
			}
			j += n
		}
		if j > i+1 {
			return i + 1, j, true
		}
	}
	return 0, 0, false
}

// timeUnits are the units a time target may name, compared without case.
var timeUnits = []string{"minuten", "minutes", "minute", "min.", "min", "m", "stunden", "stunde", "std.", "std",
	"hours", "hour", "h", "tagen", "tage", "tag", "days", "day", "d"}

// timeTargetAt is a time target found in a text: the byte range of the
// whole target (parentheses included), of its number and of its unit.
type timeTargetAt struct{ start, end, numStart, numEnd, unitStart, unitEnd int }

// findTimeTarget returns the first time target in s.
func findTimeTarget(s string) (timeTargetAt, bool) {
	for i := strings.IndexByte(s, '('); i >= 0 && i < len(s); {
		if t, ok := timeTargetFrom(s, i); ok {
			return t, true
		}
		next := strings.IndexByte(s[i+1:], '(')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return timeTargetAt{}, false
}

// timeTargetFrom reads a time target starting at the "(" at s[i].
func timeTargetFrom(s string, i int) (timeTargetAt, bool) {
	t := timeTargetAt{start: i}
	j := i + 1
	for j < len(s) && isSpace(s[j]) {
		j++
	}
	t.numStart = j
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == t.numStart {
		return t, false
	}
	t.numEnd = j
	for j < len(s) && isSpace(s[j]) {
		j++
	}
	t.unitStart = j
	for j < len(s) && s[j] != ')' && !isSpace(s[j]) {
		j++
	}
	t.unitEnd = j
	for j < len(s) && isSpace(s[j]) {
		j++
	}
	if j == len(s) || s[j] != ')' {
		return t, false
	}
	t.end = j + 1
	unit := s[t.unitStart:t.unitEnd]
	if !slices.ContainsFunc(timeUnits, func(u string) bool { return strings.EqualFold(u, unit) }) {
		return t, false
	}
	return t, true
}

// collapseSpaces replaces each run of the spaces a regular expression's
// \s matches (space, tab, newline, carriage return, form feed) by one space.
func collapseSpaces(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if isSpace(s[i]) && (s[i] != ' ' || i+1 < len(s) && isSpace(s[i+1])) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if !isSpace(s[i]) {
			b = append(b, s[i])
			continue
		}
		b = append(b, ' ')
		for i+1 < len(s) && isSpace(s[i+1]) {
			i++
		}
	}
	return string(b)
}

// Steps returns every task item of the Markdown source src, nested ones
// included, in document order. Task items inside code blocks are text, not steps.
func Steps(src string) []Step {
	source := []byte(src)
	doc := Parse(source)
	var (
		steps []Step
		phase string
		seen  = map[string]int{}
	)
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			switch n.Level {
			case 1:
				phase = ""
			case 2:
				phase = plainText(n, source)
			}
			return ast.WalkSkipChildren, nil
		case *east.TaskCheckBox:
			step := StepOf(n, source)
			step.Phase, step.Line = phase, 1
			if lines := n.Parent().Lines(); lines.Len() > 0 {
				step.Line = bytes.Count(source[:lines.At(0).Start], []byte("\n")) + 1
			}
			base := stepKey(phase, step.Text)
			seen[base]++
			step.Key = base
			if k := seen[base]; k > 1 {
				step.Key = fmt.Sprintf("%s-%d", base, k)
			}
			steps = append(steps, step)
		}
		return ast.WalkContinue, nil
	})
	return steps
}

// StepOf reads the step whose check box is box, in a syntax tree parsed
// from source: its text, role and time target. Phase, Line and Key need
// the whole text; Steps fills them in.
func StepOf(box *east.TaskCheckBox, source []byte) Step {
	block := box.Parent()
	step := Step{Checked: box.IsChecked}
	text := plainText(block, source)
	if start, end, ok := findRole(text); ok {
		step.Role = text[start:end]
		text = text[:start-1] + text[end:]
	}
	if t, ok := findTimeTarget(text); ok {
		step.Target = minutes(text[t.numStart:t.numEnd], text[t.unitStart:t.unitEnd])
		text = text[:t.start] + text[t.end:]
	}
	step.Text = strings.TrimRight(strings.TrimSpace(collapseSpaces(text)), " -–—:,;")
	return step
}

// FindTimeTarget locates the first time target ("(15 min)", "(2 h)") in s
// as the byte range [start, end), parentheses included.
func FindTimeTarget(s string) (start, end int, ok bool) {
	t, ok := findTimeTarget(s)
	return t.start, t.end, ok
}

// minutes converts the number and unit of a time target to minutes.
func minutes(number, unit string) int {
	n, err := strconv.Atoi(number)
	if err != nil {
		return 0
	}
	switch strings.ToLower(unit)[0] {
	case 'h', 's':
		return n * 60
	case 'd', 't':
		return n * 1440
	default:
		return n
	}
}

// stepKey hashes the phase and the normalised text of a step.
func stepKey(phase, text string) string {
	norm := func(s string) string { return strings.ToLower(collapseSpaces(strings.TrimSpace(s))) }
	sum := sha256.Sum256([]byte(norm(phase) + "\x00" + norm(text)))
	return hex.EncodeToString(sum[:6])
}

// plainText returns the text of n's inline content without Markdown markup;
// line breaks become spaces.
func plainText(n ast.Node, source []byte) string {
	var b strings.Builder
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(c.Value(source))
				if c.SoftLineBreak() || c.HardLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(c.Value)
			case *ast.AutoLink:
				b.Write(c.Label(source))
			case *east.TaskCheckBox:
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}
