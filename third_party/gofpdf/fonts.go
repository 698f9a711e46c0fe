package gofpdf

// Ernstfall patch (see PATCHES.md): a UTF-8 font given as bytes is parsed
// once per process. The original parsed it for every document: about
// 5 ms and 1.7 MB of allocations for each of the binder's four fonts, for
// each binder printed.

import (
	"bytes"
	"hash/maphash"
	"sync"
)

var parsedFonts = struct {
	sync.Mutex
	seed maphash.Seed
	m    map[uint64][]*utf8FontFile
}{seed: maphash.MakeSeed(), m: map[uint64][]*utf8FontFile{}}

// parseUTF8Font is the font file data parsed: a copy of what an earlier
// parse of the same bytes found, or a new parse. The copy reads data with
// a reader of its own; what it shares with the other copies (the widths,
// the table descriptions) is only read, and GenerateCutFont replaces it
// before it writes.
func parseUTF8Font(data []byte) (*utf8FontFile, error) {
	h := maphash.Bytes(parsedFonts.seed, data)
	parsedFonts.Lock()
	for _, p := range parsedFonts.m[h] {
		if bytes.Equal(p.fileReader.array, data) {
			c := *p
			parsedFonts.Unlock()
			c.fileReader = &fileReader{array: data}
			return &c, nil
		}
	}
	parsedFonts.Unlock()
	p := newUTF8Font(&fileReader{array: data})
	if err := p.parseFile(); err != nil {
		return nil, err
	}
	c := *p
	c.fileReader = &fileReader{array: data}
	parsedFonts.Lock()
	parsedFonts.m[h] = append(parsedFonts.m[h], p)
	parsedFonts.Unlock()
	return &c, nil
}
