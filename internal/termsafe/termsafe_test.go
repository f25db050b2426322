package termsafe

import "testing"

func TestEscape(t *testing.T) {
	for _, c := range []struct {
		in      string
		keepTab bool
		want    string
	}{
		{"plain/key.json.gz", false, "plain/key.json.gz"},
		{"a\tb", true, "a\tb"},
		{"a\tb", false, `a\x09b`},
		{"\x1b[2Jx\x7f", true, `\x1b[2Jx\x7f`},
		{"c1\u009bz", false, `c1\u009bz`},
		{"bad\xffutf8", false, `bad\xffutf8`},
		{"héllo ✓", false, "héllo ✓"},
	} {
		if got := Escape(c.in, c.keepTab); got != c.want {
			t.Errorf("Escape(%q, %v) = %q, want %q", c.in, c.keepTab, got, c.want)
		}
	}
}

func FuzzEscape(f *testing.F) {
	f.Add("a\x1b\tb\xff\u0085", true)
	f.Fuzz(func(t *testing.T, s string, keepTab bool) {
		out := Escape(s, keepTab)
		for _, r := range out {
			if (r < 0x20 && !(keepTab && r == '\t')) || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Fatalf("Escape(%q) = %q keeps control character %U", s, out, r)
			}
		}
		if Escape(s, keepTab) != out {
			t.Fatal("not deterministic")
		}
	})
}
