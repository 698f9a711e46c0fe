package binder

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"ernstfall/internal/handbook"
)

// pdfLinks returns the URIs of the link annotations of a PDF, as qpdf
// reads its objects.
func pdfLinks(t *testing.T, path string) []string {
	t.Helper()
	need(t, "qpdf")
	out, err := exec.Command("qpdf", "--json", "--json-key=qpdf", path).Output()
	if err != nil {
		t.Fatalf("qpdf --json: %v", err)
	}
	var uris []string
	for _, m := range regexp.MustCompile(`"/URI": "u:([^"]*)"`).FindAllStringSubmatch(string(out), -1) {
		uris = append(uris, m[1])
	}
	slices.Sort(uris)
	return slices.Compact(uris)
}

// TestLinkSchemes: only http, https, mailto and tel links are clickable in
// the binder; every other destination (javascript:, file:, data:, a
// relative path that a PDF reader resolves against the disk) is printed as
// text, so a playbook from the shared folder cannot make a team lead's PDF
// reader run or open anything.
func TestLinkSchemes(t *testing.T) {
	need(t, "pdftotext", "qpdf")
	body := strings.Join([]string{
		"- [BSI](https://www.bsi.bund.de/dok)",
		"- [Status](http://status.example.org/)",
		"- [Mail](mailto:krisenstab@example.org)",
		"- [Hotline](tel:+4930123456)",
		"- [Skript](javascript:alert(1))",
		"- [Skript2](JavaScript:alert(2))",
		"- [Datei](file:///etc/passwd)",
		"- [Daten](data:text/html;base64,PHNjcmlwdD4=)",
		"- [Relativ](../../geheim.pdf)",
		"- [Samba](smb://server/share)",
		"- <https://autolink.example.org/x>",
		"- <javascript:alert(3)>",
	}, "\n")
	hb := handbook.Handbook{Playbooks: []handbook.Playbook{{Record: handbook.Record{ID: "p1"}, Title: "Links", Body: body}}}
	path := filepath.Join(t.TempDir(), "links.pdf")
	if _, err := WriteFile(context.Background(), path, hb, Options{PrintedAt: printed, Sections: []string{SectionPlaybooks}}); err != nil {
		t.Fatal(err)
	}
	got := pdfLinks(t, path)
	for _, want := range []string{"https://www.bsi.bund.de/dok", "http://status.example.org/", "mailto:krisenstab@example.org",
		"tel:+4930123456", "https://autolink.example.org/x"} {
		if !slices.Contains(got, want) {
			t.Errorf("link %s is not clickable (links: %q)", want, got)
		}
	}
	for _, u := range got {
		lower := strings.ToLower(u)
		if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") &&
			!strings.HasPrefix(lower, "mailto:") && !strings.HasPrefix(lower, "tel:") {
			t.Errorf("clickable link %q has a scheme other than http, https, mailto, tel", u)
		}
	}
	text := squeeze(parse(t, path).all())
	for _, want := range []string{"javascript:alert(1)", "file:///etc/passwd", "../../geheim.pdf", "smb://server/share", "javascript:alert(3)"} {
		if !strings.Contains(text, want) {
			t.Errorf("refused link %q is not printed as text", want)
		}
	}
}

// TestHonorificPrinted: a contact's title is printed before the name, and
// the list is sorted by the name, not by the title.
func TestHonorificPrinted(t *testing.T) {
	hb := handbook.Handbook{Contacts: []handbook.Contact{
		{Record: handbook.Record{ID: "c1"}, Name: "Carl Berg", PhoneMobile: "+49 171 1"},
		{Record: handbook.Record{ID: "c2"}, Honorific: "Dr.", Name: "Ayşe Özdemir", PhoneMobile: "+49 171 2"},
	}}
	e, _ := render(t, hb, Options{PrintedAt: printed, Sections: []string{SectionContacts}})
	all := e.all()
	i, j := strings.Index(all, "Dr. Ayşe Özdemir"), strings.Index(all, "Carl Berg")
	if i < 0 || j < 0 || i > j {
		t.Errorf("want \"Dr. Ayşe Özdemir\" printed before \"Carl Berg\" (at %d and %d):\n%s", i, j, all)
	}
}
