package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"ernstfall/internal/handbook"
)

// ErrCorrupt: the database file is damaged ("database disk image is
// malformed"): parts of it cannot be read.
var ErrCorrupt = errors.New("the handbook file is damaged")

// IsCorrupt reports whether err says the database file is damaged.
func IsCorrupt(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrCorrupt) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"database disk image is malformed", "SQLITE_CORRUPT", "SQLITE_IOERR_SHORT_READ", "disk I/O error"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// Salvaged is what Salvage recovered from a damaged database.
type Salvaged struct {
	// Handbook holds the live records recovered, and the settings.
	Handbook handbook.Handbook
	// HandbookID is the handbook's ID, when it could be read.
	HandbookID string
	// Counts are the live records recovered, per kind.
	Counts map[handbook.Entity]int
	// FromTree counts the records SQLite still found through the table;
	// FromPages those only the scan of the file's pages found.
	FromTree, FromPages int
	// Unreadable counts rows whose data could not be decoded.
	Unreadable int
}

// Salvage recovers every record it can still read from a damaged database
// file, without writing to it: first through SQLite, row range by row
// range, skipping the ranges a damaged page makes unreadable (the way
// SQLite's own recovery reads what the b-tree still yields), then by
// scanning every page of the file, and of a WAL beside it, for table rows
// that hold a record. Where a record was found more than once the
// version the table holds wins, else the newest.
func Salvage(ctx context.Context, path string) (Salvaged, error) {
	out := Salvaged{Counts: map[handbook.Entity]int{}}
	if _, err := os.Stat(path); err != nil {
		return out, fmt.Errorf("salvage %s: %w", path, err)
	}
	found := map[string]salvagedRow{}
	pages, pageID, maxRowid, bad := scanPages(path)
	out.Unreadable = bad
	tree, id := salvageTree(ctx, path, maxRowid)
	for k, r := range tree {
		found[k] = r
	}
	out.HandbookID = id
	if out.HandbookID == "" {
		out.HandbookID = pageID
	}
	for k, r := range pages {
		if _, ok := found[k]; !ok {
			found[k] = r
		}
	}
	for k, r := range found {
		if r.deleted {
			continue
		}
		if r.entity == settingsEntity {
			if err := json.Unmarshal([]byte(r.data), &out.Handbook.Settings); err != nil {
				out.Unreadable++
			}
			continue
		}
		if err := appendRecord(&out.Handbook, r.entity, []byte(r.data)); err != nil {
			out.Unreadable++
			continue
		}
		out.Counts[r.entity]++
		if _, ok := tree[k]; ok {
			out.FromTree++
		}
	}
	out.FromPages = 0
	for _, n := range out.Counts {
		out.FromPages += n
	}
	out.FromPages -= out.FromTree
	// Each list by ID, so that a salvage is the same however the pages
	// were found.
	out.Handbook = out.Handbook.Live()
	if len(found) == 0 {
		return out, fmt.Errorf("salvage %s: %w: no record could be read from it", path, ErrCorrupt)
	}
	return out, nil
}

// salvagedRow is one row of the records table.
type salvagedRow struct {
	entity  handbook.Entity
	id      string
	data    string
	deleted bool
	updated string
}

func rowKey(e handbook.Entity, id string) string { return string(e) + "/" + id }

// keepNewest adds r to rows unless a newer version of the record is there.
func keepNewest(rows map[string]salvagedRow, r salvagedRow) {
	k := rowKey(r.entity, r.id)
	if old, ok := rows[k]; ok && old.updated >= r.updated {
		return
	}
	rows[k] = r
}

