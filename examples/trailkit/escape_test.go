package main

import "testing"

func TestEscapeControl(t *testing.T) {
	for in, want := range map[string]string{
		"plain/key.json.gz":  "plain/key.json.gz",
		"a\x1b[31mred\x07":   `a\x1b[31mred\x07`,
		"tab\there\x7f":      `tab\x09here\x7f`,
		"c1\u009bz \xff end": `c1\u009bz \xff end`,
		"ünïcode stays":      "ünïcode stays",
	} {
		if got := escapeControl(in); got != want {
			t.Errorf("escapeControl(%q) = %q, want %q", in, got, want)
		}
	}
}
