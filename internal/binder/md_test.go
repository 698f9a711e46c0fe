package binder

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// TestUnknownNodesPrintAsText feeds the renderer nodes it has no rule for
// (an HTML block, which the handbook's parser never produces, and an
// unknown block holding a paragraph); their text must still print.
func TestUnknownNodesPrintAsText(t *testing.T) {
	need(t, "pdftotext")
	src := []byte("<div>Rohes HTML bleibt Text</div>\nZweiter Absatz im Kasten\n")
	html := ast.NewHTMLBlock(ast.HTMLBlockType6)
	html.Lines().Append(text.NewSegment(0, 34))
	wrapper := ast.NewDocument()
	para := ast.NewParagraph()
	para.AppendChild(para, ast.NewTextSegment(text.NewSegment(34, len(src)-1)))
	wrapper.AppendChild(wrapper, para)

	for _, tc := range []struct {
		name string
		node ast.Node
		want string
	}{
		{"HTML block", html, "<div>Rohes HTML bleibt Text</div>"},
		{"unknown container", wrapper, "Zweiter Absatz im Kasten"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := newPlan(testHandbook(), Options{PrintedAt: printed})
			if err != nil {
				t.Fatal(err)
			}
			d, err := p.newDoc(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			d.newPage("Test")
			d.plain(tc.node, &mdSource{src: src}, d.left, d.contentWidth())
			path := filepath.Join(t.TempDir(), "plain.pdf")
			if err := d.pdf.OutputFileAndClose(path); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), tc.want) {
				t.Errorf("text %q missing from\n%s", tc.want, out)
			}
		})
	}
}
