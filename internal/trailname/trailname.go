// Package trailname checks trail names against CloudTrail's naming rules,
// for both logfile (trail names in digest keys) and trail (Validate).
//
// The rules, as the CloudTrail API reference states them for
// InvalidTrailNameException and the User Guide's "CloudTrail resource
// naming requirements": a trail name
//
//   - contains only ASCII letters (a-z, A-Z), digits (0-9), periods (.),
//     underscores (_) and dashes (-);
//   - starts with a letter or digit and ends with a letter or digit;
//   - is between 3 and 128 characters long;
//   - has no adjacent periods, underscores or dashes ("my-_namespace" and
//     "my--namespace" are invalid);
//   - is not in IP address format (for example 192.168.5.4).
//
// "IP address format" is read as the dotted-quad shape: four groups of
// one to three digits separated by periods, whether or not each group is
// at most 255 ("999.1.1.1" has the format though it is no address).
// IPv6 forms need ':', which the character rule already excludes.
package trailname

import "errors"

// Length bounds of a trail name.
const (
	MinLength = 3
	MaxLength = 128
)

// Rule is one naming rule a name can break.
type Rule uint8

// The rules, in the order Check reports them.
const (
	TooShort            Rule = iota + 1 // fewer than MinLength characters
	TooLong                             // more than MaxLength characters
	Start                               // does not start with a letter or digit
	End                                 // does not end with a letter or digit
	Charset                             // a character other than A-Z a-z 0-9 . _ -
	AdjacentPunctuation                 // two of . _ - next to each other
	IPAddress                           // dotted-quad shape, like 192.168.5.4
)

// String is a short English description of the rule broken.
func (r Rule) String() string {
	switch r {
	case TooShort:
		return "trail name must be 3 to 128 characters (it is shorter)"
	case TooLong:
		return "trail name must be 3 to 128 characters (it is longer)"
	case Start:
		return "trail name must start with a letter or digit"
	case End:
		return "trail name must end with a letter or digit"
	case Charset:
		return "trail name may hold only letters, digits, '.', '_' and '-'"
	case AdjacentPunctuation:
		return "trail name must not have adjacent '.', '_' or '-'"
	case IPAddress:
		return "trail name must not be in IP address format"
	}
	return "invalid trail name"
}

// Check returns every rule name breaks, in the order of the Rule
// constants, or nil when name is a valid trail name. An empty name breaks
// only TooShort.
func Check(name string) []Rule {
	var broken []Rule
	n := len(name)
	if n < MinLength {
		broken = append(broken, TooShort)
	}
	if n > MaxLength {
		broken = append(broken, TooLong)
	}
	if n == 0 {
		return broken
	}
	if !isAlnum(name[0]) {
		broken = append(broken, Start)
	}
	if !isAlnum(name[n-1]) {
		broken = append(broken, End)
	}
	charset, adjacent := false, false
	for i := 0; i < n; i++ {
		c := name[i]
		if isAlnum(c) {
			continue
		}
		if c != '.' && c != '-' && c != '_' {
			charset = true
			continue
		}
		if i > 0 && isPunct(name[i-1]) {
			adjacent = true
		}
	}
	if charset {
		broken = append(broken, Charset)
	}
	if adjacent {
		broken = append(broken, AdjacentPunctuation)
	}
	if dottedQuad(name) {
		broken = append(broken, IPAddress)
	}
	return broken
}

// Valid reports whether name breaks no rule.
func Valid(name string) bool { return Check(name) == nil }

// Err returns nil for a valid name, else an error saying the first rule
// it breaks: the check logfile applies to the trail names in digest keys,
// for callers (the CLI, test fixtures) that check a name on its own.
func Err(name string) error {
	if broken := Check(name); broken != nil {
		return errors.New(broken[0].String())
	}
	return nil
}

// dottedQuad reports whether s is four groups of 1 to 3 ASCII digits
// separated by single periods.
func dottedQuad(s string) bool {
	groups, digits := 1, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits++
			if digits > 3 {
				return false
			}
		case c == '.':
			if digits == 0 {
				return false
			}
			groups, digits = groups+1, 0
		default:
			return false
		}
	}
	return groups == 4 && digits > 0
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isPunct(c byte) bool { return c == '.' || c == '-' || c == '_' }
