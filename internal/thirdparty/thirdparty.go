// Package thirdparty lists the Go modules linked into the shipped program,
// names each one's licence and renders THIRD_PARTY_LICENSES with the full
// texts from the module cache. A licence it does not recognise is an error:
// someone has to read it before Ernstfall ships it.
package thirdparty

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Regenerate is the one command that rewrites THIRD_PARTY_LICENSES; error
// messages name it.
const Regenerate = "make licenses"

// Platforms are the GOOS values of the shipped builds. Each links a few
// modules of its own (D-Bus and desktop portals on Linux, terminal and
// time-format helpers on Windows).
var Platforms = []string{"linux", "windows"}

// Module is one third-party module in the build, with the licence files
// found at its root (and the extra ones named in nested).
type Module struct {
	Path, Version, Dir string
	License            string // SPDX expression
	Files              []File
}

// File is one licence text of a module.
type File struct {
	Name, Text string
}

// ErrUnrecognised means a module's licence is not one that is known to
// allow shipping it inside Ernstfall.
var ErrUnrecognised = errors.New("licence not recognised")

// recognised are the SPDX identifiers of licences that allow Ernstfall
// (Apache-2.0) to ship the module in its binary with the licence text
// beside it. A copyleft licence is deliberately absent: adding one is a
// decision, not a regeneration.
var recognised = []string{"Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "MIT", "Unlicense", "Zlib"}

// nested names licence files below a module's root that cover code or data
// compiled into the binary: GLFW's C library inside the Go binding, and the
// fonts the GUI toolkit embeds (Noto Sans and Inter under the SIL Open Font
// License, DejaVu Sans Mono under the Bitstream Vera licence), whose
// licences ask for their text to travel with every copy.
var nested = map[string][]string{
	"github.com/go-gl/glfw/v3.3/glfw": {"glfw/LICENSE.md"},
	"fyne.io/fyne/v2":                 {"theme/font/LICENSE.txt", "theme/font/LICENSE_Inter.txt", "theme/font/LICENSE_DejaVu-Powerline.txt"},
}

// OwnAssets are the licence files of what Ernstfall itself embeds or ships
// beside its code: the binder's fonts and the icons, and the notice for the
// GUI toolkit's emoji font, whose module carries no licence file of its own. The tarball and the
// Windows zip carry no source, so their texts go into THIRD_PARTY_LICENSES.
var OwnAssets = []string{"assets/fonts/LICENSE", "packaging/icons/LICENSE", "assets/notices/EmojiOne.txt"}

// ReadOwnAssets reads OwnAssets below the repository root dir.
func ReadOwnAssets(dir string) ([]File, error) {
	var out []File
	for _, n := range OwnAssets {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(n)))
		if err != nil {
			return nil, fmt.Errorf("licence of Ernstfall's assets: %w", err)
		}
		out = append(out, File{Name: n, Text: strings.ReplaceAll(string(data), "\r\n", "\n")})
	}
	return out, nil
}

// List asks the go command which modules the main package in dir links on
// every shipped platform, and reads their licences from the module cache.
func List(ctx context.Context, dir string) ([]Module, error) {
	seen := map[string]Module{}
	for _, goos := range Platforms {
		cmd := exec.CommandContext(ctx, "go", "list", "-deps",
			"-f", "{{with .Module}}{{if not .Main}}{{.Path}}\t{{.Version}}\t{{.Dir}}{{end}}{{end}}", ".")
		cmd.Dir = dir
		// cgo on, as in the real builds: the GUI toolkit's platform files
		// are cgo files. Listing compiles nothing, so no C compiler runs.
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=1", "GOFLAGS=-mod=readonly")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go list for %s: %w: %s", goos, err, strings.TrimSpace(stderr.String()))
		}
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			path, rest, ok := strings.Cut(sc.Text(), "\t")
			if !ok {
				continue
			}
			version, modDir, _ := strings.Cut(rest, "\t")
			if modDir == "" {
				return nil, fmt.Errorf("module %s %s is not in the module cache: run go mod download", path, version)
			}
			seen[path] = Module{Path: path, Version: version, Dir: modDir}
		}
	}
	mods := make([]Module, 0, len(seen)+1)
	std, err := standardLibrary(ctx, dir)
	if err != nil {
		return nil, err
	}
	mods = append(mods, std)
	for _, m := range seen {
		mods = append(mods, m)
	}
	slices.SortFunc(mods[1:], func(a, b Module) int { return cmp.Compare(a.Path, b.Path) })
	for i := range mods {
		if err := mods[i].readLicense(); err != nil {
			return nil, err
		}
	}
	return mods, nil
}

// standardLibrary is Go's own code in every binary: the runtime and the
// standard library, under the licence in GOROOT. Its version is go.mod's go
// directive, so a patch release of the toolchain does not change the file.
func standardLibrary(ctx context.Context, dir string) (Module, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output()
	if err != nil {
		return Module{}, fmt.Errorf("go env GOROOT: %w", err)
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return Module{}, err
	}
	m := regexp.MustCompile(`(?m)^go (\S+)`).FindSubmatch(gomod)
	if m == nil {
		return Module{}, fmt.Errorf("%s: no go directive", filepath.Join(dir, "go.mod"))
	}
	return Module{Path: "std (Go standard library and runtime)", Version: "go" + string(m[1]),
		Dir: strings.TrimSpace(string(out))}, nil
}

// licenseFile matches the names of licence texts at a module's root.
var licenseFile = regexp.MustCompile(`(?i)^(licen[cs]e|copying|notice|patents|unlicense)([-._].*)?$`)

