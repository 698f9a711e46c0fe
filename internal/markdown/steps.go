package markdown

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"

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

var (
	// roleMention is "@" after a space or at the start, followed by letters
	// (umlauts included), digits, '-' and '_'.
	roleMention = regexp.MustCompile(`(?:^|\s)@([\p{L}\p{N}_-]+)`)
	// timeTarget is "(15 min)", "(30 Min.)", "(2 h)", "(1 Std.)", "(1 d)", "(1 Tag)" and the like.
	timeTarget = regexp.MustCompile(`(?i)\(\s*(\d+)\s*(minuten|minutes|minute|min\.?|m|stunden|stunde|std\.?|hours|hour|h|tagen|tage|tag|days|day|d)\s*\)`)
	spaces     = regexp.MustCompile(`\s+`)
)

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
			step := newStep(n, source, phase)
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

func newStep(box *east.TaskCheckBox, source []byte, phase string) Step {
	block := box.Parent()
	step := Step{Phase: phase, Checked: box.IsChecked, Line: 1}
	if lines := block.Lines(); lines.Len() > 0 {
		step.Line = bytes.Count(source[:lines.At(0).Start], []byte("\n")) + 1
	}
	text := plainText(block, source)
	if m := roleMention.FindStringSubmatchIndex(text); m != nil {
		step.Role = text[m[2]:m[3]]
		text = text[:m[2]-1] + text[m[3]:]
	}
	if m := timeTarget.FindStringSubmatchIndex(text); m != nil {
		step.Target = minutes(text[m[2]:m[3]], text[m[4]:m[5]])
		text = text[:m[0]] + text[m[1]:]
	}
	step.Text = strings.TrimRight(strings.TrimSpace(spaces.ReplaceAllString(text, " ")), " -–—:,;")
	return step
}

// FindTimeTarget locates the first time target ("(15 min)", "(2 h)") in s
// as the byte range [start, end), parentheses included.
func FindTimeTarget(s string) (start, end int, ok bool) {
	loc := timeTarget.FindStringIndex(s)
	if loc == nil {
		return 0, 0, false
	}
	return loc[0], loc[1], true
}

// minutes converts a number and a unit matched by timeTarget to minutes.
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
	norm := func(s string) string { return strings.ToLower(spaces.ReplaceAllString(strings.TrimSpace(s), " ")) }
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
