package binder

import (
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"

	"ernstfall/internal/markdown"
)

// mdSource is one Markdown text being rendered.
type mdSource struct {
	src []byte
	// fillIn prints placeholders as lines to write on.
	fillIn bool
}

// markdown renders Markdown between x and x+width: one walk over the
// syntax tree. Whatever the walk does not know prints as plain text.
func (d *doc) markdown(src string, x, width float64, fillIn bool) {
	m := &mdSource{src: []byte(src), fillIn: fillIn}
	d.blocks(markdown.Parse(m.src), m, x, width)
}

func (d *doc) blocks(n ast.Node, m *mdSource, x, width float64) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		d.block(c, m, x, width)
	}
}

func (d *doc) block(n ast.Node, m *mdSource, x, width float64) {
	lh := lineHeight(sizeBody)
	switch n := n.(type) {
	case *ast.Heading:
		size := [...]float64{14, 12.5, 11, 10.5, 10, 10}[min(n.Level, 6)-1]
		hl := lineHeight(size)
		lines := d.layout(d.inlines(n, m, style{bold: true, size: size}), width)
		d.y += 2
		d.ensure(float64(len(lines))*hl + 2*lh)
		for _, ln := range lines {
			d.drawLine(ln, x, d.y, hl)
			d.y += hl
		}
		if n.Level <= 2 {
			d.rule(x, x+width, d.y+0.3, 0.2)
		}
		d.y += 1.5
	case *ast.Paragraph:
		d.flow(d.inlines(n, m, style{}), x, width, lh)
		d.y += 1.5
	case *ast.TextBlock:
		d.flow(d.inlines(n, m, style{}), x, width, lh)
		d.y += 0.4
	case *ast.List:
		d.list(n, m, x, width)
		d.y += 1
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		d.code(n, m, x, width)
	case *ast.Blockquote:
		page, y0 := d.pdf.PageNo(), d.y
		d.blocks(n, m, x+4, width-4)
		if d.pdf.PageNo() != page {
			y0 = topMargin
		}
		d.pdf.SetDrawColor(170, 170, 170)
		d.pdf.SetLineWidth(0.8)
		d.pdf.Line(x+1, y0, x+1, d.y-1.5)
		d.pdf.SetLineWidth(0.2)
	case *ast.ThematicBreak:
		d.ensure(4)
		d.rule(x, x+width, d.y+2, 0.3)
		d.y += 4
	case *east.Table:
		d.mdTable(n, m, x, width)
	default:
		d.plain(n, m, x, width)
	}
}

// plain prints a block the renderer does not know as the text it holds:
// its source lines, else the blocks or the inline text inside it.
func (d *doc) plain(n ast.Node, m *mdSource, x, width float64) {
	var b strings.Builder
	if lines := n.Lines(); lines != nil {
		for i := range lines.Len() {
			seg := lines.At(i)
			b.Write(seg.Value(m.src))
		}
	}
	if b.Len() == 0 {
		if c := n.FirstChild(); c != nil && c.Type() == ast.TypeBlock {
			d.blocks(n, m, x, width)
			return
		}
		b.WriteString(plainOf(d.inlines(n, m, style{})))
	}
	if text := strings.TrimRight(b.String(), "\n"); text != "" {
		d.flow([]run{{text: text}}, x, width, lineHeight(sizeBody))
		d.y += 1.5
	}
}

func (d *doc) code(n ast.Node, m *mdSource, x, width float64) {
	st := style{mono: true, size: sizeCode}
	lh := lineHeight(sizeCode) + 0.3
	d.font(st)
	lines := n.Lines()
	d.y += 0.5
	for i := range lines.Len() {
		seg := lines.At(i)
		text := strings.TrimRight(string(seg.Value(m.src)), "\r\n")
		text = strings.ReplaceAll(text, "\t", "    ")
		for first := true; first || text != ""; first = false {
			k := fitRunes(d, text, st, width-3)
			part := text[:k]
			text = text[k:]
			d.ensure(lh)
			d.fillRect(x, d.y, width, lh, "F", 240, 240, 240)
			d.font(st)
			d.pdf.SetXY(x+1.5, d.y)
			d.pdf.CellFormat(width-3, lh, part, "", 0, "L", false, 0, "")
			d.y += lh
		}
	}
	d.y += 2
}

// fitRunes returns how many bytes of s fit in width (at least one rune).
func fitRunes(d *doc, s string, st style, width float64) int {
	if d.width(s, st) <= width {
		return len(s)
	}
	w, n := 0.0, 0
	for i, r := range s {
		rw := d.width(string(r), st)
		if w+rw > width && n > 0 {
			return n
		}
		w += rw
		n = i + len(string(r))
	}
	return n
}

