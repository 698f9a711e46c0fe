package gofpdf

// Ernstfall patch (see PATCHES.md): a finished page is compressed as soon
// as the next one begins, and Output writes the document to its writer as
// it is assembled. A long document then holds one uncompressed page and
// the compressed others instead of every page uncompressed, the whole
// file again, and a copy of each stream.

import (
	"bytes"
	"io"
)

// smallStream is the length under which a page's second content stream
// is stored as it is: compressing it would save a few bytes for the cost
// of setting up a compressor, as much as for a page.
const smallStream = 512

// earlyPages is what compressing pages early and writing out as the
// document is assembled need.
type earlyPages struct {
	on bool
	// sealed[n] is page n's content as compressed when the next page
	// began; nil while the page is open. What is drawn on a sealed page
	// later (SetPage) collects in pages[n] and becomes a second content
	// stream of that page.
	sealed [][]byte
	// spare is a sealed page's buffer, emptied, for the next page.
	spare *bytes.Buffer
	// scratch receives compressed bytes before they are copied to their
	// exact size.
	scratch bytes.Buffer
	// sink is Output's writer while Close assembles the document;
	// flushed counts the bytes already written to it.
	sink    io.Writer
	flushed int
}

// SetCompressEarly, when on, compresses each page's content as soon as the
// next page begins, instead of every page at the end. Content drawn on an
// earlier page afterwards (after SetPage) goes into a second content stream
// of that page, drawn after the first, so the page looks the same. Aliases
// (AliasNbPages, RegisterAlias) are not replaced in the content of a page
// compressed this way, and templates cannot copy such pages; it has no
// effect while compression is off. (Ernstfall patch.)
func (f *Fpdf) SetCompressEarly(on bool) {
	f.early.on = on
}

// sealPage compresses page n's content if the document compresses pages
// early and n is open.
func (f *Fpdf) sealPage(n int) {
	if !f.early.on || !f.compress || n < 1 || n >= len(f.pages) {
		return
	}
	for len(f.early.sealed) <= n {
		f.early.sealed = append(f.early.sealed, nil)
	}
	if f.early.sealed[n] != nil {
		return
	}
	buf := f.pages[n]
	f.early.sealed[n] = f.compressExact(buf.Bytes())
	buf.Reset()
	f.early.spare = buf
	f.pages[n] = new(bytes.Buffer)
}

// newPageBuffer is the content buffer of a new page: a sealed page's, or
// one with room for about what a page holds.
func (f *Fpdf) newPageBuffer() *bytes.Buffer {
	if b := f.early.spare; b != nil {
		f.early.spare = nil
		return b
	}
	return bytes.NewBuffer(make([]byte, 0, 16<<10))
}

// compressExact compresses data into a slice of its own, no larger than
// the compressed bytes.
func (f *Fpdf) compressExact(data []byte) []byte {
	f.early.scratch.Reset()
	compressTo(&f.early.scratch, data)
	return bytes.Clone(f.early.scratch.Bytes())
}

// pageContent is page n's content stream as the file holds it, whether it
// is compressed, and whether content drawn later follows it in a second
// stream.
func (f *Fpdf) pageContent(n int) (data []byte, compressed, later bool) {
	if n < len(f.early.sealed) && f.early.sealed[n] != nil {
		return f.early.sealed[n], true, f.pages[n].Len() > 0
	}
	if f.compress {
		return sliceCompress(f.pages[n].Bytes()), true, false
	}
	return f.pages[n].Bytes(), false, false
}

// releasePage lets go of page n's content once it is in the document.
func (f *Fpdf) releasePage(n int) {
	if n < len(f.early.sealed) {
		f.early.sealed[n] = nil
	}
}

// offset is where the next byte of the document goes.
func (f *Fpdf) offset() int {
	return f.early.flushed + f.buffer.Len()
}

// flushOutput writes what the document buffer holds to Output's writer
// once it holds enough to be worth a write.
func (f *Fpdf) flushOutput() {
	if f.early.sink == nil || f.buffer.Len() < 64<<10 || f.err != nil {
		return
	}
	n, err := f.buffer.WriteTo(f.early.sink)
	f.early.flushed += int(n)
	if err != nil {
		f.err = err
	}
}

// outBytes adds b and a line break to the document.
func (f *Fpdf) outBytes(b []byte) {
	if f.state == 2 {
		f.pages[f.page].Write(b)
		f.pages[f.page].WriteString("\n")
		return
	}
	f.buffer.Write(b)
	f.buffer.WriteString("\n")
	f.flushOutput()
}
