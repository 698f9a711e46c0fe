package binder

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// TestNumbersDrawnLast looks at the parts drawn once every page exists
// (the table of contents' numbers, the cover's page reference, the
// footers) as pixels: each must be on its page, in its colour. Going back
// to a page leaves that page's last colours selected in the PDF; a mistake
// there prints the footer black or the numbers grey.
func TestNumbersDrawnLast(t *testing.T) {
	need(t, "pdftoppm")
	dir := t.TempDir()
	path := filepath.Join(dir, "binder.pdf")
	res, err := WriteFile(context.Background(), path, testHandbook(), Options{PrintedAt: printed})
	if err != nil {
		t.Fatal(err)
	}
	const dpi = 100
	page := func(n int) image.Image {
		t.Helper()
		prefix := filepath.Join(dir, fmt.Sprintf("p%d", n))
		if out, err := exec.Command("pdftoppm", "-r", fmt.Sprint(dpi), "-f", fmt.Sprint(n), "-l", fmt.Sprint(n),
			"-png", "-singlefile", path, prefix).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
		f, err := os.Open(prefix + ".png")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	// darkest is the darkest grey value (0 black … 255 white) in the
	// rectangle given in millimetres, and whether it is grey, not coloured.
	darkest := func(img image.Image, x0, y0, x1, y1 float64) (int, bool) {
		px := func(mm float64) int { return int(mm / 25.4 * dpi) }
		low, grey := 255, true
		for y := px(y0); y <= px(y1); y++ {
			for x := px(x0); x <= px(x1); x++ {
				r, g, b, _ := img.At(x, y).RGBA()
				v := int(r>>8+g>>8+b>>8) / 3
				if v < low {
					low = v
					grey = max(r, g, b)-min(r, g, b) < 12<<8
				}
			}
		}
		return low, grey
	}
	const w, h, footerY = 210.0, 297.0, 297.0 - 13
	cases := []struct {
		name           string
		page           int
		x0, y0, x1, y1 float64
		lo, hi         int // the darkest pixel lies in [lo, hi]
	}{
		{"cover's page reference, black", 1, margin, h - bottomGap - 13, w / 2, h - bottomGap - 4, 0, 50},
		{"contents numbers, black", 2, w - margin - 10, 35, w - margin, 120, 0, 50},
		{"footer on the contents page, grey", 2, w - margin - 30, footerY + 1, w - margin, footerY + 6, 60, 170},
		{"footer on the last page, grey", res.Pages, w - margin - 30, footerY + 1, w - margin, footerY + 6, 60, 170},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, grey := darkest(page(tc.page), tc.x0, tc.y0, tc.x1, tc.y1)
			if v < tc.lo || v > tc.hi || !grey {
				t.Errorf("darkest pixel %d (grey %v) on page %d, want a grey text pixel in [%d, %d]", v, grey, tc.page, tc.lo, tc.hi)
			}
		})
	}

	// The same parts as words: the size they are set in (a word's height)
	// and their right edge.
	for _, n := range []int{2, 3, res.Pages} {
		t.Run(fmt.Sprintf("sizes on page %d", n), func(t *testing.T) {
			ws := bboxWords(t, path, n)
			header, footer := ws[0], wordNamed(ws, "Seite")
			if footer == nil {
				t.Fatalf("page %d: no footer", n)
			}
			if math.Abs(footer.h()-header.h()) > 0.1 {
				t.Errorf("page %d: footer set %.2f high, header %.2f: same size wanted", n, footer.h(), header.h())
			}
			last := ws[len(ws)-1]
			if right := (w - margin) / 25.4 * 72; math.Abs(last.XMax-right) > 0.5 {
				t.Errorf("page %d: footer ends at %.2f pt, want the right margin %.2f", n, last.XMax, right)
			}
		})
	}
	t.Run("contents numbers in their entry's size", func(t *testing.T) {
		ws := bboxWords(t, path, 2)
		entry := wordNamed(ws, "Alarmkarte")
		if entry == nil {
			t.Fatal("no Alarmkarte entry in the contents")
		}
		var num *bboxWord
		for i := range ws {
			if ws[i].YMin == entry.YMin && ws[i].XMin > w/2/25.4*72 && ws[i].Text != "." {
				num = &ws[i]
			}
		}
		if num == nil || math.Abs(num.h()-entry.h()) > 0.1 {
			t.Fatalf("number of the Alarmkarte entry %+v, want one as high as the entry %+v", num, entry)
		}
	})
}

type bboxWord struct {
	XMin, YMin, XMax, YMax float64
	Text                   string
}

func (b bboxWord) h() float64 { return b.YMax - b.YMin }

func wordNamed(ws []bboxWord, text string) *bboxWord {
	for i := range ws {
		if ws[i].Text == text {
			return &ws[i]
		}
	}
	return nil
}

var bboxWordRE = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// bboxWords are the words of page n with their boxes in points.
func bboxWords(t *testing.T, path string, n int) []bboxWord {
	t.Helper()
	need(t, "pdftotext")
	out, err := exec.Command("pdftotext", "-bbox", "-f", fmt.Sprint(n), "-l", fmt.Sprint(n), path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	var ws []bboxWord
	for _, m := range bboxWordRE.FindAllStringSubmatch(string(out), -1) {
		var b bboxWord
		for i, dst := range []*float64{&b.XMin, &b.YMin, &b.XMax, &b.YMax} {
			v, err := strconv.ParseFloat(m[i+1], 64)
			if err != nil {
				t.Fatal(err)
			}
			*dst = v
		}
		b.Text = m[5]
		ws = append(ws, b)
	}
	if len(ws) == 0 {
		t.Fatalf("page %d: no words", n)
	}
	return ws
}
