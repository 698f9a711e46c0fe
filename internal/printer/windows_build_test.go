package printer

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestBuildsForWindows cross-compiles the print path and the packages
// that call it for Windows, and vets the print path there: the Windows
// code is never run by the tests of this system, so at least it must
// build.
func TestBuildsForWindows(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("built natively here")
	}
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		t.Skipf("no go command beside the toolchain: %v", err)
	}
	for _, args := range [][]string{
		{"build", "-o", os.DevNull, "ernstfall/internal/printer", "ernstfall/internal/ops", "ernstfall/internal/cli"},
		{"vet", "ernstfall/internal/printer"},
	} {
		cmd := exec.Command(gobin, args...)
		cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("GOOS=windows go %v: %v\n%s", args, err, out)
		}
	}
}
