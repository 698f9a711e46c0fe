// Package binder prints the handbook as a PDF emergency binder: the copy on
// the shelf a crisis team works from with a pen when laptops, power or the
// network are gone. It renders cover, table of contents, alarm card,
// escalation matrix, contacts, playbooks as tick-box checklists, recovery
// plans in the computed restore order, communication templates, reporting
// deadlines and blank forms, with an embedded UTF-8 font.
package binder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"ernstfall/internal/handbook"
	"ernstfall/internal/i18n"
)

// Section keys, in the order the binder prints them.
const (
	SectionCover      = "cover"
	SectionTOC        = "toc"
	SectionAlarm      = "alarm"
	SectionEscalation = "escalation"
	SectionCallTree   = "calltree"
	SectionContacts   = "contacts"
	SectionPlaybooks  = "playbooks"
	SectionRecovery   = "recovery"
	SectionTemplates  = "templates"
	SectionReporting  = "reporting"
	SectionForms      = "forms"
)

// Sections lists every section key in print order: the continuity plans
// beside the playbooks, sites and suppliers after the recovery plans, the
// business impact analysis, a reference, after them.
var Sections = []string{SectionCover, SectionTOC, SectionChanges, SectionAlarm, SectionEscalation, SectionCallTree, SectionContacts,
	SectionPlaybooks, SectionContinuity, SectionRecovery, SectionSites, SectionSuppliers, SectionBIA,
	SectionTemplates, SectionReporting, SectionForms}

// Errors a caller can tell apart with errors.Is.
var (
	ErrUnknownPlaybook = errors.New("no playbook with this ID or title")
	ErrUnknownSection  = errors.New("unknown binder section")
	ErrUnknownTeam     = errors.New("no contact belongs to this team")
	ErrBadOption       = errors.New("invalid binder option")
	ErrNotWritable     = errors.New("cannot write the PDF file")
)

// Options choose what the binder contains and how it looks.
type Options struct {
	// Lang is the language of the fixed texts: "de" (default) or "en".
	// The handbook's own content prints as written.
	Lang string
	// Paper is "a4" (default) or "letter".
	Paper string
	// Sections is a subset of Sections; empty means all, or, with Playbook
	// set, the pocket card (alarm card and the one playbook).
	Sections []string
	// Playbook is the ID or exact title of the only playbook to print.
	Playbook string
	// Team keeps, in the contact list, only the internal contacts of this
	// team (compared without case) and every external contact: providers
	// and authorities are needed whichever team works from the binder.
	// Roles, the alarm card and resources still name everyone.
	Team string
	// Classification is the line printed on the cover; empty takes the
	// handbook's setting, then the default for the language.
	Classification string
	// PrintedAt is the time printed on the binder; zero means now.
	PrintedAt time.Time
	// PrintedBy names who printed it; empty leaves it out.
	PrintedBy string
	// Program names the program and its version ("Ernstfall 0.1.0"),
	// printed small on the cover; empty leaves it out.
	Program string
	// Control, when set, prints what document control knows: the release
	// line under each document's title, the change log, the copy's number
	// or the drafts' mark. The handbook given is then what is printed:
	// the released versions, or the drafts.
	Control *Control
}

// Result describes a rendered binder.
type Result struct {
	Pages   int
	Version string
}

// Render writes the binder for hb as a PDF to w.
func Render(ctx context.Context, w io.Writer, hb handbook.Handbook, opt Options) (Result, error) {
	p, err := newPlan(hb, opt)
	if err != nil {
		return Result{}, err
	}
	d, err := p.render(ctx)
	if err != nil {
		return Result{}, err
	}
	pages := d.pdf.PageCount()
	if err := d.pdf.Output(w); err != nil {
		return Result{}, fmt.Errorf("write binder PDF: %w", err)
	}
	return Result{Pages: pages, Version: p.version}, nil
}

// plan is what Render decided before drawing: the filtered handbook, the
// sections and the fixed texts.
type plan struct {
	opt Options
	ct  controlTexts
	// landscape turns the pages (the audit's wide table).
	landscape bool
	hb        handbook.Handbook // live records, sorted for print
	version   string
	printed   time.Time
	sections  []string
	t         texts
	paper     string
	toc       []tocEntry
	// allContacts are all live contacts, whatever the team filter: roles
	// and resources name them.
	allContacts []handbook.Contact
	contact     map[string]handbook.Contact
	role        map[string]handbook.Role
	order       []handbook.Service
	findings    []handbook.Finding
	// The business impact analysis and its words.
	bia      *handbook.Analysis
	bt       biaTexts
	tr       i18n.Translator
	site     map[string]handbook.Site
	supplier map[string]handbook.Supplier
	service  map[string]handbook.Service
}

