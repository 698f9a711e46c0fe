package gofpdf

// Tests of the Ernstfall patch (PATCHES.md). The original's tests are not
// carried; these check what the patch changes.

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"math"
	"math/rand"
	"regexp"
	"strconv"
	"testing"
	"time"
)

var fixedDate = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// draw makes a document of three pages with a core font and goes back to
// the first two to draw on them again, as a binder draws its footers.
func draw(early bool) *Fpdf {
	f := New("P", "mm", "A4", "")
	f.SetCompressEarly(early)
	f.SetCreationDate(fixedDate)
	f.SetModificationDate(fixedDate)
	f.SetAutoPageBreak(false, 0)
	f.SetFont("Helvetica", "", 10)
	for p := 1; p <= 3; p++ {
		f.AddPage()
		for i := 0; i < 40; i++ {
			f.SetXY(20, 20+float64(i)*6)
			f.CellFormat(100, 5, fmt.Sprintf("page %d line %d (escaped) \\ back", p, i), "", 0, "L", false, 0, "")
		}
		f.Rect(10, 10, 5, 5, "F")
	}
	for p := 1; p <= 2; p++ {
		f.SetPage(p)
		f.SetXY(20, 280)
		f.CellFormat(100, 5, fmt.Sprintf("page %d of 3", p), "", 0, "R", false, 0, "")
	}
	// A long text on page 1: its second stream is compressed.
	f.SetPage(1)
	for i := 0; i < 20; i++ {
		f.SetXY(120, 20+float64(i)*6)
		f.CellFormat(50, 5, fmt.Sprintf("number %d", i), "", 0, "R", false, 0, "")
	}
	f.SetPage(3)
	return f
}

var objRE = regexp.MustCompile(`(?s)\n(\d+) 0 obj\n(.*?)\nendobj`)

// pageContents reads a PDF written by the package: each page's content,
// its streams decoded and joined in order.
func pageContents(t *testing.T, pdf []byte) []string {
	t.Helper()
	objs := map[string][]byte{}
	for _, m := range objRE.FindAllSubmatch(pdf, -1) {
		objs[string(m[1])] = m[2]
	}
	stream := func(num string) string {
		body, ok := objs[num]
		if !ok {
			t.Fatalf("no object %s", num)
		}
		i := bytes.Index(body, []byte("stream\n"))
		j := bytes.LastIndex(body, []byte("\nendstream"))
		if i < 0 || j < i {
			t.Fatalf("object %s is no stream: %.80q", num, body)
		}
		data := body[i+len("stream\n") : j]
		n, err := strconv.Atoi(string(regexp.MustCompile(`/Length (\d+)`).FindSubmatch(body)[1]))
		if err != nil || n != len(data) {
			t.Fatalf("object %s: /Length %d, stream of %d bytes", num, n, len(data))
		}
		if !bytes.Contains(body[:i], []byte("/FlateDecode")) {
			return string(data)
		}
		r, err := zlib.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("object %s: %v", num, err)
		}
		out, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("object %s: %v", num, err)
		}
		return string(out)
	}
	var pages []string
	for num := 3; ; num += 2 {
		body, ok := objs[strconv.Itoa(num)]
		if !ok || !bytes.Contains(body, []byte("/Type /Page\n")) {
			break
		}
		m := regexp.MustCompile(`/Contents (?:(\d+) 0 R|\[(\d+) 0 R (\d+) 0 R\])`).FindSubmatch(body)
		if m == nil {
			t.Fatalf("page object %d has no contents: %s", num, body)
		}
		if m[1] != nil {
			pages = append(pages, stream(string(m[1])))
		} else {
			pages = append(pages, stream(string(m[2]))+stream(string(m[3])))
		}
	}
	return pages
}

// checkXref checks that every offset of the cross-reference table points
// at its object.
func checkXref(t *testing.T, pdf []byte) {
	t.Helper()
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref")
	}
	at, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(pdf[at:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d points at %.20q", at, pdf[at:])
	}
	lines := bytes.Split(pdf[at:], []byte("\n"))
	count, _ := strconv.Atoi(string(bytes.Fields(lines[1])[1]))
	for n := 1; n < count; n++ {
		off, _ := strconv.Atoi(string(lines[2+n][:10]))
		if want := fmt.Sprintf("%d 0 obj", n); !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Fatalf("object %d: offset %d points at %.20q", n, off, pdf[off:])
		}
	}
}

// chunks records the sizes of the writes it receives.
type chunks struct {
	bytes.Buffer
	writes int
}

func (c *chunks) Write(p []byte) (int, error) {
	c.writes++
	return c.Buffer.Write(p)
}

// TestCompressEarly: pages compressed early, with what was drawn on them
// afterwards in a second stream, hold the same content as pages compressed
// at the end; the output is written in pieces, and the cross-reference
// table points at every object.
func TestCompressEarly(t *testing.T) {
	var late bytes.Buffer
	if err := draw(false).Output(&late); err != nil {
		t.Fatal(err)
	}
	var early chunks
	if err := draw(true).Output(&early); err != nil {
		t.Fatal(err)
	}
	want, got := pageContents(t, late.Bytes()), pageContents(t, early.Bytes())
	if len(want) != 3 || len(got) != 3 {
		t.Fatalf("pages: %d at the end, %d early; want 3", len(want), len(got))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("page %d differs:\nearly %q\nlate  %q", i+1, got[i], want[i])
		}
	}
	for _, b := range [][]byte{late.Bytes(), early.Bytes()} {
		checkXref(t, b)
	}
	seconds := regexp.MustCompile(`/Contents \[`).FindAll(early.Bytes(), -1)
	if len(seconds) != 2 {
		t.Errorf("%d pages with a second stream, want 2 (pages 1 and 2)", len(seconds))
	}
}

