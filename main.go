// Command ernstfall is an offline emergency handbook for incident response
// and business continuity. Without a command it opens the app window; with
// one (init, check, search, binder, …) it works headless.
package main

import (
	"bufio"
	"context"
	_ "embed"
	"os"
	"os/signal"
	"strings"

	"ernstfall/app"
	"ernstfall/internal/cli"
	"ernstfall/internal/i18n"
	_ "ernstfall/internal/localefix" // before the toolkit reads the locale
)

// fyneApp is the app's metadata; its Version is the one version number of
// the program, for packages, the command line and the printed binder alike.
//
//go:embed FyneApp.toml
var fyneApp string

func main() {
	if len(os.Args) > 1 {
		attachParentConsole()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	env := &cli.Env{Version: version(fyneApp), Stdout: os.Stdout, Stderr: os.Stderr, GUI: app.Run,
		Lang: i18n.Language(os.Getenv), Getenv: os.Getenv}
	code := cli.Run(ctx, os.Args[1:], env)
	stop()
	os.Exit(code)
}

// version reads Details.Version from FyneApp.toml.
func version(toml string) string {
	section := ""
	sc := bufio.NewScanner(strings.NewReader(toml))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[]")
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if ok && section == "Details" && strings.TrimSpace(key) == "Version" {
			return strings.Trim(strings.TrimSpace(value), `"`)
		}
	}
	return "dev"
}