func (d *doc) list(l *ast.List, m *mdSource, x, width float64) {
	num := l.Start
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		if box := taskBox(item); box != nil {
			d.task(box, m, x, width)
			continue
		}
		marker, indent := "•", 5.0
		if l.IsOrdered() {
			marker, indent = fmt.Sprintf("%d.", num), 7.0
			num++
		}
		lh := lineHeight(sizeBody)
		d.ensure(lh)
		d.font(style{})
		d.pdf.SetXY(x, d.y)
		d.pdf.CellFormat(indent, lh, marker, "", 0, "L", false, 0, "")
		d.blocks(item, m, x+indent, width-indent)
	}
}

// taskBox returns the check box of a task list item, nil for other items.
func taskBox(item ast.Node) *east.TaskCheckBox {
	if first := item.FirstChild(); first != nil {
		if box, ok := first.FirstChild().(*east.TaskCheckBox); ok {
			return box
		}
	}
	return nil
}

// task prints a step: a box to tick, the text, and on the right the role
// and time target above a line for initials and time.
func (d *doc) task(box *east.TaskCheckBox, m *mdSource, x, width float64) {
	const colW = 46.0
	lh := lineHeight(sizeBody)
	para := box.Parent()
	step := markdown.StepOf(box, m.src)
	runs, target := stripStep(d.inlines(para, m, style{}), step)
	textX, textW := x+6, width-6-colW-2
	lines := d.layout(runs, textW)
	var head []run
	if step.Role != "" {
		head = append(head, run{text: "@" + step.Role + " ", st: style{bold: true, size: sizeSmall + 0.5}})
	}
	if target != "" {
		head = append(head, run{text: "≤ " + target, st: style{size: sizeSmall + 0.5}})
	}
	headLines := d.layout(head, colW)
	h := float64(max(len(lines), len(headLines)+1)) * lh
	if h < d.bottom-topMargin {
		d.ensure(h + 1)
	}
	page, y0 := d.pdf.PageNo(), d.y

	d.pdf.SetDrawColor(0, 0, 0)
	d.pdf.SetLineWidth(0.3)
	d.pdf.Rect(x+0.3, y0+0.6, 3.6, 3.6, "D")
	if box.IsChecked {
		d.pdf.Line(x+0.3, y0+0.6, x+3.9, y0+4.2)
		d.pdf.Line(x+0.3, y0+4.2, x+3.9, y0+0.6)
	}
	d.pdf.SetLineWidth(0.2)

	cx, cy := x+width-colW, y0
	for _, ln := range headLines {
		d.drawLine(ln, cx, cy, lh)
		cy += lh
	}
	d.font(style{size: sizeSmall - 0.5, color: colorGray})
	d.pdf.SetXY(cx, cy)
	d.pdf.CellFormat(colW, lh, d.t.initials+" ________ "+d.t.clock+" ______", "", 0, "L", false, 0, "")

	for _, ln := range lines {
		d.ensure(lh)
		d.drawLine(ln, textX, d.y, lh)
		d.y += lh
	}
	if d.pdf.PageNo() == page {
		d.y = max(d.y, cy+lh)
	}
	d.y += 1

	for c := para.NextSibling(); c != nil; c = c.NextSibling() {
		d.block(c, m, textX, width-6)
	}
}

// stripStep removes the role mention and the time target from a step's
// text, which the step column shows, and returns the target as written.
func stripStep(runs []run, s markdown.Step) ([]run, string) {
	runs = merge(runs)
	written := ""
	role := s.Role != ""
	target := s.Target > 0
	for i := range runs {
		if runs[i].st.mono {
			continue
		}
		if role {
			if t, ok := cutWord(runs[i].text, "@"+s.Role); ok {
				runs[i].text, role = t, false
			}
		}
		if target {
			// The time target prints in its own column, not in the text.
			if start, end, ok := markdown.FindTimeTarget(runs[i].text); ok {
				written = strings.TrimSpace(runs[i].text[start+1 : end-1])
				runs[i].text, target = runs[i].text[:start]+runs[i].text[end:], false
			}
		}
	}
	for i := len(runs) - 1; i >= 0; i-- {
		runs[i].text = strings.TrimRight(runs[i].text, " ")
		if runs[i].text != "" {
			break
		}
	}
	return runs, written
}