// TestOutputStreams: a document larger than the output buffer reaches the
// writer in several writes, and a failing writer's error is returned.
func TestOutputStreams(t *testing.T) {
	f := New("P", "mm", "A4", "")
	f.SetCompression(false)
	f.SetFont("Helvetica", "", 10)
	for p := 0; p < 150; p++ {
		f.AddPage()
		for i := 0; i < 40; i++ {
			f.SetXY(20, 20+float64(i)*6)
			f.CellFormat(100, 5, fmt.Sprintf("page %d line %d", p, i), "", 0, "L", false, 0, "")
		}
	}
	var out chunks
	if err := f.Output(&out); err != nil {
		t.Fatal(err)
	}
	if out.writes < 3 {
		t.Errorf("%d bytes in %d writes, want it written as assembled", out.Len(), out.writes)
	}
	checkXref(t, out.Bytes())
	if n := len(pageContents(t, out.Bytes())); n != 150 {
		t.Errorf("%d pages, want 150", n)
	}
	g := draw(true)
	if err := g.Output(failing{}); err == nil || err.Error() != "disk full" {
		t.Errorf("Output to a failing writer: %v, want disk full", err)
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, fmt.Errorf("disk full") }

// TestAppendf: appendf writes what fmt.Sprintf writes, for the verbs it
// formats itself and for those it hands to fmt.
func TestAppendf(t *testing.T) {
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.005, 0.015, -0.004, 0.125, 0.375, 2.675, 1.005,
		0.0005, 0.00125, 1e-9, -1e-9, 123456.789, -98765.4321, 999999999999.995, 1e12, 1e21, -1e21,
		595.28, 841.89, 51.0236, 0.5, 1.5, 2.5, -2.5, 0.045, math.Inf(1), math.Inf(-1), math.NaN(),
		math.MaxFloat64, math.SmallestNonzeroFloat64}
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 5000; i++ {
		floats = append(floats, (r.Float64()-0.5)*math.Pow(10, float64(r.Intn(16)-4)))
		// Halves and near-halves of the last decimal.
		k := float64(r.Intn(2000000)) + 0.5
		floats = append(floats, k/100, k/1000, k/100000, math.Nextafter(k/100, 0), math.Nextafter(k/100, 1e9))
	}
	formats := []string{"%.2f", "%.3f", "%.5f", "%.0f", "BT %.2f %.2f Td (%s)Tj ET", "%.2f %.2f %.2f %.2f re %s",
		"%.3f g", "/F%s %d 0 R", "%d%%", "%5.2f", "%v", "%x", "%.2f %.2f", "%s", "%.2"}
	verbs := map[string][]string{}
	for _, format := range formats {
		verbs[format] = regexp.MustCompile(`%[^%]*?[a-z]`).FindAllString(format, -1)
	}
	for _, x := range floats {
		for _, format := range formats {
			var args []interface{}
			for _, verb := range verbs[format] {
				switch verb[len(verb)-1] {
				case 'd', 'x':
					args = append(args, int(x))
				case 's':
					args = append(args, fmt.Sprint(x))
				default:
					args = append(args, x)
				}
			}
			want := fmt.Sprintf(format, args...)
			if got := string(appendf([]byte("prefix "), format, args...)); got != "prefix "+want {
				t.Fatalf("appendf(%q, %v) = %q, want %q", format, args, got, "prefix "+want)
			}
			if got := string(appendf(nil, format, append(args, 1)...)); got != fmt.Sprintf(format, append(args, 1)...) {
				t.Fatalf("appendf(%q) with an extra argument = %q", format, got)
			}
		}
	}
	if got, want := string(appendf(nil, "%d %s", int64(7), []byte("x"))), fmt.Sprintf("%d %s", int64(7), []byte("x")); got != want {
		t.Errorf("other types: %q, want %q", got, want)
	}
}

// TestAppendTextUTF16: the text of a string in a UTF-8 font is what the
// original's copies made of it.
func TestAppendTextUTF16(t *testing.T) {
	f := New("P", "mm", "A4", "")
	texts := []string{"", "Notfallhandbuch", "Müller (Büro) \\ 100 % – ✓ „Zitat“", "a\rb", "\u2829\u5c28",
		"€ 😀 x", "Ω≈ç√∫˜µ≤≥÷"}
	for r := rune(0); r < 0x3000; r += 7 {
		texts = append(texts, string(r)+"x"+string(r+1))
	}
	for _, s := range texts {
		want := f.escape(utf8toutf16(s, false))
		if got := string(appendTextUTF16([]byte("("), s)); got != "("+want {
			t.Fatalf("%q: %q, want %q", s, got, "("+want)
		}
	}
	for _, s := range []string{"\xe2", "\xe2\x82", "\xc3"} {
		if got := appendTextUTF16(nil, s); len(got) != 2 {
			t.Errorf("truncated %q: %q", s, got)
		}
	}
}
