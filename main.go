// Command ernstfall is an offline emergency handbook for incident response
// and business continuity. Without a command it opens the app window; with
// one (init, check, search, binder, …) it works headless.
package main

import (
	"context"
	"os"
	"os/signal"

	"ernstfall/app"
	"ernstfall/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], &cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, GUI: app.Run})
	stop()
	os.Exit(code)
}
