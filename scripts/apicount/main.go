// Command apicount counts the exported identifiers of the core module's
// public packages, the measure issue #19 sets a goal on: top-level
// exported functions, types, variables and constants, and the exported
// methods of exported types. Struct fields and interface methods are not
// counted. Packages under internal/, examples/ and scripts/, main
// packages and test files are skipped. The identifiers of event's record
// schema (event/record.go and event/enums.go: the record's types and the
// enumerations of its documented values) are counted apart, as the issue
// excludes them.
//
// Usage, from the module root:
//
//	go run ./scripts/apicount [-v]
//
// -v lists every identifier counted.
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	verbose := flag.Bool("v", false, "list every identifier counted")
	flag.Parse()
	counts := map[string][]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			base := d.Name()
			if path != "." && (base == "internal" || base == "testdata" || base == "examples" ||
				base == "scripts" || strings.HasPrefix(base, ".")) {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != "." {
				return filepath.SkipDir // a nested module
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		if f.Name.Name == "main" {
			return nil
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		if pkg == "event" && (filepath.Base(path) == "record.go" || filepath.Base(path) == "enums.go") {
			pkg = "event (record schema)"
		}
		counts[pkg] = append(counts[pkg], exported(f)...)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	var pkgs []string
	for p := range counts {
		if len(counts[p]) > 0 {
			pkgs = append(pkgs, p)
		}
	}
	sort.Strings(pkgs)
	total, schema := 0, 0
	for _, p := range pkgs {
		fmt.Printf("%-28s %4d\n", p, len(counts[p]))
		if *verbose {
			sort.Strings(counts[p])
			for _, id := range counts[p] {
				fmt.Printf("    %s\n", id)
			}
		}
		if strings.HasSuffix(p, "(record schema)") {
			schema += len(counts[p])
		} else {
			total += len(counts[p])
		}
	}
	fmt.Printf("%-28s %4d\n%-28s %4d\n", "total without the schema", total, "record schema", schema)
}

// exported lists the exported identifiers declared in f.
func exported(f *ast.File) []string {
	var ids []string
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() {
				continue
			}
			if d.Recv == nil {
				ids = append(ids, d.Name.Name)
				continue
			}
			if recv := receiver(d.Recv.List[0].Type); ast.IsExported(recv) {
				ids = append(ids, recv+"."+d.Name.Name)
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					if s.Name.IsExported() {
						ids = append(ids, s.Name.Name)
					}
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.IsExported() {
							ids = append(ids, n.Name)
						}
					}
				}
			}
		}
	}
	return ids
}

// receiver returns the name of a method's receiver type.
func receiver(t ast.Expr) string {
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		case *ast.ParenExpr:
			t = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}
