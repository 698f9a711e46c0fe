package markdown

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/util"
)

// PlainText renders Markdown as plain text for an e-mail, a text message
// or a web form: no markers (**, _, #, `), lists with "-" or their
// numbers, task boxes as [ ] and [x], links as "text (address)", tables
// as "cell: cell" lines (two columns) or cells joined by " | ".
// Paragraphs are separated by a blank line; line breaks inside a paragraph
// stay where they were written.
func PlainText(src string) string {
	b := []byte(src)
	p := plain{src: b}
	p.blocks(Parse(b), "")
	return strings.TrimSpace(strings.Join(p.paras, "\n\n")) + "\n"
}

type plain struct {
	src   []byte
	paras []string
}

func (p *plain) blocks(n ast.Node, indent string) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		p.block(c, indent)
	}
}

func (p *plain) add(text, indent string) {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(indent+l, " ")
	}
	p.paras = append(p.paras, strings.Join(lines, "\n"))
}

func (p *plain) block(n ast.Node, indent string) {
	switch n := n.(type) {
	case *ast.Heading, *ast.Paragraph, *ast.TextBlock:
		p.add(p.inlines(n), indent)
	case *ast.List:
		p.add(p.list(n), indent)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		var b strings.Builder
		lines := n.Lines()
		for i := range lines.Len() {
			seg := lines.At(i)
			b.Write(seg.Value(p.src))
		}
		p.add(b.String(), indent)
	case *ast.Blockquote:
		p.blocks(n, indent+"> ")
	case *ast.ThematicBreak:
		p.add("----", indent)
	case *east.Table:
		p.add(p.table(n), indent)
	default:
		p.blocks(n, indent)
	}
}

// list renders a list, its items' paragraphs kept together.
func (p *plain) list(l *ast.List) string {
	var b strings.Builder
	n := l.Start
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		marker := "- "
		if l.IsOrdered() {
			marker = strconv.Itoa(n) + ". "
			n++
		}
		sub := plain{src: p.src}
		sub.blocks(item, "")
		text := strings.Join(sub.paras, "\n")
		if box := taskBoxOf(item); box != nil {
			mark := "[ ] "
			if box.IsChecked {
				mark = "[x] "
			}
			text = mark + strings.TrimLeft(text, " ")
		}
		pad := strings.Repeat(" ", len([]rune(marker)))
		for i, line := range strings.Split(text, "\n") {
			if i == 0 {
				b.WriteString(marker + line + "\n")
			} else {
				b.WriteString(strings.TrimRight(pad+line, " ") + "\n")
			}
		}
	}
	return b.String()
}

func taskBoxOf(item ast.Node) *east.TaskCheckBox {
	if first := item.FirstChild(); first != nil && first.FirstChild() != nil {
		if box, ok := first.FirstChild().(*east.TaskCheckBox); ok {
			return box
		}
	}
	return nil
}

// table renders a table: "label: value" rows for two columns, else cells
// joined by " | " with the header first when it has text.
func (p *plain) table(t *east.Table) string {
	var rows [][]string
	header := false
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		var cells []string
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, strings.TrimSpace(p.inlines(c)))
		}
		if _, ok := r.(*east.TableHeader); ok {
			if strings.TrimSpace(strings.Join(cells, "")) == "" {
				continue
			}
			header = true
		}
		rows = append(rows, cells)
	}
	var b strings.Builder
	for i, cells := range rows {
		if len(cells) == 2 && !header {
			if cells[0] == "" {
				b.WriteString(cells[1] + "\n")
			} else {
				b.WriteString(strings.TrimSuffix(cells[0], ":") + ": " + cells[1] + "\n")
			}
			continue
		}
		b.WriteString(strings.Join(cells, " | ") + "\n")
		if i == 0 && header {
			b.WriteString(strings.Repeat("-", len([]rune(strings.Join(cells, " | ")))) + "\n")
		}
	}
	return b.String()
}

// inlines is the text of n's inline content without markers.
func (p *plain) inlines(n ast.Node) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			v := c.Segment.Value(p.src)
			if !c.IsRaw() {
				v = util.UnescapePunctuations(v)
			}
			b.Write(v)
			if c.HardLineBreak() || c.SoftLineBreak() {
				b.WriteString("\n")
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if txt, ok := t.(*ast.Text); ok {
					b.Write(txt.Segment.Value(p.src))
				}
			}
		case *ast.Link:
			label := p.inlines(c)
			b.WriteString(label)
			if dest := string(c.Destination); dest != "" && dest != label && "mailto:"+label != dest && "tel:"+label != dest {
				b.WriteString(" (" + dest + ")")
			}
		case *ast.AutoLink:
			b.Write(c.Label(p.src))
		case *ast.Image:
			b.WriteString(p.inlines(c))
		case *east.TaskCheckBox:
		case *ast.RawHTML:
			for i := range c.Segments.Len() {
				seg := c.Segments.At(i)
				b.Write(seg.Value(p.src))
			}
		default:
			b.WriteString(p.inlines(c))
		}
	}
	return b.String()
}

var (
	// lineMarker is what starts a Markdown line without being its text: a
	// heading's #, a quote's >, a list bullet or number, a task box.
	lineMarker = regexp.MustCompile(`^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d{1,3}[.)]\s+)+(?:\[[ xX]\]\s+)?`)
	// inlineLink is a link or an image; its text stays.
	inlineLink = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	// starred is text between single asterisks (emphasis).
	starred = regexp.MustCompile(`\*(\S(?:[^*]*\S)?)\*`)
	// markers are emphasis and code markers, dropped wherever they stand.
	markers = strings.NewReplacer("**", "", "__", "", "`", "")
)

// PlainLine is one line of Markdown as plain text, for a search result:
// no heading, quote or list markers, no task box, no emphasis or code
// markers, links as their text, a table row as its cells joined by " · ".
// It works line by line without parsing, so that it is cheap enough for
// every hit of a search.
func PlainLine(line string) string {
	s := strings.TrimSpace(line)
	if strings.HasPrefix(s, "|") {
		var cells []string
		for _, c := range strings.Split(strings.Trim(s, "|"), "|") {
			if c = strings.TrimSpace(c); c != "" && strings.Trim(c, "-: ") != "" {
				cells = append(cells, c)
			}
		}
		s = strings.Join(cells, " · ")
	}
	s = lineMarker.ReplaceAllString(s, "")
	s = inlineLink.ReplaceAllString(s, "$1")
	s = markers.Replace(s)
	s = starred.ReplaceAllString(s, "$1")
	return strings.TrimSpace(s)
}
