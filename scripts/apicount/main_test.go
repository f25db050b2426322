package main

import (
	"go/parser"
	"go/token"
	"slices"
	"testing"
)

func TestExported(t *testing.T) {
	src := `package p
const A, b = 1, 2
var (V int; w int)
type T struct{ F int }
type u struct{}
type G[K any] struct{}
func F() {}
func f() {}
func (T) M() {}
func (*T) N() {}
func (u) M() {}
func (G[K]) M() {}
func (t *T) m() {}
type I interface{ M() }
`
	f, err := parser.ParseFile(token.NewFileSet(), "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := exported(f)
	want := []string{"A", "V", "T", "G", "F", "T.M", "T.N", "G.M", "I"}
	if !slices.Equal(got, want) {
		t.Errorf("exported = %v, want %v", got, want)
	}
}
