package thirdparty

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite THIRD_PARTY_LICENSES from go.mod")

// TestFileIsCurrent regenerates THIRD_PARTY_LICENSES and compares it with
// the committed file: a module added, removed or upgraded in go.mod without
// regenerating fails here, and so does a module whose licence nobody has
// looked at.
func TestFileIsCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	mods, err := List(context.Background(), root)
	if err != nil {
		t.Fatalf("%v", err)
	}
	own, err := ReadOwnAssets(root)
	if err != nil {
		t.Fatal(err)
	}
	want := Render(mods, own)
	path := filepath.Join(root, "THIRD_PARTY_LICENSES")
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; run %s", err, Regenerate)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("THIRD_PARTY_LICENSES is out of date with go.mod (first difference at line %d): run %s and commit the file",
			firstDiffLine(got, want), Regenerate)
	}
	// The modules every build links must be in it, with their licences.
	for _, w := range []string{"fyne.io/fyne/v2", "modernc.org/sqlite", "github.com/jung-kurt/gofpdf",
		"github.com/yuin/goldmark", "github.com/google/uuid", "std (Go standard library and runtime)"} {
		found := false
		for _, m := range mods {
			if m.Path == w {
				found = m.License != "" && len(m.Files) > 0
			}
		}
		if !found {
			t.Errorf("%s missing or without a licence text", w)
		}
	}
	if !strings.Contains(string(want), "LICENSE-SQLITE") || !strings.Contains(string(want), "glfw/LICENSE.md") {
		t.Error("the SQLite notice or GLFW's C licence is missing")
	}
	// The tarball and the Windows zip ship this file and LICENSE, no
	// source: the licences of every font in the program must be in it
	// (the binder's DejaVu, and the GUI toolkit's Noto Sans, Inter and
	// DejaVu Sans Mono, whose licences ask to travel with every copy; the
	// emoji font's artwork asks for attribution).
	for _, w := range []string{"assets/fonts/LICENSE", "Bitstream Vera", "Arev", "packaging/icons/LICENSE",
		"theme/font/LICENSE.txt", "SIL OPEN FONT LICENSE", "theme/font/LICENSE_Inter.txt", "theme/font/LICENSE_DejaVu-Powerline.txt",
		"assets/notices/EmojiOne.txt", "EmojiOne (http://emojione.com)", "CC-BY 4.0"} {
		if !strings.Contains(string(want), w) {
			t.Errorf("THIRD_PARTY_LICENSES lacks %q", w)
		}
	}
}

func firstDiffLine(a, b []byte) int {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"MIT", "The MIT License (MIT)\n\nCopyright (c) 2018 A\n\nPermission is hereby granted, free of charge, to any person obtaining\na copy of this software", "MIT"},
		{"BSD-3-Clause", "Copyright (c) 2009 The Go Authors.\n\nRedistribution and use in source and binary forms, with or without\nmodification, are permitted ...\n   * Neither the name of Google Inc. nor the names of its\ncontributors may be used to endorse or promote products", "BSD-3-Clause"},
		{"BSD-2-Clause", "Copyright (c) 2013, Georg Reinke\nRedistribution and use in source and binary forms, with or without\nmodification, are permitted provided that the following conditions\nare met:\n1. ...\n2. ...\nTHIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS", "BSD-2-Clause"},
		{"Apache-2.0", "                                 Apache License\n                           Version 2.0, January 2004\n\n 3. Grant of Patent License.", "Apache-2.0"},
		{"ISC", "ISC License\n\nPermission to use, copy, modify, and/or distribute this software for any\npurpose with or without fee is hereby granted", "ISC"},
		{"Zlib", "This software is provided 'as-is', without any express or implied\nwarranty. ... 2. Altered source versions must be plainly marked as such", "Zlib"},
		{"Unlicense", "This is free and unencumbered software released into the public domain.", "Unlicense"},
		{"SPDX expression", "This project is provided under the terms of the UNLICENSE or\nthe BSD license\n\nSPDX-License-Identifier: Unlicense OR BSD-3-Clause\n", "Unlicense OR BSD-3-Clause"},
		{"markdown headings and emphasis", "# MIT License\n\n**Permission is hereby granted, free of charge,** to any person\n> obtaining a copy", "MIT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Classify(tt.text)
			if err != nil || got != tt.want {
				t.Errorf("Classify = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	refused := []struct{ name, text string }{
		{"GPL", "GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\nPermission is hereby granted, free of charge, to any person obtaining a copy"},
		{"LGPL", "GNU LESSER GENERAL PUBLIC LICENSE Version 2.1"},
		{"BSD with advertising clause", "Redistribution and use in source and binary forms ... 3. All advertising materials mentioning features"},
		{"MPL by SPDX", "SPDX-License-Identifier: MPL-2.0"},
		{"an OR with an unknown licence", "SPDX-License-Identifier: MIT OR SSPL-1.0"},
		{"proprietary", "Copyright 2024 Example Corp. All rights reserved. Do not distribute."},
		{"empty", ""},
	}
	for _, tt := range refused {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			got, err := Classify(tt.text)
			if !errors.Is(err, ErrUnrecognised) {
				t.Errorf("Classify = %q, %v; want ErrUnrecognised", got, err)
			}
		})
	}
}

// TestUnrecognisedModule: a module whose licence file is unknown, or that
// has none, stops the generation with its name and the way forward.
func TestUnrecognisedModule(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"unknown licence", map[string]string{"LICENSE": "Copyright Example Corp. All rights reserved."},
			[]string{"example.org/closed v1.0.0", "not recognised", Regenerate, "internal/thirdparty"}},
		{"no licence file", map[string]string{"README.md": "# closed"},
			[]string{"example.org/closed v1.0.0", "no licence file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			m := Module{Path: "example.org/closed", Version: "v1.0.0", Dir: dir}
			err := m.readLicense()
			if !errors.Is(err, ErrUnrecognised) {
				t.Fatalf("err = %v, want ErrUnrecognised", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q lacks %q", err, w)
				}
			}
		})
	}
	t.Run("extra notices ride along with the main licence", func(t *testing.T) {
		dir := t.TempDir()
		for name, text := range map[string]string{
			"LICENSE":        "Permission is hereby granted, free of charge, to any person obtaining a copy\r\n",
			"LICENSE-SQLITE": "SQLite Is Public Domain",
			"PATENTS":        "Additional IP Rights Grant (Patents)",
			"main.go":        "package x",
		} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		m := Module{Path: "example.org/open", Version: "v1.2.3", Dir: dir}
		if err := m.readLicense(); err != nil {
			t.Fatal(err)
		}
		if m.License != "MIT" || len(m.Files) != 3 {
			t.Fatalf("licence %q, files %v", m.License, m.Files)
		}
		out := string(Render([]Module{m}, nil))
		for _, w := range []string{"example.org/open  v1.2.3", "MIT", "LICENSE-SQLITE:", "SQLite Is Public Domain", "PATENTS:"} {
			if !strings.Contains(out, w) {
				t.Errorf("rendered file lacks %q", w)
			}
		}
		if strings.Contains(out, "\r") || strings.Contains(out, "package x") {
			t.Error("rendered file has CR line ends or a non-licence file")
		}
	})
}
