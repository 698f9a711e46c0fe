package ops

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The front ends: they draw and print, and change the handbook only
// through this package.
var frontEnds = []string{"ernstfall/app", "ernstfall/internal/cli"}

const storePath = "ernstfall/internal/store"

// storeReaders are the functions and methods of the store that change
// nothing; the front ends may call them. Every other function of the store
// writes (or may, like a new one nobody has looked at yet) and belongs in
// an operation here.
var storeReaders = map[string]bool{
	"Open": true, "Close": true, "SchemaVersion": true, "InspectBackup": true, "GroupEdits": true,
	"Get": true, "List": true, "Load": true, "Summaries": true, "Search": true, "FindRecords": true, "Labels": true,
	"Settings": true, "Meta": true, "HandbookID": true, "Device": true, "Path": true, "BackupDir": true, "Backups": true,
	"Conflicts": true, "ConflictCount": true, "LastPrintout": true, "History": true, "RecordAt": true, "PlanRestore": true,
	"Applied": true, "Unsent": true, "ExportSnapshot": true, "IntegrityCheck": true, "Subscribe": true, "ReadOnly": true,
	"BatchHash": true, "IsCorrupt": true, "NewestGoodBackup": true, "Salvage": true,
	"Revisions": true, "DocumentAt": true, "Document": true, "Author": true, "CheckImport": true, "CheckOutside": true,
}

// TestFrontEndsWriteOnlyThroughOps type-checks the window and the command
// line and walks every use of a function: a store function that writes,
// or a function of another package handed the store (a sync round, an
// import's Apply), is allowed only here, in internal/ops.
func TestFrontEndsWriteOnlyThroughOps(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the export data of the window's packages")
	}
	pkgs := listExports(t)
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		p, ok := pkgs[path]
		if !ok || p.Export == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(p.Export)
	})
	var problems []string
	for _, path := range frontEnds {
		p := pkgs[path]
		var files []*ast.File
		for _, name := range append(slices.Clone(p.GoFiles), p.CgoFiles...) {
			f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		info := &types.Info{Uses: map[*ast.Ident]types.Object{}, Types: map[ast.Expr]types.TypeAndValue{}}
		conf := types.Config{Importer: imp}
		if _, err := conf.Check(path, fset, files, info); err != nil {
			t.Fatalf("type-check %s: %v", path, err)
		}
		problems = append(problems, storeWrites(fset, files, info)...)
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// storeWrites lists the places in files that write to the store other
// than through an operation.
func storeWrites(fset *token.FileSet, files []*ast.File, info *types.Info) []string {
	var out []string
	where := func(n ast.Node) string {
		pos := fset.Position(n.Pos())
		return fmt.Sprintf("%s:%d", filepath.Join(filepath.Base(filepath.Dir(pos.Filename)), filepath.Base(pos.Filename)), pos.Line)
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				fn, ok := info.Uses[n.Sel].(*types.Func)
				if ok && fn.Pkg() != nil && fn.Pkg().Path() == storePath && ofStore(fn) && !storeReaders[fn.Name()] {
					out = append(out, fmt.Sprintf("%s: %s writes to the store; call an operation of internal/ops", where(n), fn.FullName()))
				}
			case *ast.CallExpr:
				fn := callee(n.Fun, info)
				if fn == nil || fn.Pkg() == nil {
					return true
				}
				pkg := fn.Pkg().Path()
				if pkg == storePath || pkg == "ernstfall/internal/ops" || slices.Contains(frontEnds, pkg) {
					return true
				}
				for _, arg := range n.Args {
					if isStore(info.Types[arg].Type) {
						out = append(out, fmt.Sprintf("%s: the store is handed to %s; call an operation of internal/ops", where(n), fn.FullName()))
					}
				}
			}
			return true
		})
	}
	return out
}

// ofStore reports whether fn is a function of the store package or a
// method of the store or a transaction; methods of its value types (a
// conflict's side, a restore plan) change nothing.
func ofStore(fn *types.Func) bool {
	recv := fn.Signature().Recv()
	return recv == nil || isStore(recv.Type())
}

// callee is the function a call calls, nil for a conversion, a builtin or
// a function value.
func callee(fun ast.Expr, info *types.Info) *types.Func {
	switch f := ast.Unparen(fun).(type) {
	case *ast.Ident:
		fn, _ := info.Uses[f].(*types.Func)
		return fn
	case *ast.SelectorExpr:
		fn, _ := info.Uses[f.Sel].(*types.Func)
		return fn
	case *ast.IndexExpr:
		return callee(f.X, info)
	case *ast.IndexListExpr:
		return callee(f.X, info)
	}
	return nil
}

// isStore reports whether t is the store or a transaction of it.
func isStore(t types.Type) bool {
	if t == nil {
		return false
	}
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != storePath {
		return false
	}
	switch n.Obj().Name() {
	case "Store", "Tx", "Writer":
		return true
	}
	return false
}

type listedPackage struct {
	ImportPath, Dir, Export string
	GoFiles, CgoFiles       []string
}

// listExports has the go command build the front ends and everything they
// import, and returns the packages with their export data.
func listExports(t *testing.T) map[string]listedPackage {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-export", "-deps", "-json=ImportPath,Dir,Export,GoFiles,CgoFiles"}, frontEnds...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]listedPackage{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p listedPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	for _, fe := range frontEnds {
		if _, ok := pkgs[fe]; !ok {
			t.Fatalf("go list did not list %s", fe)
		}
	}
	if !strings.Contains(string(out), storePath) {
		t.Fatalf("the front ends do not import %s; is the walk broken?", storePath)
	}
	return pkgs
}
