//go:build !windows

package cli

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cupsPDFQueue is a print queue of the real CUPS scheduler that writes
// PDF files (the cups-pdf backend), with the folder it writes them to;
// "" when this computer has none.
func cupsPDFQueue(t *testing.T) (queue, dir string) {
	t.Helper()
	out, err := exec.Command("lpstat", "-v").Output()
	if err != nil {
		return "", ""
	}
	// "device for Keller_PDF: cups-pdf:/"
	line := regexp.MustCompile(`(?m)^device for (\S+): cups-pdf:/`)
	m := line.FindStringSubmatch(string(out))
	if m == nil {
		return "", ""
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", ""
	}
	dir = filepath.Join(home, "PDF") // the backend's default "Out ${HOME}/PDF"
	if f, err := os.Open("/etc/cups/cups-pdf.conf"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "Out "); ok {
				dir = strings.ReplaceAll(strings.TrimSpace(v), "${HOME}", home)
			}
		}
	}
	return m[1], dir
}

// TestBinderToRealCUPS prints the demo binder through the real CUPS
// scheduler to a PDF printer, as "ernstfall binder --printer" and the
// window's "Send to printer" do, and reads back what came out of the
// printer: the same number of pages as sent, on A4. It runs where a
// cups-pdf queue is set up and skips elsewhere; the stand-in lp of
// TestBinderToPrinter covers the arguments everywhere.
func TestBinderToRealCUPS(t *testing.T) {
	queue, dir := cupsPDFQueue(t)
	if queue == "" {
		t.Skip("no CUPS PDF printer here; to run this test: apt-get install cups printer-driver-cups-pdf, start cupsd, " +
			"then lpadmin -p Keller_PDF -E -v cups-pdf:/ -m lsb/usr/cups-pdf/CUPS-PDF_opt.ppd")
	}
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		t.Skip("pdfinfo (poppler-utils) is not installed; make deps installs it")
	}
	r := run(t, "--db", demoDB(t), "binder", "--printer", queue, "--sections", "alarm,contacts")
	if r.code != 0 {
		t.Fatalf("exit %d: %+v", r.code, r)
	}
	m := regexp.MustCompile(`sent (\d+) pages to ` + regexp.QuoteMeta(queue) + `.*print job ` + regexp.QuoteMeta(queue) + `-(\d+)`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("stdout %q names no pages and job", r.stdout)
	}
	pages, _ := strconv.Atoi(m[1])
	// cups-pdf names its file after the job's title and number:
	// "Notfallhandbuch-job_12.pdf".
	var printed string
	for deadline := time.Now().Add(90 * time.Second); printed == "" && time.Now().Before(deadline); {
		// Done when the file is there and the job has left the queue
		// of jobs not yet completed.
		found, _ := filepath.Glob(filepath.Join(dir, "*job_"+m[2]+".pdf"))
		pending, err := exec.Command("lpstat", "-o", queue).Output()
		if len(found) == 1 && err == nil && !strings.Contains(string(pending), queue+"-"+m[2]+" ") {
			printed = found[0]
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	if printed == "" {
		t.Fatalf("job %s-%s left no PDF in %s within 90 s (lpstat -o; /var/log/cups/error_log)", queue, m[2], dir)
	}
	t.Cleanup(func() { os.Remove(printed) })
	if got := pdfPageCount(t, printed); got != pages {
		t.Errorf("the printer put out %d pages, the binder had %d", got, pages)
	}
	info, err := exec.Command("pdfinfo", printed).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(info), "(A4)") {
		t.Errorf("printed on another paper size: %s", info)
	}
}