// merge joins neighbouring runs of the same style and link; the parser
// splits text at characters that may start a link.
func merge(runs []run) []run {
	var out []run
	for _, r := range runs {
		if n := len(out); n > 0 && out[n-1].st == r.st && out[n-1].url == r.url {
			out[n-1].text += r.text
			continue
		}
		out = append(out, r)
	}
	return out
}

// cutWord removes the first occurrence of word from s.
func cutWord(s, word string) (string, bool) {
	i := strings.Index(s, word)
	if i < 0 {
		return s, false
	}
	return s[:i] + s[i+len(word):], true
}

// inlines collects the inline content of n as runs; st is the style the
// content inherits.
func (d *doc) inlines(n ast.Node, m *mdSource, st style) []run {
	var out []run
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			out = append(out, run{text: string(c.Segment.Value(m.src)), st: st})
			switch {
			case c.HardLineBreak():
				out = append(out, run{text: "\n", st: st})
			case c.SoftLineBreak():
				out = append(out, run{text: " ", st: st})
			}
		case *ast.String:
			out = append(out, run{text: string(c.Value), st: st})
		case *ast.CodeSpan:
			code := st
			code.mono, code.bold, code.italic = true, false, false
			if code.size == 0 {
				code.size = sizeBody - 0.5
			}
			var b strings.Builder
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if txt, ok := t.(*ast.Text); ok {
					b.Write(txt.Segment.Value(m.src))
				}
			}
			out = append(out, run{text: b.String(), st: code})
		case *ast.Emphasis:
			em := st
			if c.Level >= 2 {
				em.bold = true
			} else {
				em.italic = true
			}
			out = append(out, d.inlines(c, m, em)...)
		case *east.Strikethrough:
			s := st
			s.strike = true
			out = append(out, d.inlines(c, m, s)...)
		case *ast.Link:
			dest := string(c.Destination)
			url := clickable(dest)
			label := d.inlines(c, m, withColor(st, colorLink))
			if url == "" {
				label = d.inlines(c, m, st)
			}
			for i := range label {
				label[i].url = url
			}
			out = append(out, label...)
			if dest != "" && dest != plainOf(label) {
				small := style{size: sizeOf(st) - 1.5, color: colorGray}
				out = append(out, run{text: " (" + dest + ")", st: small, url: url})
			}
		case *ast.AutoLink:
			url := clickable(string(c.URL(m.src)))
			lst := withColor(st, colorLink)
			if url == "" {
				lst = st
			}
			out = append(out, run{text: string(c.Label(m.src)), st: lst, url: url})
		case *ast.Image:
			alt := d.inlines(c, m, withColor(st, colorGray))
			out = append(out, alt...)
			out = append(out, run{text: " [" + d.t.image + ": " + string(c.Destination) + "]", st: withColor(st, colorGray)})
		case *east.TaskCheckBox:
		case *ast.RawHTML:
			for i := range c.Segments.Len() {
				seg := c.Segments.At(i)
				out = append(out, run{text: string(seg.Value(m.src)), st: st})
			}
		default:
			out = append(out, d.inlines(c, m, st)...)
		}
	}
	if !m.fillIn {
		return out
	}
	var filled []run
	for _, r := range merge(out) {
		if r.url != "" || r.st.mono {
			filled = append(filled, r)
			continue
		}
		filled = append(filled, m.textRuns(r.text, r.st)...)
	}
	return filled
}

// clickable is dest when a reader may open it (see markdown.SafeLink),
// else "": the link then prints as text only.
func clickable(dest string) string {
	if u := markdown.SafeLink(dest); u != nil {
		return dest
	}
	return ""
}

func withColor(st style, c color) style {
	st.color = c
	return st
}

func plainOf(runs []run) string {
	var b strings.Builder
	for _, r := range runs {
		b.WriteString(r.text)
	}
	return b.String()
}

// textRuns splits text into runs; in a template, placeholders become
// fill-in lines that still name what belongs there.
func (m *mdSource) textRuns(text string, st style) []run {
	if !m.fillIn {
		return []run{{text: text, st: st}}
	}
	var out []run
	for text != "" {
		start, end, name, ok := markdown.FindPlaceholder(text)
		if !ok {
			out = append(out, run{text: text, st: st})
			break
		}
		if start > 0 {
			out = append(out, run{text: text[:start], st: st})
		}
		out = append(out, fillIn(name, st)...)
		text = text[end:]
	}
	return out
}

// fillIn is a placeholder as a blank line with its name in small print.
func fillIn(name string, st style) []run {
	small := style{size: sizeOf(st) - 2.5, color: colorGray, italic: true}
	return []run{{text: name + ":", st: small}, {text: "________________", st: st}}
}
