package binder

import (
	"strings"

	east "github.com/yuin/goldmark/extension/ast"
)

// cell is the content of one table cell.
type cell []run

// txt is a cell of plain text in style st.
func txt(s string, st style) cell { return cell{{text: s, st: st}} }

// table is a grid whose cells wrap; the header row repeats on every page
// the table continues on.
type table struct {
	header []cell
	rows   [][]cell
	// widths are the columns' shares of the table width; nil sizes the
	// columns by their content.
	widths []float64
	// size is the font size in points; 0 is sizeTable.
	size float64
}

const cellPad = 1.2

// table draws t between x and x+width from the current line.
func (d *doc) table(t table, x, width float64) {
	size := t.size
	if size == 0 {
		size = sizeTable
	}
	cols := len(t.header)
	for _, r := range t.rows {
		cols = max(cols, len(r))
	}
	if cols == 0 {
		return
	}
	widths := t.widths
	if len(widths) != cols {
		widths = d.autoWidths(t, cols, width)
	}
	abs := make([]float64, cols)
	var sum float64
	for _, w := range widths {
		sum += w
	}
	for i, w := range widths {
		abs[i] = w / sum * width
	}
	lh := lineHeight(size)
	layoutRow := func(r []cell, header bool) [][]line {
		out := make([][]line, cols)
		for i := range cols {
			if i < len(r) {
				runs := sized(r[i], size, header)
				out[i] = d.layout(runs, abs[i]-2*cellPad)
			}
		}
		return out
	}
	var head [][]line
	headH := 0.0
	if len(t.header) > 0 {
		head = layoutRow(t.header, true)
		headH = float64(maxLines(head))*lh + 2*cellPad
	}
	drawHead := func() {
		if head != nil {
			d.row(head, abs, x, 0, maxLines(head), lh, true)
		}
	}
	d.y += 1
	d.ensure(headH + lh + 2*cellPad)
	drawHead()
	for _, r := range t.rows {
		lines := layoutRow(r, false)
		n := max(maxLines(lines), 1)
		h := float64(n)*lh + 2*cellPad
		fresh := d.bottom - topMargin - headH
		if d.y+h > d.bottom && h <= fresh {
			d.newPage(d.section)
			drawHead()
		}
		for from := 0; from < n; {
			fit := int((d.bottom - d.y - 2*cellPad) / lh)
			if fit < 1 {
				d.newPage(d.section)
				drawHead()
				continue
			}
			to := min(n, from+fit)
			d.row(lines, abs, x, from, to, lh, false)
			from = to
		}
	}
	d.y += 2
}

// row draws lines from..to of each cell of one row as a row of boxes.
func (d *doc) row(cells [][]line, widths []float64, x float64, from, to int, lh float64, header bool) {
	h := float64(to-from)*lh + 2*cellPad
	d.pdf.SetDrawColor(160, 160, 160)
	cx := x
	for i, lines := range cells {
		if header {
			d.fillRect(cx, d.y, widths[i], h, "FD", 225, 225, 225)
		} else {
			d.pdf.Rect(cx, d.y, widths[i], h, "D")
		}
		y := d.y + cellPad
		for j := from; j < to && j < len(lines); j++ {
			d.drawLine(lines[j], cx+cellPad, y, lh)
			y += lh
		}
		cx += widths[i]
	}
	d.y += h
}

func maxLines(cells [][]line) int {
	n := 0
	for _, c := range cells {
		n = max(n, len(c))
	}
	return n
}

// sized gives a cell's runs the table's font size, keeping relative sizes.
func sized(c cell, size float64, header bool) []run {
	out := make([]run, len(c))
	for i, r := range c {
		if r.st.size == 0 {
			r.st.size = size
		}
		if header {
			r.st.bold = true
		}
		out[i] = r
	}
	return out
}

// autoWidths shares width among the columns: columns whose content is
// narrower than an even share keep their natural width, the rest share
// what is left in proportion to their content. No column gets narrower
// than its longest word while the others can give way, so a word such as
// "Landesdatenschutzbehörde" is not cut in two.
func (d *doc) autoWidths(t table, cols int, width float64) []float64 {
	natural := make([]float64, cols)
	word := make([]float64, cols)
	measure := func(r []cell, header bool) {
		for i, c := range r {
			var w float64
			runs := sized(c, sizeOfTable(t), header)
			for _, ln := range d.layout(runs, 1e6) {
				w = max(w, ln.w)
			}
			natural[i] = max(natural[i], w+2*cellPad+0.5)
			for _, r := range runs {
				for _, f := range strings.Fields(r.text) {
					word[i] = max(word[i], d.width(f, r.st)+2*cellPad+0.5)
				}
			}
		}
	}
	measure(t.header, true)
	for _, r := range t.rows {
		measure(r, false)
	}
	out := make([]float64, cols)
	fixed := make([]bool, cols)
	left, open := width, cols
	for changed := true; changed && open > 0; {
		changed = false
		share := left / float64(open)
		for i := range cols {
			if !fixed[i] && natural[i] <= share {
				out[i], fixed[i] = natural[i], true
				left -= natural[i]
				open--
				changed = true
			}
		}
	}
	var rest float64
	for i := range cols {
		if !fixed[i] {
			rest += natural[i]
		}
	}
	for i := range cols {
		if !fixed[i] {
			out[i] = left * natural[i] / rest
		}
	}
	if open == 0 {
		var sum float64
		for _, w := range out {
			sum += w
		}
		for i := range out {
			out[i] *= width / sum
		}
	}
	widenToWords(out, word)
	return out
}

// widenToWords gives each column at least its longest word, taking the
// width from the columns that have more than theirs, in proportion to
// what they can spare. When the words do not fit side by side, the widths
// stay as they are.
func widenToWords(out, word []float64) {
	var need, spare float64
	for i := range out {
		if out[i] < word[i] {
			need += word[i] - out[i]
		} else {
			spare += out[i] - word[i]
		}
	}
	if need == 0 || need > spare {
		return
	}
	for i := range out {
		if out[i] < word[i] {
			out[i] = word[i]
		} else {
			out[i] -= (out[i] - word[i]) * need / spare
		}
	}
}

func sizeOfTable(t table) float64 {
	if t.size == 0 {
		return sizeTable
	}
	return t.size
}

// mdTable renders a GFM table.
func (d *doc) mdTable(n *east.Table, m *mdSource, x, width float64) {
	var t table
	for r := n.FirstChild(); r != nil; r = r.NextSibling() {
		var cells []cell
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, d.inlines(c, m, style{}))
		}
		if _, ok := r.(*east.TableHeader); ok {
			t.header = cells
		} else {
			t.rows = append(t.rows, cells)
		}
	}
	d.table(t, x, width)
}
