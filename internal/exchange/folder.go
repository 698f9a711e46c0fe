package exchange

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"ernstfall/internal/atomicfile"
	"ernstfall/internal/handbook"
)

// Files of a handbook folder.
const (
	folderIndex    = "handbook.json"
	folderContacts = "contacts.csv"
	folderVCard    = "contacts.vcf"
	folderReadme   = "README.md"
	dirPlaybooks   = "playbooks"
	dirServices    = "services"
	dirTemplates   = "templates"
	dirProcesses   = "processes"
	dirSites       = "sites"
	dirSuppliers   = "suppliers"
	folderFormat   = "ernstfall-folder"
	// folderVersion 2 added processes, sites and suppliers: a reader of
	// version 1 would drop them without a word, so it refuses the folder.
	folderVersion = 2
)

// recordDirs are the folders of records with a Markdown body.
var recordDirs = []string{dirPlaybooks, dirServices, dirTemplates, dirProcesses, dirSites, dirSuppliers}

// index is handbook.json of a folder: the records that have no Markdown
// body of their own, as JSON.
type index struct {
	Format     string                     `json:"format"`
	Version    int                        `json:"version"`
	Settings   handbook.Settings          `json:"settings"`
	Roles      []handbook.Role            `json:"roles"`
	Escalation []handbook.EscalationLevel `json:"escalation_levels"`
	Risks      []handbook.RiskScenario    `json:"risks"`
	Incidents  []handbook.Incident        `json:"incidents"`
	LogEntries []handbook.LogEntry        `json:"log_entries"`
	Exercises  []handbook.Exercise        `json:"exercises"`
	Actions    []handbook.Action          `json:"actions"`
	// Document control.
	Copies    []handbook.Copy         `json:"copies,omitempty"`
	Releases  []handbook.Release      `json:"releases,omitempty"`
	Reviews   []handbook.DocReview    `json:"reviews,omitempty"`
	Printouts []handbook.Printout     `json:"printouts,omitempty"`
	Exchanges []handbook.CopyExchange `json:"copy_exchanges,omitempty"`
	// ApproverKeys are the records of approvers' keys.
	ApproverKeys []handbook.ApproverKey `json:"approver_keys,omitempty"`
}

const readme = `# Notfallhandbuch / Emergency handbook

Exported by Ernstfall. Every file is plain text and can be read without the app:

- playbooks/*.md, services/*.md, templates/*.md: one file per playbook,
  service (the body holds the recovery steps) and communication template;
  the fields sit in the front matter between the "---" lines.
- processes/*.md: the business impact analysis, one file per business
  process; the body is its continuity plan, the front matter holds the
  impact ratings ("impact.<category>.<time>: 1-4") and the dependencies.
- sites/*.md (the body is the emergency kit) and suppliers/*.md (the body
  holds the notes).
- contacts.csv: the contacts (opens in any spreadsheet); contacts.vcf: the
  same contacts for address books.
- handbook.json: settings, roles, escalation levels, risks, incidents,
  exercises and actions.

"ernstfall import <this folder>" reads it back with the same IDs.
`

// ErrFolderNotEmpty: the export folder holds files that are not an earlier export.
var ErrFolderNotEmpty = errors.New("folder is not empty and holds no earlier Ernstfall export")

