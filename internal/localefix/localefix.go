// Package localefix spells the C locale the way the GUI toolkit's locale
// lookup understands it. Debian and container images set LANG=C.UTF-8,
// which the toolkit cannot parse and complains about on every start, even
// for headless commands. main imports this package for its side effect; Go
// initialises it before the toolkit because it needs nothing but the
// standard library and its import path sorts first.
package localefix

import (
	"os"
	"strings"
)

func init() { apply(os.Getenv, os.Setenv) }

// apply rewrites the locale variable in effect for messages from "C.UTF-8"
// (or "POSIX.…") to plain "C", which means the same for messages.
func apply(get func(string) string, set func(string, string) error) {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		cur := get(v)
		if cur == "" {
			continue
		}
		base, _, hasCodeset := strings.Cut(cur, ".")
		if hasCodeset && (base == "C" || base == "POSIX") {
			_ = set(v, base)
		}
		return
	}
}
