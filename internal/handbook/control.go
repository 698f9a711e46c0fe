package handbook

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Document control (ISO 22301 7.5): releases of documents by management,
// their reviews, and the numbered printed copies handed out. Releases,
// reviews, printouts and copy exchanges are records of what happened:
// written once, never edited, never undone by a restore.
const (
	EntityRelease  Entity = "release"
	EntityReview   Entity = "review"
	EntityCopy     Entity = "copy"
	EntityPrintout Entity = "printout"
	EntityExchange Entity = "copy_exchange"
)

// AuditEntities are the kinds of record that document what happened to
// the handbook's documents: kept as they are, like an incident's log.
var AuditEntities = []Entity{EntityRelease, EntityReview, EntityPrintout, EntityExchange, EntityApproverKey}

// DefaultApproverRoles name the roles whose holders release documents
// when the handbook names none (Settings.ApproverRoles).
var DefaultApproverRoles = []string{"Krisenstab-Leitung", "Geschäftsführung"}

// DraftAgeDays is how old a draft may grow before the dashboard asks for
// its release.
const DraftAgeDays = 30

// Release records that a person holding an approver role released a
// document: what it said then (Content), as which version.
type Release struct {
	Record
	DocKind Entity `json:"doc_kind"`
	DocID   string `json:"doc_id"`
	// Title is the document's title when it was released.
	Title string `json:"title"`
	Major int    `json:"major"`
	Minor int    `json:"minor"`
	// Supersedes names the releases of the document in force when it was
	// released (more than one after two laptops released it at once).
	Supersedes []string `json:"supersedes,omitempty"`
	// Approver is the person's name; ApproverContact the contact (ID) who
	// holds ApproverRole (the role's name then).
	Approver        string    `json:"approver"`
	ApproverContact string    `json:"approver_contact,omitempty"`
	ApproverRole    string    `json:"approver_role,omitempty"`
	ReleasedAt      time.Time `json:"released_at"`
	Note            string    `json:"note,omitempty"`
	// Device is the laptop it was released on.
	Device string `json:"device,omitempty"`
	// Content is what the document said; Hash names it.
	Content DocContent `json:"content"`
	Hash    string     `json:"hash"`
	// Withdrawal: the release withdraws the deleted document; Content is
	// empty, and the binder stops printing it.
	Withdrawal bool `json:"withdrawal,omitempty"`
	// Signer is the approver's public key (base64), Signature their
	// signature of Statement.
	Signer    string `json:"signer,omitempty"`
	Signature string `json:"signature,omitempty"`
}

// Doc is the document released.
func (r Release) Doc() DocRef { return DocRef{Kind: r.DocKind, ID: r.DocID} }

// Version is "major.minor".
func (r Release) Version() string { return VersionText(r.Major, r.Minor) }

// VersionText writes a version number.
func VersionText(major, minor int) string { return strconv.Itoa(major) + "." + strconv.Itoa(minor) }

// ParseVersion reads "2.1" (a leading "v" allowed).
func ParseVersion(s string) (major, minor int, ok bool) {
	s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "v"), "V")
	a, b, found := strings.Cut(s, ".")
	if !found {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(a)
	minor, err2 := strconv.Atoi(b)
	return major, minor, err1 == nil && err2 == nil && major >= 0 && minor >= 0
}

// Validate checks what every release needs.
func (r Release) Validate() error {
	switch {
	case r.Doc().Check() != nil:
		return fmt.Errorf("doc_kind: %w", r.Doc().Check())
	case r.Major < 0 || r.Minor < 0 || r.Major == 0 && r.Minor == 0:
		return fmt.Errorf("major: %s is not a version", r.Version())
	case strings.TrimSpace(r.Approver) == "":
		return errors.New("approver: say who released it")
	case r.ReleasedAt.IsZero():
		return errors.New("released_at: say when it was released")
	}
	return nil
}

// ReviewResult is what a review found.
type ReviewResult string

// Results of a review.
const (
	ReviewUnchanged ReviewResult = "unchanged"
	ReviewChanged   ReviewResult = "changed"
	ReviewReplaced  ReviewResult = "replaced"
)

// ReviewResults lists every result.
var ReviewResults = []ReviewResult{ReviewUnchanged, ReviewChanged, ReviewReplaced}

// DocReview records a review of a document: who looked at it, when, and
// what came of it. The document's next review falls due one interval
// after the newest.
type DocReview struct {
	Record
	DocKind Entity `json:"doc_kind"`
	DocID   string `json:"doc_id"`
	// Title is the document's title when it was reviewed.
	Title           string       `json:"title"`
	Reviewer        string       `json:"reviewer"`
	ReviewerContact string       `json:"reviewer_contact,omitempty"`
	ReviewedAt      time.Time    `json:"reviewed_at"`
	Result          ReviewResult `json:"result"`
	Note            string       `json:"note,omitempty"`
	// SourceKind and SourceID name what prompted the review, if anything:
	// an exercise or an incident.
	SourceKind string `json:"source_kind,omitempty"`
	SourceID   string `json:"source_id,omitempty"`
	Device     string `json:"device,omitempty"`
}

// Doc is the document reviewed.
func (r DocReview) Doc() DocRef { return DocRef{Kind: r.DocKind, ID: r.DocID} }

