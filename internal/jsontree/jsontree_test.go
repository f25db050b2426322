package jsontree

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"
)

// toAny rebuilds node i as the value encoding/json would decode.
func toAny(d *Doc, i int) any {
	switch d.Kind(i) {
	case Null:
		return nil
	case True:
		return true
	case False:
		return false
	case Number:
		return d.Float(i)
	case String:
		return string(d.Str(i))
	case Array:
		a := []any{}
		for j := d.First(i); j >= 0; j = d.Next(j) {
			a = append(a, toAny(d, j))
		}
		return a
	}
	m := map[string]any{}
	for j := d.First(i); j >= 0; j = d.Next(j) {
		k := string(d.Key(j))
		if _, dup := m[k]; !dup {
			m[k] = toAny(d, j)
		}
	}
	return m
}

func check(t *testing.T, src []byte) {
	var d Doc
	err := d.Parse(src)
	if json.Valid(src) != (err == nil) {
		t.Fatalf("%q: Parse error %v, json.Valid %v", src, err, json.Valid(src))
	}
	if err != nil {
		if !errors.Is(err, ErrSyntax) {
			t.Fatalf("%q: error %v is not ErrSyntax", src, err)
		}
		return
	}
	var want any
	if err := json.Unmarshal(src, &want); err != nil {
		return // duplicate keys and the like: validity already compared
	}
	got := toAny(&d, 0)
	// encoding/json replaces invalid UTF-8 by U+FFFD; Str keeps the bytes.
	if utf8.Valid(src) && !hasDupKeys(&d) && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: got %#v, want %#v", src, got, want)
	}
}

func hasDupKeys(d *Doc) bool {
	for i := 0; i < d.Len(); i++ {
		if d.Kind(i) != Object {
			continue
		}
		seen := map[string]bool{}
		for j := d.First(i); j >= 0; j = d.Next(j) {
			if seen[string(d.Key(j))] {
				return true
			}
			seen[string(d.Key(j))] = true
		}
	}
	return false
}

var seeds = []string{
	`{}`, `[]`, `{"a":1,"b":[true,false,null,"x\u00e9\ud83d\ude00\n"],"c":{"d":-1.5e3}}`,
	` [1, 2 ,3] `, `"\"\\\/\b\f\n\r\t"`, `{"k\u0041":"v"}`, `{"a":}`, `[1,]`, `01`, `1.`, `-`, `"\ud800"`,
	`{"a":1}x`, `tru`, "\"\x01\"", `[[[[]]]]`, `{"a" 1}`, `1e`, `"\u12"`,
}

func TestParse(t *testing.T) {
	for _, s := range seeds {
		check(t, []byte(s))
	}
	var d Doc
	if err := d.Parse([]byte(`{"a":{"b":[10,{"c":"x"}]},"k\u0041":2}`)); err != nil {
		t.Fatal(err)
	}
	c := d.Member(d.Member(d.Elem(d.Member(d.Member(0, "a"), "b"), 1), "c"), "zz")
	if c != -1 {
		t.Fatal("lookup through a string should fail")
	}
	if x := d.Member(d.Elem(d.Member(d.Member(0, "a"), "b"), 1), "c"); string(d.Str(x)) != "x" {
		t.Fatalf("a.b[1].c = %q", d.Str(x))
	}
	if x := d.Member(0, "kA"); x < 0 || d.Float(x) != 2 {
		t.Fatal("escaped key not found")
	}
	if d.Elem(d.Member(d.Member(0, "a"), "b"), 2) != -1 {
		t.Fatal("index past the end")
	}
}

func TestDepth(t *testing.T) {
	var d Doc
	deep := make([]byte, 0, 2*MaxDepth+2)
	for range MaxDepth + 1 {
		deep = append(deep, '[')
	}
	for range MaxDepth + 1 {
		deep = append(deep, ']')
	}
	if err := d.Parse(deep); !errors.Is(err, ErrSyntax) {
		t.Fatalf("depth %d: %v", MaxDepth+1, err)
	}
	if err := d.Parse(deep[1 : len(deep)-1]); err != nil {
		t.Fatalf("depth %d: %v", MaxDepth, err)
	}
}

func TestParseAllocs(t *testing.T) {
	src := []byte(`{"a":{"b":[10,{"c":"x\n"}]},"n":1.25}`)
	var d Doc
	_ = d.Parse(src)
	n := testing.AllocsPerRun(100, func() {
		_ = d.Parse(src)
		_ = d.Str(d.Member(d.Elem(d.Member(d.Member(0, "a"), "b"), 1), "c"))
		_ = d.Float(d.Member(0, "n"))
	})
	if n != 0 {
		t.Fatalf("%v allocations per parse", n)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { check(t, b) })
}
