package eventtest

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports: eventtest imports nothing of trailkit but event (and
// internal/randdist, which imports nothing of trailkit), so that
// the tests of logfile, digest, trail and insights can use it without an
// import cycle (package fixture is where the generator meets logfile and
// digest).
func TestImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, "github.com/trailkit/trailkit") && p != "github.com/trailkit/trailkit/event" &&
				p != "github.com/trailkit/trailkit/internal/randdist" {
				t.Errorf("%s imports %s", f, p)
			}
		}
	}
}