// salvageTree reads the records table through SQLite in ranges of rows,
// halving a range that fails until single rows, which are skipped.
func salvageTree(ctx context.Context, path string, scanned int64) (map[string]salvagedRow, string) {
	rows := map[string]salvagedRow{}
	var db *sql.DB
	// Without a WAL beside it the file is read as immutable: nothing is
	// created beside a damaged file.
	order := []bool{true, false}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		order = []bool{false, true}
	}
	for _, immutable := range order {
		// writable_schema lets SQLite open a file shorter than its header
		// says (a cut-off copy) instead of refusing it whole; the
		// connection is read-only all the same.
		d, err := sql.Open("sqlite", roDSN(path, immutable)+"&_pragma=writable_schema(1)")
		if err != nil {
			continue
		}
		var n int
		if d.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&n) == nil {
			db = d
			break
		}
		d.Close()
	}
	if db == nil {
		return rows, ""
	}
	defer db.Close()
	var id string
	_ = db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'handbook_id'`).Scan(&id)
	var last sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT max(rowid) FROM records`).Scan(&last); err != nil || !last.Valid {
		// The right edge of the table is damaged: the highest rowid the
		// page scan saw, with room for rows on pages it could not read.
		last = sql.NullInt64{Int64: scanned + 1024, Valid: true}
	}
	last.Int64 = max(last.Int64, scanned)
	var read func(lo, hi int64)
	read = func(lo, hi int64) {
		if ctx.Err() != nil {
			return
		}
		got, err := readRange(ctx, db, lo, hi)
		if err == nil {
			for _, r := range got {
				keepNewest(rows, r)
			}
			return
		}
		if lo == hi {
			return
		}
		mid := lo + (hi-lo)/2
		read(lo, mid)
		read(mid+1, hi)
	}
	const chunk = 256
	for lo := int64(1); lo <= last.Int64; lo += chunk {
		read(lo, min(lo+chunk-1, last.Int64))
	}
	return rows, id
}