// WriteFolder exports the live records of hb to dir as Markdown files with
// front matter, contacts as CSV and vCard, and the rest as handbook.json.
// dir must be new, empty, or an earlier export. The export is written into
// a new folder beside dir and swapped in whole (atomicfile.ReplaceDir): a
// crash leaves the old export or the new one, never a mix. Files of others
// in an earlier export (a .git folder, pictures beside the playbooks) stay.
func WriteFolder(ctx context.Context, dir string, hb handbook.Handbook) error {
	hb = hb.Live()
	if err := checkFolder(dir); err != nil {
		return err
	}
	files := map[string][]byte{}
	idx := index{Format: folderFormat, Version: folderVersion, Settings: hb.Settings, Roles: hb.Roles,
		Escalation: hb.Escalation, Risks: hb.Risks, Incidents: hb.Incidents, LogEntries: hb.LogEntries,
		Exercises: hb.Exercises, Actions: hb.Actions, Copies: hb.Copies, Releases: hb.Releases, Reviews: hb.Reviews,
		Printouts: hb.Printouts, Exchanges: hb.Exchanges, ApproverKeys: hb.ApproverKeys}
	data, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return fmt.Errorf("export folder: %w", err)
	}
	files[folderIndex] = append(data, '\n')
	files[folderReadme] = []byte(readme)
	var csvBuf, vcfBuf bytes.Buffer
	if err := WriteCSV(&csvBuf, hb.Contacts, CSVOptions{BOM: true, Times: true}); err != nil {
		return err
	}
	if err := WriteVCard(&vcfBuf, hb.Contacts, VCard3); err != nil {
		return err
	}
	files[folderContacts], files[folderVCard] = csvBuf.Bytes(), vcfBuf.Bytes()
	add := func(sub, title string, rec any, bodyKey, body string) error {
		fm, err := encodeFrontMatter(rec, bodyKey)
		if err != nil {
			return fmt.Errorf("export %s %q: %w", sub, title, err)
		}
		name := uniqueName(files, sub, slug(title))
		files[name] = append(append(fm, body...), '\n')
		return nil
	}
	for _, p := range sortedBy(hb.Playbooks, func(p handbook.Playbook) string { return p.Title }) {
		if err := add(dirPlaybooks, p.Title, p, "body", p.Body); err != nil {
			return err
		}
	}
	for _, s := range sortedBy(hb.Services, func(s handbook.Service) string { return s.Name }) {
		if err := add(dirServices, s.Name, s, "recovery_steps", s.RecoverySteps); err != nil {
			return err
		}
	}
	for _, t := range sortedBy(hb.CommTemplates, func(t handbook.CommTemplate) string { return t.Title }) {
		if err := add(dirTemplates, t.Title, t, "body", t.Body); err != nil {
			return err
		}
	}
	for _, p := range sortedBy(hb.Processes, func(p handbook.BusinessProcess) string { return p.Name }) {
		if err := add(dirProcesses, p.Name, p, "continuity_plan", p.ContinuityPlan); err != nil {
			return err
		}
	}
	for _, s := range sortedBy(hb.Sites, func(s handbook.Site) string { return s.Name }) {
		if err := add(dirSites, s.Name, s, "kit", s.Kit); err != nil {
			return err
		}
	}
	for _, s := range sortedBy(hb.Suppliers, func(s handbook.Supplier) string { return s.Name }) {
		if err := add(dirSuppliers, s.Name, s, "notes", s.Notes); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	err = atomicfile.ReplaceDir(dir, ownFile, func(tmp string) error {
		for _, d := range recordDirs {
			if err := os.Mkdir(filepath.Join(tmp, d), 0o755); err != nil {
				return err
			}
		}
		for _, n := range names {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(tmp, filepath.FromSlash(n)), files[n], 0o644); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("export folder: %w", err)
	}
	return nil
}

// ownFile tells the files and folders of an export from those of others
// that live in the same folder.
func ownFile(rel string, isDir bool) bool {
	switch rel {
	case folderIndex, folderReadme, folderContacts, folderVCard:
		return !isDir
	}
	if slices.Contains(recordDirs, rel) {
		return isDir
	}
	sub, name, ok := strings.Cut(rel, "/")
	return ok && !isDir && !strings.Contains(name, "/") && slices.Contains(recordDirs, sub) && strings.HasSuffix(name, ".md")
}

// checkFolder refuses an export folder that holds something other than an
// earlier export, before anything is written.
func checkFolder(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if _, lerr := os.Lstat(dir); lerr == nil {
			return fmt.Errorf("export folder %s: it is a link to a folder that does not exist", dir)
		}
		return nil
	}
	if err != nil {
		if fi, serr := os.Stat(dir); serr == nil && !fi.IsDir() {
			return fmt.Errorf("export folder %s: %w; name a new or empty folder", dir, atomicfile.ErrNotDir)
		}
		return fmt.Errorf("export folder %s: %w", dir, err)
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := readIndex(dir); err != nil {
		return fmt.Errorf("export folder %s: %w", dir, ErrFolderNotEmpty)
	}
	return nil
}

func sortedBy[T any, P interface {
	*T
	handbook.Item
}](in []T, title func(T) string) []T {
	out := slices.Clone(in)
	slices.SortStableFunc(out, func(a, b T) int {
		return cmp.Or(strings.Compare(slug(title(a)), slug(title(b))), strings.Compare(P(&a).Meta().ID, P(&b).Meta().ID))
	})
	return out
}

func uniqueName(files map[string][]byte, sub, base string) string {
	name := sub + "/" + base + ".md"
	for i := 2; files[name] != nil; i++ {
		name = fmt.Sprintf("%s/%s-%d.md", sub, base, i)
	}
	return name
}

var slugFold = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "Ä", "ae", "Ö", "oe", "Ü", "ue")