// Validate checks what every review needs.
func (r DocReview) Validate() error {
	switch {
	case !IsDocumentKind(r.DocKind) && r.DocKind != EntityRisk || r.DocID == "":
		return fmt.Errorf("doc_kind: %q is not a document that is reviewed", r.DocKind)
	case strings.TrimSpace(r.Reviewer) == "":
		return errors.New("reviewer: say who reviewed it")
	case r.ReviewedAt.IsZero():
		return errors.New("reviewed_at: say when it was reviewed")
	case !slices.Contains(ReviewResults, r.Result):
		return fmt.Errorf("result: %q is not a result (unchanged, changed, replaced)", r.Result)
	}
	return nil
}

// Copy is one numbered printed copy of the handbook on the distribution
// list (Verteiler): who holds it, where it is kept.
type Copy struct {
	Record
	Number int `json:"number"`
	// Holder is the contact (ID) responsible for the copy.
	Holder string `json:"holder,omitempty"`
	// Place is where the copy is kept ("Tresor Büro Geschäftsführung").
	Place string `json:"place"`
	Note  string `json:"note,omitempty"`
}

// Validate checks a copy of the distribution list.
func (c Copy) Validate() error {
	switch {
	case c.Number < 1:
		return fmt.Errorf("number: %d is not a copy number (1 or more)", c.Number)
	case strings.TrimSpace(c.Place) == "":
		return errors.New("place: say where the copy is kept")
	}
	return nil
}

// Kinds of printout.
const (
	PrintBinder = "binder"
	PrintDrafts = "drafts"
	PrintCopy   = "copy"
)

// Printout records a printed binder: a copy of the distribution list,
// the binder of released versions, or the drafts.
type Printout struct {
	Record
	Kind      string    `json:"kind"`
	PrintedAt time.Time `json:"printed_at"`
	By        string    `json:"by,omitempty"`
	Device    string    `json:"device,omitempty"`
	// Version is the handbook version printed on the cover.
	Version string `json:"version"`
	// Releases are the releases printed, by document ("kind/id").
	Releases map[string]string `json:"releases,omitempty"`
	// CopyID, CopyNumber and Copies name the copy of the distribution
	// list printed (number of Copies); Holder and Place are as printed.
	CopyID     string `json:"copy_id,omitempty"`
	CopyNumber int    `json:"copy_number,omitempty"`
	Copies     int    `json:"copies,omitempty"`
	Holder     string `json:"holder,omitempty"`
	Place      string `json:"place,omitempty"`
	Pages      int    `json:"pages,omitempty"`
}

// Validate checks a printout.
func (p Printout) Validate() error {
	switch {
	case p.Kind != PrintBinder && p.Kind != PrintDrafts && p.Kind != PrintCopy:
		return fmt.Errorf("kind: %q is not a kind of printout", p.Kind)
	case p.PrintedAt.IsZero():
		return errors.New("printed_at: say when it was printed")
	case p.Kind == PrintCopy && (p.CopyID == "" || p.CopyNumber < 1):
		return errors.New("copy_id: name the copy printed")
	}
	return nil
}

// CopyExchange records that a printed copy was put in place of the one
// its holder had: the copy printed (PrintoutID) is now the one in place.
type CopyExchange struct {
	Record
	CopyID      string    `json:"copy_id"`
	PrintoutID  string    `json:"printout_id"`
	ConfirmedBy string    `json:"confirmed_by"`
	ConfirmedAt time.Time `json:"confirmed_at"`
	Note        string    `json:"note,omitempty"`
	Device      string    `json:"device,omitempty"`
}

// Validate checks an exchange.
func (x CopyExchange) Validate() error {
	switch {
	case x.CopyID == "" || x.PrintoutID == "":
		return errors.New("copy_id: name the copy and its printout")
	case strings.TrimSpace(x.ConfirmedBy) == "":
		return errors.New("confirmed_by: say who confirms the exchange")
	case x.ConfirmedAt.IsZero():
		return errors.New("confirmed_at: say when")
	}
	return nil
}

// Kind names of the records.
func (Release) Entity() Entity      { return EntityRelease }
func (DocReview) Entity() Entity    { return EntityReview }
func (Copy) Entity() Entity         { return EntityCopy }
func (Printout) Entity() Entity     { return EntityPrintout }
func (CopyExchange) Entity() Entity { return EntityExchange }

// Labels of the records.
func (r Release) Label() string   { return r.Title + " " + r.Version() }
func (r DocReview) Label() string { return r.Title + " " + r.ReviewedAt.Format("2006-01-02") }
func (c Copy) Label() string      { return strconv.Itoa(c.Number) + " " + c.Place }
func (p Printout) Label() string {
	if p.Kind == PrintCopy {
		return strconv.Itoa(p.CopyNumber) + " " + p.PrintedAt.Format("2006-01-02")
	}
	return p.Kind + " " + p.PrintedAt.Format("2006-01-02")
}
func (x CopyExchange) Label() string { return x.ConfirmedBy + " " + x.ConfirmedAt.Format("2006-01-02") }

var (
	_ Item = (*Release)(nil)
	_ Item = (*DocReview)(nil)
	_ Item = (*Copy)(nil)
	_ Item = (*Printout)(nil)
	_ Item = (*CopyExchange)(nil)
)