func readRange(ctx context.Context, db *sql.DB, lo, hi int64) ([]salvagedRow, error) {
	rs, err := db.QueryContext(ctx, `SELECT entity, id, data, deleted, updated_at FROM records WHERE rowid BETWEEN ? AND ?`, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []salvagedRow
	for rs.Next() {
		var r salvagedRow
		if err := rs.Scan(&r.entity, &r.id, &r.data, &r.deleted, &r.updated); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

// scanPages reads the database file, and a WAL beside it, page by page and
// decodes every cell of every table leaf page that looks like a row of
// the records table, as SQLite's file format defines them. It also finds
// the handbook ID among the meta table's index cells. It returns the
// rows, the ID and how many record-like rows could not be decoded.
func scanPages(path string) (map[string]salvagedRow, string, int64, int) {
	rows := map[string]salvagedRow{}
	var id string
	var maxRowid int64
	bad := 0
	data, err := os.ReadFile(path)
	if err != nil {
		return rows, "", 0, 0
	}
	pageSize, usable := 4096, 4096
	if len(data) >= 100 && string(data[:16]) == "SQLite format 3\x00" {
		if ps := int(binary.BigEndian.Uint16(data[16:18])); ps == 1 {
			pageSize = 65536
		} else if ps >= 512 && ps&(ps-1) == 0 {
			pageSize = ps
		}
		usable = pageSize - int(data[20])
	}
	pages := map[uint32][]byte{}
	for n := 0; n*pageSize < len(data); n++ {
		end := min((n+1)*pageSize, len(data))
		pages[uint32(n+1)] = data[n*pageSize : end]
	}
	type frame struct {
		no   uint32
		page []byte
	}
	var frames []frame
	// Pages as the WAL last wrote them, over the file's: where overflow
	// chains of rows found in the WAL continue.
	latest := map[uint32][]byte{}
	for no, pg := range pages {
		latest[no] = pg
	}
	if wal, err := os.ReadFile(path + "-wal"); err == nil && len(wal) >= 32 {
		walPage := int(binary.BigEndian.Uint32(wal[8:12]))
		if walPage == pageSize {
			for off := 32; off+24+pageSize <= len(wal); off += 24 + pageSize {
				f := frame{binary.BigEndian.Uint32(wal[off:]), wal[off+24 : off+24+pageSize]}
				frames = append(frames, f)
				latest[f.no] = f.page
			}
		}
	}
	var sc pageScanner
	scan := func(no uint32, page []byte) {
		hdr := 0
		if no == 1 {
			hdr = 100
		}
		for _, c := range sc.cells(page, hdr) {
			vals, ok := decodeRecord(c.payload)
			if !ok {
				continue
			}
			if r, ok := recordRow(vals); ok {
				maxRowid = max(maxRowid, c.rowid)
				if !json.Valid([]byte(r.data)) {
					bad++
					continue
				}
				keepNewest(rows, r)
				continue
			}
			if len(vals) == 2 {
				if k, ok := vals[0].(string); ok && k == "handbook_id" {
					if v, ok := vals[1].(string); ok && id == "" {
						id = v
					}
				}
			}
		}
	}
	sc = pageScanner{pages: pages, pageSize: pageSize, usable: usable}
	for no, page := range pages {
		scan(no, page)
	}
	sc = pageScanner{pages: latest, pageSize: pageSize, usable: usable}
	for _, f := range frames {
		scan(f.no, f.page)
	}
	return rows, id, maxRowid, bad
}

// recordRow reads a row of the records table: rowid (stored as NULL),
// entity, id, data, label, deleted, created_at, updated_at.
func recordRow(vals []any) (salvagedRow, bool) {
	if len(vals) < 4 {
		return salvagedRow{}, false
	}
	e, ok1 := vals[1].(string)
	id, ok2 := vals[2].(string)
	data, ok3 := vals[3].(string)
	if !ok1 || !ok2 || !ok3 || id == "" || !strings.HasPrefix(data, "{") {
		return salvagedRow{}, false
	}
	ent := handbook.Entity(e)
	if _, err := newItem(ent); err != nil && ent != settingsEntity {
		return salvagedRow{}, false
	}
	r := salvagedRow{entity: ent, id: id, data: data}
	if len(vals) > 5 {
		if d, ok := vals[5].(int64); ok {
			r.deleted = d != 0
		}
	}
	if len(vals) > 7 {
		r.updated, _ = vals[7].(string)
	}
	return r, true
}

// cellOf is one cell of a leaf page: its rowid (table pages) and payload.
type cellOf struct {
	rowid   int64
	payload []byte
}

// pageScanner decodes the cells of b-tree pages, following overflow
// chains through the pages the file still has.
type pageScanner struct {
	pages    map[uint32][]byte
	pageSize int
	usable   int
}

// cells returns the payloads of a table leaf page (type 13) or an index
// leaf page (type 10); other pages, and cells that run off the page or
// whose overflow chain is broken, yield nothing.
func (sc pageScanner) cells(page []byte, hdr int) []cellOf {
	if len(page) < hdr+8 {
		return nil
	}
	kind := page[hdr]
	if kind != 13 && kind != 10 {
		return nil
	}
	n := int(binary.BigEndian.Uint16(page[hdr+3:]))
	var out []cellOf
	for i := 0; i < n; i++ {
		p := hdr + 8 + 2*i
		if p+2 > len(page) {
			break
		}
		off := int(binary.BigEndian.Uint16(page[p:]))
		if off < hdr+8 || off >= len(page) {
			continue
		}
		cell := page[off:]
		size, k := varint(cell)
		if k == 0 || size > math.MaxInt32 {
			continue
		}
		cell = cell[k:]
		var rowid uint64
		if kind == 13 {
			if rowid, k = varint(cell); k == 0 {
				continue
			}
			cell = cell[k:]
		}
		if payload, ok := sc.payload(cell, int(size), kind); ok {
			out = append(out, cellOf{int64(rowid), payload})
		}
	}
	return out
}

// payload assembles a cell's payload of the given size from the local
// part and the overflow pages.
func (sc pageScanner) payload(cell []byte, size int, kind byte) ([]byte, bool) {
	u := sc.usable
	maxLocal := u - 35
	if kind == 10 {
		maxLocal = (u-12)*64/255 - 23
	}
	minLocal := (u-12)*32/255 - 23
	local := size
	if size > maxLocal {
		local = minLocal + (size-minLocal)%(u-4)
		if local > maxLocal {
			local = minLocal
		}
	}
	if local > len(cell) || local < 0 {
		return nil, false
	}
	out := make([]byte, 0, size)
	out = append(out, cell[:local]...)
	if local == size {
		return out, true
	}
	if local+4 > len(cell) {
		return nil, false
	}
	next := binary.BigEndian.Uint32(cell[local:])
	seen := map[uint32]bool{}
	for len(out) < size {
		page, ok := sc.pages[next]
		if !ok || seen[next] || len(page) < sc.pageSize {
			return nil, false
		}
		seen[next] = true
		take := min(size-len(out), u-4)
		out = append(out, page[4:4+take]...)
		next = binary.BigEndian.Uint32(page[:4])
	}
	return out, true
}

// decodeRecord decodes SQLite's record format: a header of serial types,
// then the values. Text comes back as string, integers as int64.
func decodeRecord(p []byte) ([]any, bool) {
	hlen, k := varint(p)
	if k == 0 || hlen < uint64(k) || hlen > uint64(len(p)) {
		return nil, false
	}
	var types []uint64
	for h := p[k:hlen]; len(h) > 0; {
		t, n := varint(h)
		if n == 0 {
			return nil, false
		}
		types = append(types, t)
		h = h[n:]
	}
	body := p[hlen:]
	vals := make([]any, 0, len(types))
	for _, t := range types {
		var size int
		switch {
		case t == 0 || t == 8 || t == 9:
		case t >= 1 && t <= 4:
			size = int(t)
		case t == 5:
			size = 6
		case t == 6 || t == 7:
			size = 8
		case t >= 12:
			size = int((t - 12) / 2)
		default:
			return nil, false
		}
		if size > len(body) {
			return nil, false
		}
		v := body[:size]
		body = body[size:]
		switch {
		case t == 0:
			vals = append(vals, nil)
		case t == 8:
			vals = append(vals, int64(0))
		case t == 9:
			vals = append(vals, int64(1))
		case t <= 6:
			var n int64
			for _, b := range v {
				n = n<<8 | int64(b)
			}
			if len(v) < 8 && len(v) > 0 && v[0]&0x80 != 0 {
				n -= 1 << (8 * uint(len(v)))
			}
			vals = append(vals, n)
		case t == 7:
			vals = append(vals, math.Float64frombits(binary.BigEndian.Uint64(v)))
		case t%2 == 1:
			vals = append(vals, string(v))
		default:
			vals = append(vals, bytes.Clone(v))
		}
	}
	return vals, true
}

// varint reads SQLite's variable-length integer; n is 0 when it runs off
// the end.
func varint(b []byte) (v uint64, n int) {
	for i := 0; i < 9; i++ {
		if i >= len(b) {
			return 0, 0
		}
		if i == 8 {
			return v<<8 | uint64(b[i]), 9
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	return v, 9
}

// NewestGoodBackup is the newest backup in dir that passes its check, for
// messages about a damaged handbook; ok is false when there is none.
func NewestGoodBackup(ctx context.Context, dir string) (BackupInfo, bool) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return BackupInfo{}, false
	}
	type cand struct {
		name string
		at   time.Time
	}
	var cands []cand
	for _, e := range entries {
		if _, at, ok := parseBackupName(e.Name()); ok {
			cands = append(cands, cand{e.Name(), at})
		}
	}
	for len(cands) > 0 {
		newest := 0
		for i, c := range cands {
			if c.at.After(cands[newest].at) {
				newest = i
			}
		}
		info, err := inspect(ctx, dir+string(os.PathSeparator)+cands[newest].name, true)
		if err == nil && info.Problem == "" {
			return info, true
		}
		cands = append(cands[:newest], cands[newest+1:]...)
	}
	return BackupInfo{}, false
}