// slug turns a title into a file name that every file system takes: lower
// case ASCII words joined by "-", at most 60 characters, so none of
// Windows' forbidden characters (< > : " / \ | ? *), no trailing dot or
// space, no case clash, and no path that outgrows Windows' 260 characters.
// Windows' device names get an underscore (see windowsSafe).
func slug(title string) string {
	s := strings.ToLower(slugFold.Replace(title))
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
			continue
		}
		if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if len(out) > 60 {
		out = strings.TrimSuffix(out[:60], "-")
	}
	if out == "" {
		return "ohne-titel"
	}
	return windowsSafe(out)
}

// windowsSafe appends "_" to a name that Windows reserves for a device
// (CON, PRN, AUX, NUL, COM0–9, LPT0–9), with any extension: "con.md" cannot
// be created there, and "nul.md" silently writes nowhere. No other slug has
// an underscore, so the result clashes with no other title.
func windowsSafe(base string) string {
	device := base == "con" || base == "prn" || base == "aux" || base == "nul" ||
		len(base) == 4 && (base[:3] == "com" || base[:3] == "lpt") && base[3] >= '0' && base[3] <= '9'
	if device {
		return base + "_"
	}
	return base
}

// readIndex reads handbook.json of an earlier export (to check that a
// folder may be written over).
func readIndex(dir string) (index, error) {
	in, err := newInFolder(dir)
	if err != nil {
		return index{}, err
	}
	return readIndexFrom(context.Background(), in, dir)
}

func readIndexFrom(ctx context.Context, in inFolder, dir string) (index, error) {
	var idx index
	data, err := in.read(ctx, filepath.Join(dir, folderIndex))
	if err != nil {
		return idx, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&idx); err != nil {
		return idx, fmt.Errorf("%s: %w", filepath.Join(dir, folderIndex), err)
	}
	if idx.Format != folderFormat {
		return idx, fmt.Errorf("%s: not an Ernstfall folder (format %q)", filepath.Join(dir, folderIndex), idx.Format)
	}
	if idx.Version > folderVersion {
		return idx, fmt.Errorf("%s: written by a newer Ernstfall (version %d, this one reads up to %d)", filepath.Join(dir, folderIndex), idx.Version, folderVersion)
	}
	return idx, nil
}

// ReadFolder reads a folder back. A folder written by WriteFolder (it has
// handbook.json) comes back whole with the same IDs. Any other folder is
// read as plain Markdown playbooks: every .md file below it (README.md
// aside) is one playbook, titled by its first heading, without an ID; see
// MatchPlaybooks. Problems name the file and line.
//
// Only files inside dir are read: a link that leads outside it refuses the
// import with ErrOutside, and a device, FIFO or socket with ErrSpecialFile.
func ReadFolder(ctx context.Context, dir string) (handbook.Handbook, bool, error) {
	in, err := newInFolder(dir)
	if err != nil {
		return handbook.Handbook{}, false, err
	}
	if _, err := os.Lstat(filepath.Join(dir, folderIndex)); err == nil {
		hb, err := readExport(ctx, in, dir)
		if err == nil {
			// A file copied under another name keeps its id; an id edited
			// by hand must still be one of ours.
			if err = checkIDs(hb); err != nil {
				err = fmt.Errorf("%s: %w; nothing was read", dir, err)
			}
		}
		// A folder restores records; one marked deleted in it deletes
		// nothing (as with a JSON backup without --mirror).
		return hb.Live(), true, err
	}
	hb, err := readPlain(ctx, in, dir)
	return hb, false, err
}

// inFolder reads files below a folder being imported, and nothing else.
type inFolder struct {
	root string // the folder with every link resolved
}

func newInFolder(dir string) (inFolder, error) {
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return inFolder{}, fmt.Errorf("import folder %s: %w", dir, err)
	}
	root, err = filepath.Abs(root)
	if err != nil {
		return inFolder{}, fmt.Errorf("import folder %s: %w", dir, err)
	}
	return inFolder{root: root}, nil
}

// read reads the file at path, which must lead to a regular file inside
// the folder, following links only as far as they stay inside.
func (f inFolder) read(ctx context.Context, path string) ([]byte, error) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if real, err = filepath.Abs(real); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	rel, err := filepath.Rel(f.root, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return nil, problemf(path, 0, ErrOutside, "leads to %s, outside the folder being imported; copy the file into the folder instead of linking to it", real)
	}
	return readRegular(ctx, path, real, true)
}

// text reads a Markdown file as UTF-8 text.
func (f inFolder) text(ctx context.Context, path string) (string, error) {
	data, err := f.read(ctx, path)
	if err != nil {
		return "", err
	}
	text, _, err := decodeText(path, data)
	return text, err
}

