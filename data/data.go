// Package data embeds the demo handbook Ernstfall starts with.
//
// The structured records live in demo/handbook.json (the JSON form of
// handbook types); long Markdown texts live beside it in their own files and
// are named from the records by a *_file field (see README.md).
package data

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"time"

	"ernstfall/internal/handbook"
)

//go:embed demo
var demoFS embed.FS

// root is the folder of the demo handbook inside demoFS.
const root = "demo"

// document is the layout of demo/handbook.json: a handbook whose long
// Markdown texts are named by file instead of written inline.
type document struct {
	Settings      handbook.Settings          `json:"settings"`
	Contacts      []handbook.Contact         `json:"contacts"`
	Roles         []handbook.Role            `json:"roles"`
	Escalation    []handbook.EscalationLevel `json:"escalation_levels"`
	Playbooks     []playbookEntry            `json:"playbooks"`
	CommTemplates []templateEntry            `json:"comm_templates"`
	Services      []serviceEntry             `json:"services"`
	Risks         []handbook.RiskScenario    `json:"risks"`
	Incidents     []handbook.Incident        `json:"incidents"`
	LogEntries    []handbook.LogEntry        `json:"log_entries"`
	Exercises     []handbook.Exercise        `json:"exercises"`
	Actions       []handbook.Action          `json:"actions"`
	// Document control: the history of a few documents, their releases,
	// reviews, the distribution list and its printouts.
	History   []historyStep           `json:"history"`
	Releases  []releaseEntry          `json:"releases"`
	Reviews   []handbook.DocReview    `json:"reviews"`
	Copies    []handbook.Copy         `json:"copies"`
	Printouts []handbook.Printout     `json:"printouts"`
	Exchanges []handbook.CopyExchange `json:"copy_exchanges"`
	// The business impact analysis.
	Sites     []handbook.Site     `json:"sites"`
	Suppliers []handbook.Supplier `json:"suppliers"`
	Processes []json.RawMessage   `json:"business_processes"`
}

// historyStep is an earlier state of some playbooks: each as the demo
// has it, with the body (and summary) given here, saved at At by Author.
type historyStep struct {
	At        time.Time      `json:"at"`
	Author    string         `json:"author"`
	Playbooks []historyEntry `json:"playbooks"`
}

type historyEntry struct {
	ID       string  `json:"id"`
	BodyFile string  `json:"body_file"`
	Summary  *string `json:"summary"`
}

// releaseEntry is a release whose content is what the document said after
// history step ContentStep (counted from 1), or, when 0, what it says in
// the demo.
type releaseEntry struct {
	handbook.Release
	ContentStep int `json:"content_step"`
}

type playbookEntry struct {
	handbook.Playbook
	BodyFile string `json:"body_file"`
}

type templateEntry struct {
	handbook.CommTemplate
	BodyFile string `json:"body_file"`
}

type serviceEntry struct {
	handbook.Service
	RecoveryStepsFile string `json:"recovery_steps_file"`
}

// processExtra are the keys a process has in demo/handbook.json besides
// those of handbook.BusinessProcess: the impact grid as one row of
// ratings per category at the default time points (4 h, 1 d, 3 d, 1 w,
// 2 w, 1 month), and the file of the continuity plan.
type processExtra struct {
	ImpactRows map[string][]handbook.Rating `json:"impact_rows"`
	PlanFile   string                       `json:"continuity_plan_file"`
}

// HandbookID identifies the demo handbook. Every laptop that loads the demo
// into a new database takes it, so that demo laptops can sync with each
// other (their identical records agree without conflicts).
const HandbookID = "019a0000-0000-7000-8000-000000000d30"

// Demo returns the demo handbook of the fictional Nordlicht Commerce GmbH.
// Every record has a fixed ID and fixed timestamps, so two calls, or two
// laptops, yield identical records. It has no real incidents: its one
// incident is the drill of an alarm test, with that test's calls as log
// entries.
func Demo() (handbook.Handbook, error) {
	doc, hb, err := read()
	if err != nil {
		return handbook.Handbook{}, err
	}
	steps, err := history(hb, doc.History)
	if err != nil {
		return handbook.Handbook{}, err
	}
	return control(hb, doc, steps)
}

