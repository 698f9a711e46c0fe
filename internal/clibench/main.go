// Command clibench times the ernstfall command line the way people run
// it, each step a child process whose CPU time (user and system) and peak
// memory the kernel reports:
//
//   - the binder alone, on 500 generated playbooks imported from a folder
//     of plain Markdown files, and on the generated large handbook;
//   - with -compare, our import and binder beside the pipeline a team
//     would otherwise use on the same folder: pandoc (GitHub Markdown to
//     HTML with a table of contents), then wkhtmltopdf.
//
// make bench and make bench-compare run it; it is a benchmark, not a test,
// and fails only when a step fails.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"ernstfall/internal/fixture"
	"ernstfall/internal/store"
)

func main() {
	bin := flag.String("bin", "./ernstfall", "the ernstfall `binary` to time")
	runs := flag.Int("runs", 3, "runs of each step")
	compare := flag.Bool("compare", false, "also time pandoc → wkhtmltopdf on the same folder")
	flag.Parse()
	if err := run(context.Background(), *bin, *runs, *compare); err != nil {
		fmt.Fprintln(os.Stderr, "clibench:", err)
		os.Exit(1)
	}
}

// usage is what one child process used.
type usage struct {
	cpu  time.Duration
	peak int64 // bytes; 0 where the system does not tell
}

// measure runs name with args in dir and reports what it used.
func measure(ctx context.Context, dir string, env []string, name string, args ...string) (usage, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = io.Discard, &out
	if err := cmd.Run(); err != nil {
		return usage{}, fmt.Errorf("%s %s: %w\n%s", filepath.Base(name), strings.Join(args, " "), err, out.String())
	}
	st := cmd.ProcessState
	return usage{cpu: st.UserTime() + st.SystemTime(), peak: peakMemory(st)}, nil
}

// series is one step measured over several runs.
type series []usage

func (s series) cpu() []time.Duration {
	out := make([]time.Duration, len(s))
	for i, u := range s {
		out[i] = u.cpu
	}
	slices.Sort(out)
	return out
}

// median is the median CPU time.
func (s series) median() time.Duration {
	c := s.cpu()
	return c[len(c)/2]
}

func (s series) peak() int64 {
	var p int64
	for _, u := range s {
		p = max(p, u.peak)
	}
	return p
}

// plus adds the CPU time of t's runs to s's, run by run, keeping the higher peak.
func (s series) plus(t series) series {
	out := slices.Clone(s)
	for i := range out {
		out[i].cpu += t[i].cpu
		out[i].peak = max(out[i].peak, t[i].peak)
	}
	return out
}

func (s series) String() string {
	c := s.cpu()
	peak := "peak memory not reported"
	if p := s.peak(); p > 0 {
		peak = fmt.Sprintf("peak %4.0f MiB", float64(p)/(1<<20))
	}
	return fmt.Sprintf("CPU median %6.3f s (min %.3f, max %.3f), %s", c[len(c)/2].Seconds(), c[0].Seconds(), c[len(c)-1].Seconds(), peak)
}

func run(ctx context.Context, bin string, runs int, compare bool) error {
	bin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("%w (build it with make build)", err)
	}
	if runs < 1 {
		return errors.New("-runs must be at least 1")
	}
	tmp, err := os.MkdirTemp("", "ernstfall-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	folder := filepath.Join(tmp, "playbooks")
	if err := fixture.WritePlaybooks(folder, 1, fixture.Size{Playbooks: 500}); err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(folder, "*.md"))
	if err != nil {
		return err
	}
	slices.Sort(files)
	fmt.Printf("ernstfall command line, %d runs of each step (CPU = user + system time of the process)\n\n", runs)

	var imports, binders series
	for i := range runs {
		dir := filepath.Join(tmp, fmt.Sprintf("ours-%d", i))
		if err := os.Mkdir(dir, 0o755); err != nil {
			return err
		}
		if _, err := measure(ctx, dir, nil, bin, "--db", "pb.db", "init"); err != nil {
			return err
		}
		u, err := measure(ctx, dir, nil, bin, "--db", "pb.db", "import", folder)
		if err != nil {
			return err
		}
		imports = append(imports, u)
		if u, err = measure(ctx, dir, nil, bin, "--db", "pb.db", "binder", "-o", "binder.pdf"); err != nil {
			return err
		}
		binders = append(binders, u)
	}
	fmt.Printf("500 playbooks, import:          %v\n", imports)
	fmt.Printf("500 playbooks, binder alone:    %v\n", binders)
	ours := imports.plus(binders)
	fmt.Printf("500 playbooks, import + binder: %v\n\n", ours)

	large := filepath.Join(tmp, "large.db")
	if err := largeHandbook(ctx, large); err != nil {
		return err
	}
	var big series
	for range runs {
		u, err := measure(ctx, tmp, nil, bin, "--db", large, "binder", "-o", "large.pdf")
		if err != nil {
			return err
		}
		big = append(big, u)
	}
	fmt.Printf("large handbook (%d contacts, %d playbooks, %d services), binder: %v\n",
		fixture.Large.Contacts, fixture.Large.Playbooks, fixture.Large.Services, big)

	if !compare {
		return nil
	}
	for _, tool := range []string{"pandoc", "wkhtmltopdf"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is not installed: make bench-compare installs it", tool)
		}
	}
	var pandoc, wk series
	for i := range runs {
		dir := filepath.Join(tmp, fmt.Sprintf("peer-%d", i))
		if err := os.Mkdir(dir, 0o755); err != nil {
			return err
		}
		args := append([]string{"-f", "gfm", "-t", "html5", "--standalone", "--toc",
			"--metadata", "title=Notfallhandbuch", "-o", "binder.html"}, files...)
		u, err := measure(ctx, dir, nil, "pandoc", args...)
		if err != nil {
			return err
		}
		pandoc = append(pandoc, u)
		// Qt draws without a display this way.
		if u, err = measure(ctx, dir, []string{"QT_QPA_PLATFORM=offscreen"}, "wkhtmltopdf", "--quiet", "binder.html", "binder.pdf"); err != nil {
			return err
		}
		wk = append(wk, u)
	}
	peer := pandoc.plus(wk)
	fmt.Printf("\npandoc (Markdown → HTML):       %v\n", pandoc)
	fmt.Printf("wkhtmltopdf (HTML → PDF):       %v\n", wk)
	fmt.Printf("pandoc → wkhtmltopdf:           %v\n\n", peer)
	fmt.Printf("CPU time, pandoc → wkhtmltopdf against ours: %.1f× our binder alone, %.1f× our import + binder\n",
		ratio(peer.median(), binders.median()), ratio(peer.median(), ours.median()))
	fmt.Printf("peak memory: ours %.0f MiB, pandoc → wkhtmltopdf %.0f MiB\n",
		float64(ours.peak())/(1<<20), float64(peer.peak())/(1<<20))
	return nil
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// largeHandbook writes the generated large handbook into a new database.
func largeHandbook(ctx context.Context, path string) error {
	s, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return err
	}
	if _, err := s.Import(ctx, fixture.Generate(1, fixture.Large)); err != nil {
		s.Close()
		return err
	}
	return s.Close()
}