func readExport(ctx context.Context, in inFolder, dir string) (handbook.Handbook, error) {
	idx, err := readIndexFrom(ctx, in, dir)
	if err != nil {
		return handbook.Handbook{}, err
	}
	hb := handbook.Handbook{Settings: idx.Settings, Roles: idx.Roles, Escalation: idx.Escalation, Risks: idx.Risks,
		Incidents: idx.Incidents, LogEntries: idx.LogEntries, Exercises: idx.Exercises, Actions: idx.Actions,
		Copies: idx.Copies, Releases: idx.Releases, Reviews: idx.Reviews, Printouts: idx.Printouts, Exchanges: idx.Exchanges, ApproverKeys: idx.ApproverKeys}
	csvPath := filepath.Join(dir, folderContacts)
	data, err := in.read(ctx, csvPath)
	if err != nil {
		return hb, err
	}
	parsed, err := ReadCSV(csvPath, data)
	if err != nil {
		return hb, err
	}
	if len(parsed.Problems) > 0 {
		return hb, parsed.Problems[0]
	}
	hb.Contacts = parsed.Contacts()
	each := func(sub string, read func(path string, fm []string, body string) error) error {
		files, _ := filepath.Glob(filepath.Join(dir, sub, "*.md"))
		slices.Sort(files)
		for _, f := range files {
			text, err := in.text(ctx, f)
			if err != nil {
				return err
			}
			fm, body, _, ok, err := splitFrontMatter(text)
			if err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			if !ok {
				return fmt.Errorf("%s: line 1: no front matter (a file of an Ernstfall folder starts with ---)", f)
			}
			if err := read(f, fm, body); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
		}
		return nil
	}
	err = each(dirPlaybooks, func(_ string, fm []string, body string) error {
		var p handbook.Playbook
		err := decodeFrontMatter(fm, &p)
		p.Body = body
		hb.Playbooks = append(hb.Playbooks, p)
		return err
	})
	if err == nil {
		err = each(dirServices, func(_ string, fm []string, body string) error {
			var s handbook.Service
			err := decodeFrontMatter(fm, &s)
			s.RecoverySteps = body
			hb.Services = append(hb.Services, s)
			return err
		})
	}
	if err == nil {
		err = each(dirTemplates, func(_ string, fm []string, body string) error {
			var t handbook.CommTemplate
			err := decodeFrontMatter(fm, &t)
			t.Body = body
			hb.CommTemplates = append(hb.CommTemplates, t)
			return err
		})
	}
	if err == nil {
		err = each(dirProcesses, func(_ string, fm []string, body string) error {
			var p handbook.BusinessProcess
			err := decodeFrontMatter(fm, &p)
			p.ContinuityPlan = body
			hb.Processes = append(hb.Processes, p)
			return err
		})
	}
	if err == nil {
		err = each(dirSites, func(_ string, fm []string, body string) error {
			var s handbook.Site
			err := decodeFrontMatter(fm, &s)
			s.Kit = body
			hb.Sites = append(hb.Sites, s)
			return err
		})
	}
	if err == nil {
		err = each(dirSuppliers, func(_ string, fm []string, body string) error {
			var s handbook.Supplier
			err := decodeFrontMatter(fm, &s)
			s.Notes = body
			hb.Suppliers = append(hb.Suppliers, s)
			return err
		})
	}
	return hb, err
}

// A plain folder is a wiki or Git checkout of playbooks, not a home
// folder: its walk stops at these limits with a message.
const (
	maxPlainDepth = 4
	maxPlainFiles = 2000
)

func readPlain(ctx context.Context, in inFolder, dir string) (handbook.Handbook, error) {
	var hb handbook.Handbook
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if rel, _ := filepath.Rel(dir, path); d.IsDir() && strings.Count(rel, string(filepath.Separator)) >= maxPlainDepth {
			return fmt.Errorf("%s: %w: folders nest deeper than %d levels; import the folder that holds the playbooks",
				path, ErrFormat, maxPlainDepth)
		}
		if len(hb.Playbooks) >= maxPlainFiles {
			return fmt.Errorf("%w: more than %d Markdown files; import the folder that holds the playbooks", ErrTooLarge, maxPlainFiles)
		}
		if d.IsDir() || !strings.EqualFold(filepath.Ext(path), ".md") || strings.EqualFold(d.Name(), folderReadme) {
			return nil
		}
		text, err := in.text(ctx, path)
		if err != nil {
			return err
		}
		if _, _, _, fm, _ := splitFrontMatter(text); fm {
			return fmt.Errorf("%s: line 1: front matter in a folder without handbook.json; remove it or export the folder from Ernstfall", path)
		}
		title, body := titleAndBody(text)
		if title == "" {
			title = strings.TrimSuffix(d.Name(), filepath.Ext(d.Name()))
		}
		hb.Playbooks = append(hb.Playbooks, handbook.Playbook{Title: title, Body: body})
		return nil
	})
	if err != nil {
		return hb, fmt.Errorf("import folder %s: %w", dir, err)
	}
	if len(hb.Playbooks) == 0 {
		return hb, fmt.Errorf("import folder %s: %w: no Markdown files (.md) and no handbook.json", dir, ErrFormat)
	}
	return hb, nil
}

