package wildcard

import (
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"abc", "abc", true},
		{"abc", "abcd", false},
		{"", "", true},
		{"*", "", true},
		{"*", "anything", true},
		{"a*", "abc", true},
		{"a*", "ba", false},
		{"*c", "abc", true},
		{"*c", "cb", false},
		{"a*c", "ac", true},
		{"a*c", "abbbc", true},
		{"a*c", "a", false},     // prefix and suffix may not overlap
		{"ab*ba", "aba", false}, // nor here
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxcyyb", false},
		{"*b*b*", "bb", true},
		{"*b*b*", "b", false},
		{"arn:aws:iam::*:user/*", "arn:aws:iam::111122223333:user/ci", true},
		{"arn:aws:iam::*:user/*", "arn:aws:iam::111122223333:role/ci", false},
	}
	for _, c := range cases {
		if got := Match([]byte(c.s), strings.Split(c.pattern, "*")); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.s, c.pattern, got, c.want)
		}
	}
}

func TestMatchAllocs(t *testing.T) {
	parts := strings.Split("arn:aws:iam::*:user/*", "*")
	s := []byte("arn:aws:iam::111122223333:user/ci")
	if n := testing.AllocsPerRun(100, func() { Match(s, parts) }); n != 0 {
		t.Errorf("Match allocates %v times a call", n)
	}
}
