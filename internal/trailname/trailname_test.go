package trailname

import (
	"slices"
	"strings"
	"testing"
)

// The examples are the documentation's own (InvalidTrailNameException,
// "CloudTrail resource naming requirements") plus the edges of each rule.
func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		want []Rule
	}{
		{"MyTrail", nil},
		{"abc", nil},
		{"a.b-c_d", nil},
		{"my_trail.v2", nil},
		{strings.Repeat("a", 128), nil},
		{"1.2.3", nil},         // three groups: not an address
		{"1.2.3.4.5", nil},     // five groups
		{"1.2.3.4a", nil},      // a letter
		{"1234.1.1.1", nil},    // four digits in a group
		{"2001.db8.0.1", nil},  // letters
		{"10-0-0-1", nil},      // dashes
		{"", []Rule{TooShort}}, // empty
		{"ab", []Rule{TooShort}},
		{strings.Repeat("a", 129), []Rule{TooLong}},
		{"_abc", []Rule{Start}},
		{"abc-", []Rule{End}},
		{"my-_namespace", []Rule{AdjacentPunctuation}}, // the documentation's example
		{"my--namespace", []Rule{AdjacentPunctuation}}, // the documentation's example
		{"a b", []Rule{Charset}},
		{"a/b", []Rule{Charset}},
		{"tr\u00e9il", []Rule{Charset}},
		{"192.168.5.4", []Rule{IPAddress}}, // the documentation's example
		{"999.1.1.1", []Rule{IPAddress}},   // the shape, not a valid address
		{"010.001.000.1", []Rule{IPAddress}},
		{"-a", []Rule{TooShort, Start}},
		{"..", []Rule{TooShort, Start, End, AdjacentPunctuation}},
		{"a..b c", []Rule{Charset, AdjacentPunctuation}},
	} {
		if got := Check(tc.name); !slices.Equal(got, tc.want) {
			t.Errorf("Check(%q) = %v, want %v", tc.name, got, tc.want)
		}
		if Valid(tc.name) != (tc.want == nil) {
			t.Errorf("Valid(%q) = %v", tc.name, !(tc.want == nil))
		}
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"abc", "192.168.5.4", "my--namespace", "a.b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		broken := Check(s)
		if !slices.IsSorted(broken) {
			t.Fatalf("Check(%q) = %v, not in rule order", s, broken)
		}
		// A valid name matches the documented character and length rules.
		if broken == nil {
			if len(s) < MinLength || len(s) > MaxLength {
				t.Fatalf("Check(%q) = nil for length %d", s, len(s))
			}
			for i := 0; i < len(s); i++ {
				if !isAlnum(s[i]) && !isPunct(s[i]) {
					t.Fatalf("Check(%q) = nil with %q", s, s[i])
				}
			}
		}
	})
}
