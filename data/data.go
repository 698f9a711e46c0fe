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
	"strings"

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
	Exercises     []handbook.Exercise        `json:"exercises"`
	Actions       []handbook.Action          `json:"actions"`
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

// HandbookID identifies the demo handbook. Every laptop that loads the demo
// into a new database takes it, so that demo laptops can sync with each
// other (their identical records agree without conflicts).
const HandbookID = "019a0000-0000-7000-8000-000000000d30"

// Demo returns the demo handbook of the fictional Nordlicht Commerce GmbH.
// Every record has a fixed ID and fixed timestamps, so two calls, or two
// laptops, yield identical records. It has no incidents and no log entries.
func Demo() (handbook.Handbook, error) {
	raw, err := demoFS.ReadFile(root + "/handbook.json")
	if err != nil {
		return handbook.Handbook{}, fmt.Errorf("read demo handbook: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var doc document
	if err := dec.Decode(&doc); err != nil {
		return handbook.Handbook{}, fmt.Errorf("decode demo handbook: %w", err)
	}

	hb := handbook.Handbook{
		Settings:   doc.Settings,
		Contacts:   doc.Contacts,
		Roles:      doc.Roles,
		Escalation: doc.Escalation,
		Risks:      doc.Risks,
		Incidents:  []handbook.Incident{},
		LogEntries: []handbook.LogEntry{},
		Exercises:  doc.Exercises,
		Actions:    doc.Actions,
	}
	for _, e := range doc.Playbooks {
		if e.Body, err = markdown(e.BodyFile); err != nil {
			return handbook.Handbook{}, fmt.Errorf("playbook %q: %w", e.Title, err)
		}
		hb.Playbooks = append(hb.Playbooks, e.Playbook)
	}
	for _, e := range doc.CommTemplates {
		if e.Body, err = markdown(e.BodyFile); err != nil {
			return handbook.Handbook{}, fmt.Errorf("template %q: %w", e.Title, err)
		}
		hb.CommTemplates = append(hb.CommTemplates, e.CommTemplate)
	}
	for _, e := range doc.Services {
		if e.RecoverySteps, err = markdown(e.RecoveryStepsFile); err != nil {
			return handbook.Handbook{}, fmt.Errorf("service %q: %w", e.Name, err)
		}
		hb.Services = append(hb.Services, e.Service)
	}
	return hb, nil
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
