package app

import (
	"regexp"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"

	"ernstfall/internal/markdown"
)

// renderMarkdown turns handbook Markdown into widgets: one block per
// paragraph, heading, list, table, code block or rule. Task items read as
// a list, "•" for a step to do and "✓" for one done: a check box that
// cannot be ticked only misleads. Nothing is dropped: an element the
// renderer does not know shows as its plain text.
func renderMarkdown(src string) fyne.CanvasObject {
	return renderMarkdownWith(src, nil)
}

// renderMarkdownWith is renderMarkdown that names, after each role mention
// ("@IT-Lead"), what who returns for it in brackets: "@IT-Lead (Jonas
// Petersen)". The source stays as it is; nil or "" adds nothing.
func renderMarkdownWith(src string, who func(mention string) string) fyne.CanvasObject {
	return renderSteps(src, who, nil)
}

// renderSteps is renderMarkdownWith whose task items are check boxes that
// can be ticked: a tick calls tick with the step's text and is taken back
// (a playbook is a template; steps are ticked in an incident).
func renderSteps(src string, who func(mention string) string, tick func(step string)) fyne.CanvasObject {
	r := &mdRenderer{src: []byte(src), who: who, tick: tick}
	return container.NewVBox(r.blocks(markdown.Parse(r.src))...)
}

type mdRenderer struct {
	src  []byte
	who  func(mention string) string
	tick func(step string)
}

// roleMention is a role mention as the step parser reads it: "@" at the
// start or after a space, then letters, digits, '_' or '-'.
var roleMention = regexp.MustCompile(`(?:^|\s)@([\p{L}\p{N}_-]+)`)

// annotate adds who holds each role mentioned in s after the mention.
func annotate(s string, who func(mention string) string) string {
	if who == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range roleMention.FindAllStringSubmatchIndex(s, -1) {
		name := who(s[m[2]:m[3]])
		if name == "" {
			continue
		}
		b.WriteString(s[last:m[1]])
		b.WriteString(" (" + name + ")")
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

func (r *mdRenderer) blocks(parent ast.Node) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		out = append(out, r.block(n))
	}
	return out
}

func (r *mdRenderer) block(n ast.Node) fyne.CanvasObject {
	switch n := n.(type) {
	case *ast.Heading:
		st := widget.RichTextStyle{Inline: true, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
		if n.Level == 1 {
			st.SizeName = theme.SizeNameHeadingText
		}
		return r.rich(n, st)
	case *ast.Paragraph, *ast.TextBlock:
		return r.rich(n, widget.RichTextStyleInline)
	case *ast.List:
		return r.list(n)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		return r.code(n)
	case *ast.ThematicBreak:
		return widget.NewSeparator()
	case *ast.Blockquote:
		bar := widget.NewSeparator()
		return container.NewBorder(nil, nil, bar, nil, container.NewVBox(r.blocks(n)...))
	case *east.Table:
		return r.table(n)
	}
	return plainRich(r.plain(n))
}

// rich renders the inline content of a block as one wrapped rich text.
func (r *mdRenderer) rich(n ast.Node, st widget.RichTextStyle) *widget.RichText {
	var segs []widget.RichTextSegment
	r.inlines(n, st, &segs)
	rt := widget.NewRichText(segs...)
	rt.Wrapping = fyne.TextWrapWord
	return rt
}

func plainRich(s string) *widget.RichText {
	rt := widget.NewRichText(&widget.TextSegment{Text: s, Style: widget.RichTextStyleInline})
	rt.Wrapping = fyne.TextWrapWord
	return rt
}

func (r *mdRenderer) inlines(parent ast.Node, st widget.RichTextStyle, out *[]widget.RichTextSegment) {
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *ast.Text:
			s := annotate(string(n.Segment.Value(r.src)), r.who)
			switch {
			case n.HardLineBreak():
				s += "\n"
			case n.SoftLineBreak():
				s += " "
			}
			*out = append(*out, &widget.TextSegment{Text: s, Style: st})
		case *ast.String:
			*out = append(*out, &widget.TextSegment{Text: string(n.Value), Style: st})
		case *ast.Emphasis:
			em := st
			if n.Level >= 2 {
				em.TextStyle.Bold = true
			} else {
				em.TextStyle.Italic = true
			}
			r.inlines(n, em, out)
		case *ast.CodeSpan:
			code := widget.RichTextStyleCodeInline
			code.TextStyle.Bold = st.TextStyle.Bold
			*out = append(*out, &widget.TextSegment{Text: r.plain(n), Style: code})
		case *ast.Link:
			*out = append(*out, r.link(r.plain(n), string(n.Destination), st))
		case *ast.AutoLink:
			*out = append(*out, r.link(string(n.Label(r.src)), string(n.URL(r.src)), st))
		case *east.TaskCheckBox:
			// shown as a check box by the list item
		default:
			*out = append(*out, &widget.TextSegment{Text: r.plain(n), Style: st})
		}
	}
}

