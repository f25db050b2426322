// Package termsafe makes strings from untrusted input (object keys, messages
// read from a bucket) safe to print on a terminal.
package termsafe

import (
	"strings"
	"unicode/utf8"
)

// Escape writes C0 and C1 control characters and DEL as \xNN (C0, DEL) or
// \u00NN (C1), invalid UTF-8 bytes as \xNN, and keeps everything else; with
// keepTab, tabs are kept too. A string with nothing to escape is returned
// as is, without allocating.
func Escape(s string, keepTab bool) string {
	clean := true
	for _, r := range s {
		if (r < 0x20 && !(keepTab && r == '\t')) || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case keepTab && r == '\t':
			b.WriteByte('\t')
		case r == utf8.RuneError && n == 1, r < 0x20, r == 0x7f:
			b.WriteString(`\x`)
			b.WriteByte(hex[s[i]>>4])
			b.WriteByte(hex[s[i]&15])
		case r >= 0x80 && r < 0xa0:
			b.WriteString(`\u00`)
			b.WriteByte(hex[r>>4])
			b.WriteByte(hex[r&15])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
