// Package wildcard matches bytes against a pattern with '*' wildcards, as
// CloudWatch Logs filter patterns (metricfilter) and EventBridge's wildcard
// operator (eventpattern) do. Both split the pattern at its unescaped '*'s
// when they compile it and call Match per event, which allocates nothing.
package wildcard

// Match reports whether s matches a wildcard pattern split at its '*'s:
// parts[0] must be a prefix of s, the last part a suffix, and the parts
// between must appear in s in order between them, without overlapping. A
// pattern without '*' is one part, matched exactly. parts must not be
// empty.
func Match(s []byte, parts []string) bool {
	first, last := parts[0], parts[len(parts)-1]
	if len(parts) == 1 {
		return string(s) == first
	}
	if len(s) < len(first)+len(last) || string(s[:len(first)]) != first || string(s[len(s)-len(last):]) != last {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, p := range parts[1 : len(parts)-1] {
		i := index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return true
}

// index is bytes.Index for a string needle, without converting it.
func index(s []byte, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if string(s[i:i+len(sub)]) == sub {
			return i
		}
	}
	return -1
}