// link is a hyperlink for web, mail and phone addresses (markdown.SafeLink);
// anything else stays text.
func (r *mdRenderer) link(text, dest string, st widget.RichTextStyle) widget.RichTextSegment {
	u := markdown.SafeLink(dest)
	if u == nil {
		if dest != "" && dest != text {
			text += " (" + dest + ")"
		}
		return &widget.TextSegment{Text: text, Style: st}
	}
	return &widget.HyperlinkSegment{Text: text, URL: u}
}

func (r *mdRenderer) list(n *ast.List) fyne.CanvasObject {
	box := container.NewVBox()
	num := n.Start
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		var marker fyne.CanvasObject
		switch box := taskBox(item); {
		case box != nil && r.tick != nil && !box.IsChecked:
			step := r.plain(item)
			var c *widget.Check
			c = widget.NewCheck("", func(on bool) {
				if on {
					c.SetChecked(false)
					r.tick(step)
				}
			})
			marker = c
		case box != nil && box.IsChecked:
			marker = widget.NewLabel("✓")
		case box != nil:
			marker = widget.NewLabel("•")
		case n.IsOrdered():
			marker = widget.NewLabel(strconv.Itoa(num) + ".")
		default:
			marker = widget.NewLabel("•")
		}
		num++
		box.Add(container.NewBorder(nil, nil, container.NewVBox(marker), nil, container.NewVBox(r.blocks(item)...)))
	}
	return box
}

// taskBox returns the check box of a task item, nil for other items.
func taskBox(item ast.Node) *east.TaskCheckBox {
	if first := item.FirstChild(); first != nil {
		if box, ok := first.FirstChild().(*east.TaskCheckBox); ok {
			return box
		}
	}
	return nil
}

func (r *mdRenderer) code(n ast.Node) fyne.CanvasObject {
	var b strings.Builder
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		b.Write(seg.Value(r.src))
	}
	// long lines scroll sideways instead of widening the window
	return container.NewHScroll(widget.NewRichText(&widget.TextSegment{Text: strings.TrimRight(b.String(), "\n"), Style: widget.RichTextStyleCodeBlock}))
}

func (r *mdRenderer) table(n *east.Table) fyne.CanvasObject {
	var cells []fyne.CanvasObject
	cols := 0
	for row := n.FirstChild(); row != nil; row = row.NextSibling() {
		_, header := row.(*east.TableHeader)
		st := widget.RichTextStyleInline
		st.TextStyle.Bold = header
		count := 0
		for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
			cells = append(cells, r.rich(cell, st))
			count++
		}
		cols = max(cols, count)
	}
	if cols == 0 {
		return widget.NewLabel("")
	}
	return container.NewGridWithColumns(cols, cells...)
}

// plain is the text of a node and its descendants, as written.
func (r *mdRenderer) plain(n ast.Node) string {
	var b strings.Builder
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		switch n := n.(type) {
		case *ast.Text:
			b.Write(n.Segment.Value(r.src))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
			return
		case *ast.String:
			b.Write(n.Value)
			return
		}
		if n.Type() == ast.TypeBlock && n.FirstChild() == nil {
			lines := n.Lines()
			for i := range lines.Len() {
				seg := lines.At(i)
				b.Write(seg.Value(r.src))
			}
			return
		}
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimRight(b.String(), "\n")
}