// readLicense reads the module's licence files and names its licence from
// the main one (LICENSE, COPYING …; not LICENSE-SQLITE or PATENTS).
func (m *Module) readLicense() error {
	entries, err := os.ReadDir(m.Dir)
	if err != nil {
		return fmt.Errorf("module %s: %w", m.Path, err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && licenseFile.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	names = append(names, nested[m.Path]...)
	var main string
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(m.Dir, filepath.FromSlash(n)))
		if err != nil {
			return fmt.Errorf("module %s: %w", m.Path, err)
		}
		m.Files = append(m.Files, File{Name: n, Text: strings.ReplaceAll(string(data), "\r\n", "\n")})
		if main == "" && isMain(n) {
			main = string(data)
		}
	}
	if main == "" {
		return fmt.Errorf("module %s %s: no licence file (LICENSE, COPYING) in %s: %w; check its licence by hand",
			m.Path, m.Version, m.Dir, ErrUnrecognised)
	}
	id, err := Classify(main)
	if err != nil {
		return fmt.Errorf("module %s %s: %w; read it, and if it allows shipping the module in Ernstfall, add it to the recognised licences in internal/thirdparty, then run %s",
			m.Path, m.Version, err, Regenerate)
	}
	m.License = id
	return nil
}

// isMain tells the project's own licence file from additional notices.
func isMain(name string) bool {
	base := strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(name, ".md"), ".txt"))
	return base == "license" || base == "licence" || base == "copying" || base == "unlicense"
}

var (
	spdxLine = regexp.MustCompile(`SPDX-License-Identifier:\s*(.+)`)
	spaces   = regexp.MustCompile(`[\s#*>]+`)
)

// Classify names a licence text by its SPDX identifier: from an
// SPDX-License-Identifier line when there is one, else from the wording
// that sets each licence apart.
func Classify(text string) (string, error) {
	if m := spdxLine.FindStringSubmatch(text); m != nil {
		expr := strings.TrimSpace(m[1])
		for _, id := range strings.Fields(strings.NewReplacer("(", " ", ")", " ").Replace(expr)) {
			if id == "OR" || id == "AND" {
				continue
			}
			if !slices.Contains(recognised, id) {
				return "", fmt.Errorf("%w: %s", ErrUnrecognised, expr)
			}
		}
		return expr, nil
	}
	t := strings.ToLower(spaces.ReplaceAllString(text, " "))
	has := func(s ...string) bool {
		for _, x := range s {
			if !strings.Contains(t, x) {
				return false
			}
		}
		return true
	}
	switch {
	case has("gnu general public license") || has("gnu lesser general public license") || has("gnu affero"):
		return "", fmt.Errorf("%w: a GNU licence", ErrUnrecognised)
	case has("apache license", "version 2.0", "grant of patent license"):
		return "Apache-2.0", nil
	case has("permission is hereby granted, free of charge, to any person obtaining a copy"):
		return "MIT", nil
	case has("permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted"),
		has("permission to use, copy, modify, and distribute this software for any purpose with or without fee is hereby granted"):
		return "ISC", nil
	case has("redistribution and use in source and binary forms") && has("all advertising materials"):
		return "", fmt.Errorf("%w: a BSD licence with an advertising clause", ErrUnrecognised)
	case has("redistribution and use in source and binary forms") &&
		(has("neither the name") || has("may be used to endorse or promote products")):
		return "BSD-3-Clause", nil
	case has("redistribution and use in source and binary forms"):
		return "BSD-2-Clause", nil
	case has("this is free and unencumbered software released into the public domain"):
		return "Unlicense", nil
	case has("provided 'as-is', without any express or implied warranty", "altered source versions must be plainly marked"):
		return "Zlib", nil
	}
	first, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	return "", fmt.Errorf("%w: it begins %q", ErrUnrecognised, first)
}

// Render writes THIRD_PARTY_LICENSES: a table of modules, versions and
// licences, then every licence text, then those of Ernstfall's own assets.
func Render(mods []Module, own []File) []byte {
	var b bytes.Buffer
	b.WriteString("Third-party software in Ernstfall\n\n")
	b.WriteString("Ernstfall is licensed under the Apache License 2.0 (see LICENSE). Its program\n")
	b.WriteString("contains the Go modules below, each under its own licence; their texts follow.\n")
	b.WriteString("The fonts embedded for the printed binder and the icons follow at the end,\n")
	b.WriteString("with their licences.\n\n")
	fmt.Fprintf(&b, "This file is generated from go.mod by `%s`; do not edit it by hand.\n\n", Regenerate)
	width, vwidth := 0, 0
	for _, m := range mods {
		width, vwidth = max(width, len(m.Path)), max(vwidth, len(m.Version))
	}
	for _, m := range mods {
		fmt.Fprintf(&b, "%-*s  %-*s  %s\n", width, m.Path, vwidth, m.Version, m.License)
	}
	for _, m := range mods {
		b.WriteString("\n" + strings.Repeat("=", 78) + "\n")
		fmt.Fprintf(&b, "%s %s (%s)\n", m.Path, m.Version, m.License)
		for _, f := range m.Files {
			b.WriteString(strings.Repeat("-", 78) + "\n")
			fmt.Fprintf(&b, "%s:\n\n", f.Name)
			b.WriteString(strings.TrimRight(f.Text, "\n") + "\n")
		}
	}
	if len(own) > 0 {
		b.WriteString("\n" + strings.Repeat("=", 78) + "\n")
		b.WriteString("Fonts and icons embedded in or shipped with Ernstfall\n")
		for _, f := range own {
			b.WriteString(strings.Repeat("-", 78) + "\n")
			fmt.Fprintf(&b, "%s:\n\n", f.Name)
			b.WriteString(strings.TrimRight(f.Text, "\n") + "\n")
		}
	}
	return b.Bytes()
}