// titleAndBody finds the title: the first level-1 heading ("# Title"), or
// else a heading of any level on the first line with text. It returns the
// title and the rest, without surrounding blank lines, as the body.
func titleAndBody(text string) (string, string) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	take := func(i int, title string) (string, string) {
		rest := append(slices.Clone(lines[:i]), lines[i+1:]...)
		return title, strings.TrimSpace(strings.Join(rest, "\n"))
	}
	fenced, first := false, -1
	var firstTitle string
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fenced = !fenced
		}
		level, title := heading(t)
		if first < 0 && t != "" {
			first, firstTitle = i, title
			if level == 0 {
				firstTitle = ""
			}
		}
		if !fenced && level == 1 {
			return take(i, title)
		}
	}
	if firstTitle != "" {
		return take(first, firstTitle)
	}
	return "", strings.TrimSpace(text)
}

// heading returns the level and text of an ATX heading line, or 0.
func heading(line string) (int, string) {
	h := strings.TrimLeft(line, "#")
	level := len(line) - len(h)
	if level == 0 || level > 6 || (h != "" && h[0] != ' ') {
		return 0, ""
	}
	return level, strings.TrimSpace(strings.TrimRight(strings.TrimSpace(h), "#"))
}

// MatchPlaybooks gives playbooks read without IDs (plain Markdown) the ID
// of the existing playbook with the same title, so that importing the same
// folder again updates instead of duplicating; the others get new IDs.
// Existing playbooks keep their other fields; only title and body change.
func MatchPlaybooks(incoming, existing []handbook.Playbook, now time.Time) []handbook.Playbook {
	byTitle := map[string]handbook.Playbook{}
	for _, p := range existing {
		if !p.Deleted {
			byTitle[strings.ToLower(strings.TrimSpace(p.Title))] = p
		}
	}
	out := make([]handbook.Playbook, 0, len(incoming))
	for _, p := range incoming {
		if p.ID != "" {
			out = append(out, p)
			continue
		}
		if old, ok := byTitle[strings.ToLower(strings.TrimSpace(p.Title))]; ok {
			if old.Body != p.Body {
				old.Body, old.UpdatedAt = p.Body, now.UTC()
			}
			out = append(out, old)
			continue
		}
		p.ID, p.CreatedAt, p.UpdatedAt = handbook.NewID(), now.UTC(), now.UTC()
		out = append(out, p)
	}
	return out
}

// EntityDiff counts, for one kind of record, what an import would do.
type EntityDiff struct {
	Entity                  handbook.Entity
	New, Changed, Unchanged int
}

// Diff compares a handbook about to be imported with the existing one, by
// record ID, for a dry run.
func Diff(existing, incoming handbook.Handbook) []EntityDiff {
	old := map[string][]byte{}
	add := func(m map[string][]byte) func(handbook.Item) {
		return func(it handbook.Item) {
			data, _ := json.Marshal(it)
			m[string(it.Entity())+"/"+it.Meta().ID] = data
		}
	}
	existing.EachItem(add(old))
	counts := map[handbook.Entity]*EntityDiff{}
	incoming.EachItem(func(it handbook.Item) {
		handbook.Clean(it) // as the store will, so that only real changes count
		e := it.Entity()
		if counts[e] == nil {
			counts[e] = &EntityDiff{Entity: e}
		}
		data, _ := json.Marshal(it)
		prev, ok := old[string(e)+"/"+it.Meta().ID]
		switch {
		case !ok:
			counts[e].New++
		case bytes.Equal(prev, data):
			counts[e].Unchanged++
		default:
			counts[e].Changed++
		}
	})
	var out []EntityDiff
	for _, e := range handbook.Entities {
		if c := counts[e]; c != nil {
			out = append(out, *c)
		}
	}
	return out
}