// read decodes handbook.json and returns it with the records it holds
// (the Markdown files read in), without document control.
func read() (document, handbook.Handbook, error) {
	raw, err := demoFS.ReadFile(root + "/handbook.json")
	if err != nil {
		return document{}, handbook.Handbook{}, fmt.Errorf("read demo handbook: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var doc document
	if err := dec.Decode(&doc); err != nil {
		return document{}, handbook.Handbook{}, fmt.Errorf("decode demo handbook: %w", err)
	}

	hb := handbook.Handbook{
		Settings:   doc.Settings,
		Contacts:   doc.Contacts,
		Roles:      doc.Roles,
		Escalation: doc.Escalation,
		Risks:      doc.Risks,
		Incidents:  doc.Incidents,
		LogEntries: doc.LogEntries,
		Exercises:  doc.Exercises,
		Actions:    doc.Actions,
		Sites:      doc.Sites,
		Suppliers:  doc.Suppliers,
	}
	for _, e := range doc.Playbooks {
		if e.Body, err = markdown(e.BodyFile); err != nil {
			return document{}, handbook.Handbook{}, fmt.Errorf("playbook %q: %w", e.Title, err)
		}
		hb.Playbooks = append(hb.Playbooks, e.Playbook)
	}
	for _, e := range doc.CommTemplates {
		if e.Body, err = markdown(e.BodyFile); err != nil {
			return document{}, handbook.Handbook{}, fmt.Errorf("template %q: %w", e.Title, err)
		}
		hb.CommTemplates = append(hb.CommTemplates, e.CommTemplate)
	}
	for _, e := range doc.Services {
		if e.RecoverySteps, err = markdown(e.RecoveryStepsFile); err != nil {
			return document{}, handbook.Handbook{}, fmt.Errorf("service %q: %w", e.Name, err)
		}
		hb.Services = append(hb.Services, e.Service)
	}
	for _, raw := range doc.Processes {
		p, err := process(raw)
		if err != nil {
			return document{}, handbook.Handbook{}, err
		}
		hb.Processes = append(hb.Processes, p)
	}
	return doc, hb, nil
}

// Step is an earlier state of some of the demo's records, saved at a past
// moment by a person: the demo's documents have a history.
type Step struct {
	At      time.Time
	Author  string
	Records handbook.Handbook
}

// History returns the earlier states of the demo's documents, oldest
// first. Loading the demo writes them, at their times, before the demo
// itself, so the documents show revisions.
func History() ([]Step, error) {
	doc, hb, err := read()
	if err != nil {
		return nil, err
	}
	return history(hb, doc.History)
}

// history builds the steps from the demo's final records.
func history(hb handbook.Handbook, raw []historyStep) ([]Step, error) {
	var out []Step
	for i, st := range raw {
		step := Step{At: st.At, Author: st.Author}
		for _, e := range st.Playbooks {
			j := slices.IndexFunc(hb.Playbooks, func(p handbook.Playbook) bool { return p.ID == e.ID })
			if j < 0 {
				return nil, fmt.Errorf("history step %d: no playbook %s", i+1, e.ID)
			}
			p := hb.Playbooks[j]
			if e.BodyFile != "" {
				body, err := markdown(e.BodyFile)
				if err != nil {
					return nil, fmt.Errorf("history step %d: %w", i+1, err)
				}
				p.Body = body
			}
			if e.Summary != nil {
				p.Summary = *e.Summary
			}
			step.Records.Playbooks = append(step.Records.Playbooks, p)
		}
		out = append(out, step)
	}
	return out, nil
}

// control adds the releases, reviews, copies, printouts and exchanges,
// filling in what follows from the rest: the content of each release and
// the releases each printout holds.
func control(hb handbook.Handbook, doc document, steps []Step) (handbook.Handbook, error) {
	hb.Reviews, hb.Copies, hb.Exchanges = doc.Reviews, doc.Copies, doc.Exchanges
	for _, r := range doc.Releases {
		d := r.Doc()
		var c handbook.DocContent
		var err error
		switch {
		case r.ContentStep == 0:
			c, err = handbook.ContentIn(&hb, d)
		case r.ContentStep <= len(steps):
			view, werr := handbook.WithContent(hb, d, handbook.DocContent{})
			if werr != nil {
				return hb, werr
			}
			for _, p := range steps[r.ContentStep-1].Records.Playbooks {
				if p.ID == d.ID {
					view.Playbooks = append(view.Playbooks, p)
				}
			}
			c, err = handbook.ContentIn(&view, d)
		default:
			err = fmt.Errorf("no history step %d", r.ContentStep)
		}
		if err != nil {
			return hb, fmt.Errorf("release %s of %s: %w", r.Version(), d, err)
		}
		if !c.Exists() {
			return hb, fmt.Errorf("release %s of %s: the document does not exist", r.Version(), d)
		}
		r.Release.Content, r.Release.Hash = c, c.Hash()
		if r.Title == "" {
			r.Title = handbook.DocumentTitle(&hb, d, "")
			if d.Kind == handbook.EntityMatrix {
				r.Title = handbook.MatrixTitle
			}
		}
		hb.Releases = append(hb.Releases, r.Release)
	}
	for _, p := range doc.Printouts {
		then := hb
		then.Releases = nil
		for _, r := range hb.Releases {
			if !r.ReleasedAt.After(p.PrintedAt) {
				then.Releases = append(then.Releases, r)
			}
		}
		p.Releases = handbook.InForce(&then)
		printed, err := handbook.Released(then)
		if err != nil {
			return hb, err
		}
		p.Version = printed.Version()
		hb.Printouts = append(hb.Printouts, p)
	}
	return hb, nil
}

// process reads a process of demo/handbook.json. Keys that are neither a
// field of the process nor one of processExtra are refused, as
// DisallowUnknownFields does for the other records.
func process(raw json.RawMessage) (handbook.BusinessProcess, error) {
	var p handbook.BusinessProcess
	if err := json.Unmarshal(raw, &p); err != nil {
		return p, fmt.Errorf("decode demo process: %w", err)
	}
	var extra processExtra
	if err := json.Unmarshal(raw, &extra); err != nil {
		return p, fmt.Errorf("process %q: %w", p.Name, err)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return p, fmt.Errorf("process %q: %w", p.Name, err)
	}
	known := jsonNames(reflect.TypeFor[handbook.BusinessProcess]())
	for k := range keys {
		if !known[k] && k != "impact_rows" && k != "continuity_plan_file" && !handbook.IsImpactField(k) {
			return p, fmt.Errorf("process %q: unknown key %q", p.Name, k)
		}
	}
	for cat, row := range extra.ImpactRows {
		if len(row) != len(handbook.DefaultTimePoints) {
			return p, fmt.Errorf("process %q: impact row %s has %d ratings, want %d", p.Name, cat, len(row), len(handbook.DefaultTimePoints))
		}
		if p.Impact == nil {
			p.Impact = handbook.Impact{}
		}
		for i, r := range row {
			p.Impact[handbook.ImpactCell{Category: cat, At: handbook.DefaultTimePoints[i]}] = r
		}
	}
	if extra.PlanFile != "" {
		plan, err := markdown(extra.PlanFile)
		if err != nil {
			return p, fmt.Errorf("process %q: %w", p.Name, err)
		}
		p.ContinuityPlan = plan
	}
	return p, nil
}

// jsonNames lists the JSON names of a struct's fields, embedded ones included.
func jsonNames(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			for k := range jsonNames(f.Type) {
				out[k] = true
			}
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = true
		}
	}
	return out
}

// markdown reads a Markdown file named relative to the demo folder.
func markdown(name string) (string, error) {
	if name == "" {
		return "", errors.New("read markdown: no file named")
	}
	b, err := fs.ReadFile(demoFS, root+"/"+name)
	if err != nil {
		return "", fmt.Errorf("read markdown: %w", err)
	}
	text := strings.TrimSpace(string(b))
	if text == "" {
		return "", fmt.Errorf("read markdown %s: file is empty", name)
	}
	return text, nil
}