func newPlan(hb handbook.Handbook, opt Options) (*plan, error) {
	p := &plan{opt: opt, version: hb.Version(), printed: opt.PrintedAt}
	if p.printed.IsZero() {
		p.printed = time.Now()
	}
	switch strings.ToLower(opt.Lang) {
	case "", "de":
		p.t, p.ct, p.bt, p.tr = textsDE, controlDE, biaDE, trDE
	case "en":
		p.t, p.ct, p.bt, p.tr = textsEN, controlEN, biaEN, trEN
	default:
		return nil, fmt.Errorf("%w: language %q (use de or en)", ErrBadOption, opt.Lang)
	}
	switch strings.ToLower(opt.Paper) {
	case "", "a4":
		p.paper = "A4"
	case "letter":
		p.paper = "Letter"
	default:
		return nil, fmt.Errorf("%w: paper %q (use a4 or letter)", ErrBadOption, opt.Paper)
	}
	for _, s := range opt.Sections {
		if !slices.Contains(Sections, s) {
			return nil, fmt.Errorf("%w: %q (known: %s)", ErrUnknownSection, s, strings.Join(Sections, ", "))
		}
	}
	switch {
	case len(opt.Sections) > 0:
		for _, s := range Sections {
			if slices.Contains(opt.Sections, s) {
				p.sections = append(p.sections, s)
			}
		}
	case opt.Playbook != "":
		p.sections = []string{SectionAlarm, SectionPlaybooks}
	default:
		// The business impact analysis prints where the handbook has one;
		// chosen by name, its sections print anyway.
		for _, s := range Sections {
			switch {
			case (s == SectionContinuity || s == SectionBIA) && !hasLive(hb.Processes),
				s == SectionSites && !hasLive(hb.Sites), s == SectionSuppliers && !hasLive(hb.Suppliers):
				continue
			}
			p.sections = append(p.sections, s)
		}
	}
	if opt.Control == nil {
		p.sections = slices.DeleteFunc(p.sections, func(s string) bool { return s == SectionChanges })
	}

	live := hb.Live()
	sortForPrint(&live)
	if opt.Playbook != "" {
		i := slices.IndexFunc(live.Playbooks, func(pb handbook.Playbook) bool {
			return pb.ID == opt.Playbook || pb.Title == opt.Playbook
		})
		if i < 0 {
			return nil, fmt.Errorf("%w: %q", ErrUnknownPlaybook, opt.Playbook)
		}
		live.Playbooks = live.Playbooks[i : i+1]
	}
	if opt.Team != "" {
		var kept []handbook.Contact
		found := false
		for _, c := range live.Contacts {
			mine := strings.EqualFold(c.Team, opt.Team)
			found = found || mine
			if mine || c.External {
				kept = append(kept, c)
			}
		}
		if !found {
			return nil, fmt.Errorf("%w: %q", ErrUnknownTeam, opt.Team)
		}
		p.hb = live
		p.hb.Contacts = kept
		p.allContacts = live.Contacts
	} else {
		p.hb = live
		p.allContacts = live.Contacts
	}
	p.contact = make(map[string]handbook.Contact, len(p.allContacts))
	for _, c := range p.allContacts {
		p.contact[c.ID] = c
	}
	p.role = make(map[string]handbook.Role, len(live.Roles))
	for _, r := range live.Roles {
		p.role[r.ID] = r
	}
	p.bia = live.Analyse()
	p.order, p.findings = handbook.RestoreOrderNeed(live.Services, p.bia.Need())
	p.site = make(map[string]handbook.Site, len(live.Sites))
	for _, x := range live.Sites {
		p.site[x.ID] = x
	}
	p.supplier = make(map[string]handbook.Supplier, len(live.Suppliers))
	for _, x := range live.Suppliers {
		p.supplier[x.ID] = x
	}
	p.service = make(map[string]handbook.Service, len(live.Services))
	for _, x := range live.Services {
		p.service[x.ID] = x
	}
	p.toc = p.tocEntries()
	return p, nil
}

// hasLive reports whether list holds a record not deleted.
func hasLive[T any, P interface {
	*T
	handbook.Item
}](list []T) bool {
	return slices.ContainsFunc(list, func(x T) bool { return !P(&x).Meta().Deleted })
}

func (p *plan) has(section string) bool { return slices.Contains(p.sections, section) }
